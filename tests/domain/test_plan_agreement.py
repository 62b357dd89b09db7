"""Consultation, foster-care coordination and the family's agreement to a plan version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from pwa import i18n
from pwa.domain.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from pwa.domain.plans import agreement as plan_agreement
from pwa.domain.plans import editing, views
from pwa.domain.plans.agreement import ConsultationForm, FosterCoordinationForm, PaperAgreementForm
from pwa.models import AgreementMethod, CaseStatus, PlanStatus, Relation
from tests.support.audit import audit_actions, audit_details
from tests.support.clock import NOW, TODAY
from tests.support.factories.core import make_member
from tests.support.factories.plans import (
    agree_on_paper,
    agreed_plan,
    draft_plan,
    goal_form,
    plan_world,
    plans_of,
)

pytestmark = pytest.mark.usefixtures("english")  # messages matched in English


def seen(db: Session, plan) -> str:  # type: ignore[no-untyped-def]
    """The fingerprint of the version as the family's page shows it."""
    found = views.contents(db, plan=plan)
    return views.fingerprint(found.goals, found.tasks)


# --- consultation and foster-care coordination -------------------------------------------


def test_the_consultation_with_the_social_worker_is_recorded_on_the_draft(db: Session):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    form = ConsultationForm(" 2026-11-20 ", " Ewa Kaczmarek ", "Rodzina chętna do współpracy.")
    recorded = plan_agreement.record_consultation(
        db, actor=world.assistant, plan_id=plan.id, form=form, now=NOW
    )
    assert recorded.id == plan.id
    assert (recorded.consulted_on, recorded.consulted_with) == (
        TODAY - timedelta(days=3),
        "Ewa Kaczmarek",
    )
    assert recorded.consultation_remarks == "Rodzina chętna do współpracy."
    assert "plan.consultation" in audit_actions(db, world.family)


def test_a_consultation_needs_a_past_date_and_the_social_workers_name(db: Session):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    with pytest.raises(Invalid) as refused:
        plan_agreement.record_consultation(
            db,
            actor=world.assistant,
            plan_id=plan.id,
            form=ConsultationForm("2026-11-24", "", ""),
            now=NOW,
        )
    assert set(refused.value.errors) == {"consulted_on", "consulted_with"}


def test_a_family_member_cannot_record_a_consultation(db: Session):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    with pytest.raises(NotFound):
        plan_agreement.record_consultation(
            db,
            actor=world.parent_user,
            plan_id=plan.id,
            form=ConsultationForm("2026-11-20", "Ewa Kaczmarek", ""),
            now=NOW,
        )


def test_coordination_with_the_foster_care_coordinator_is_recorded_and_carried_over(
    db: Session,
):
    world = plan_world(db, foster_care=True)
    plan, _goal, _tasks = draft_plan(db, world)
    form = FosterCoordinationForm("Marta Wójcik, PCPR Kłodzko", "PPR/12/2026", "2026-11-19")
    recorded = plan_agreement.record_foster_coordination(
        db, actor=world.assistant, plan_id=plan.id, form=form, now=NOW
    )
    assert (
        recorded.foster_coordination_with,
        recorded.foster_coordination_reference,
        recorded.foster_coordination_on,
    ) == ("Marta Wójcik, PCPR Kłodzko", "PPR/12/2026", TODAY - timedelta(days=4))
    agree_on_paper(db, world, plan)
    second = editing.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    assert second.foster_coordination_reference == "PPR/12/2026"
    assert second.consulted_on is None  # each version is consulted anew


def test_coordination_needs_a_child_in_foster_care(db: Session):
    world = plan_world(db, foster_care=False)
    plan, _goal, _tasks = draft_plan(db, world)
    form = FosterCoordinationForm("Marta Wójcik", "", "2026-11-19")
    with pytest.raises(Conflict, match="foster care"):
        plan_agreement.record_foster_coordination(
            db, actor=world.assistant, plan_id=plan.id, form=form, now=NOW
        )


def test_coordination_needs_the_coordinator_and_a_date(db: Session):
    world = plan_world(db, foster_care=True)
    plan, _goal, _tasks = draft_plan(db, world)
    with pytest.raises(Invalid) as refused:
        plan_agreement.record_foster_coordination(
            db,
            actor=world.assistant,
            plan_id=plan.id,
            form=FosterCoordinationForm("", "PPR/12/2026", "jutro"),
            now=NOW,
        )
    assert set(refused.value.errors) == {"coordinator", "coordinated_on"}


# --- agreement on the phone ----------------------------------------------------------------


def test_an_adult_member_agrees_to_the_plan_on_their_own_phone(db: Session):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    agreed = plan_agreement.agree_on_phone(
        db, actor=world.parent_user, plan_id=plan.id, fingerprint=seen(db, plan), now=NOW
    )
    assert agreed.status is PlanStatus.agreed
    assert agreed.agreement_method is AgreementMethod.phone
    assert agreed.agreed_by_user_id == world.parent_user.id
    assert agreed.agreed_by_member_id == world.parent.id
    assert agreed.agreed_at == NOW
    assert agreed.recorded_by_id is None
    assert audit_details(db, world.family, "plan.agree") == [{"version": 1, "method": "phone"}]


@pytest.mark.parametrize("relation", [Relation.guardian, Relation.other])
def test_a_guardian_or_another_adult_may_agree(db: Session, relation: Relation):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    adult = world.member_user(db, make_member(db, world.family, relation=relation))
    agreed = plan_agreement.agree_on_phone(
        db, actor=adult, plan_id=plan.id, fingerprint=seen(db, plan), now=NOW
    )
    assert agreed.agreed_by_user_id == adult.id


def test_a_child_cannot_agree_to_the_plan(db: Session):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    child = world.member_user(db, world.child)
    with pytest.raises(Forbidden, match="adult"):
        plan_agreement.agree_on_phone(
            db, actor=child, plan_id=plan.id, fingerprint=seen(db, plan), now=NOW
        )
    assert plan.status is PlanStatus.draft


def test_staff_cannot_agree_in_the_familys_name_on_the_phone(db: Session):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    with pytest.raises(Forbidden):
        plan_agreement.agree_on_phone(
            db, actor=world.assistant, plan_id=plan.id, fingerprint=seen(db, plan), now=NOW
        )


def test_a_member_of_another_family_sees_no_plan_to_agree_to(db: Session):
    world = plan_world(db)
    other = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    with pytest.raises(NotFound):
        plan_agreement.agree_on_phone(
            db, actor=other.parent_user, plan_id=plan.id, fingerprint=seen(db, plan), now=NOW
        )


def test_a_plan_changed_while_the_family_read_it_is_not_agreed(db: Session):
    world = plan_world(db)
    plan, _goal, [task] = draft_plan(db, world)
    read = seen(db, plan)
    editing.change_due_date(
        db, actor=world.assistant, task_id=task.id, due_on="2027-02-01", now=NOW
    )
    with pytest.raises(Conflict, match="changed while you were reading"):
        plan_agreement.agree_on_phone(
            db, actor=world.parent_user, plan_id=plan.id, fingerprint=read, now=NOW
        )
    assert plan.status is PlanStatus.draft


def test_an_already_agreed_version_is_not_agreed_again(db: Session):
    world = plan_world(db)
    plan, _goal, _tasks = agreed_plan(db, world)
    with pytest.raises(Conflict, match="already agreed"):
        plan_agreement.agree_on_phone(
            db, actor=world.parent_user, plan_id=plan.id, fingerprint=seen(db, plan), now=NOW
        )


def test_a_plan_without_goals_or_with_a_goal_without_tasks_cannot_be_agreed(db: Session):
    world = plan_world(db)
    plan = editing.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    with pytest.raises(Conflict, match="no goals"):
        agree_on_paper(db, world, plan)
    editing.add_goal(
        db, actor=world.assistant, plan_id=plan.id, form=goal_form("Pusty cel"), now=NOW
    )
    with pytest.raises(Conflict, match='"Pusty cel" has no tasks'):
        agree_on_paper(db, world, plan)


def test_agreeing_to_a_new_version_supersedes_the_one_in_force(db: Session):
    world = plan_world(db)
    first, _goal, [task] = agreed_plan(db, world)
    editing.change_due_date(
        db, actor=world.assistant, task_id=task.id, due_on="2027-03-01", now=NOW
    )
    _first, second = plans_of(db, world.family)
    assert first.status is PlanStatus.agreed  # in force until the new version is agreed
    plan_agreement.agree_on_phone(
        db, actor=world.parent_user, plan_id=second.id, fingerprint=seen(db, second), now=NOW
    )
    assert [(p.version, p.status) for p in plans_of(db, world.family)] == [
        (1, PlanStatus.superseded),
        (2, PlanStatus.agreed),
    ]


def test_no_agreement_once_the_work_has_ended(db: Session):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    world.family.status = CaseStatus.ended
    db.add(world.family)
    with pytest.raises(Conflict, match="has ended"):
        plan_agreement.agree_on_phone(
            db, actor=world.parent_user, plan_id=plan.id, fingerprint=seen(db, plan), now=NOW
        )


# --- agreement on paper --------------------------------------------------------------------


def test_the_assistant_records_a_paper_copy_signed_by_an_adult(db: Session):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    later = NOW + timedelta(days=2)
    form = PaperAgreementForm("2026-11-24", str(world.parent.id))
    agreed = plan_agreement.record_paper_agreement(
        db, actor=world.assistant, plan_id=plan.id, form=form, now=later
    )
    assert agreed.status is PlanStatus.agreed
    assert agreed.agreement_method is AgreementMethod.paper
    assert agreed.agreed_by_member_id == world.parent.id
    assert agreed.agreed_by_user_id is None
    assert agreed.recorded_by_id == world.assistant.id
    assert agreed.agreed_at == datetime(2026, 11, 24, 11, 0, tzinfo=UTC)  # noon in Warsaw
    assert i18n.format_date(agreed.agreed_at) == "24.11.2026"


def test_a_paper_copy_signed_today_is_recorded_now(db: Session):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    assert agree_on_paper(db, world, plan).agreed_at == NOW


@pytest.mark.parametrize(
    ("signed_on", "who", "fields"),
    [
        ("2026-11-24", "parent", {"signed_on"}),  # tomorrow
        ("2026-11-22", "parent", {"signed_on"}),  # before this version was made
        ("", "parent", {"signed_on"}),
        ("2026-11-23", "child", {"member_id"}),
        ("2026-11-23", "nobody", {"member_id"}),
    ],
)
def test_a_paper_agreement_needs_a_possible_date_and_an_adult_member(
    db: Session, signed_on: str, who: str, fields: set[str]
):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    member_id = {"parent": str(world.parent.id), "child": str(world.child.id)}.get(who, "")
    with pytest.raises(Invalid) as refused:
        plan_agreement.record_paper_agreement(
            db,
            actor=world.assistant,
            plan_id=plan.id,
            form=PaperAgreementForm(signed_on, member_id),
            now=NOW,
        )
    assert set(refused.value.errors) == fields
    assert plan.status is PlanStatus.draft


def test_a_family_member_cannot_record_a_paper_agreement(db: Session):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    with pytest.raises(NotFound):
        plan_agreement.record_paper_agreement(
            db,
            actor=world.parent_user,
            plan_id=plan.id,
            form=PaperAgreementForm("2026-11-23", str(world.parent.id)),
            now=NOW,
        )
