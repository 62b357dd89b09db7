"""Three bugs that copies of one rule caused: each is pinned here so it cannot come back."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, col, select

from pwa.demo.centre import load_demo_data
from pwa.domain.cases import members
from pwa.domain.cases import record as cases
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Invalid
from pwa.domain.kernel.forms import FormErrors
from pwa.domain.plans import agreement
from pwa.domain.plans import editing as plans
from pwa.domain.visits.recording import record_visit
from pwa.models import (
    CaseStatus,
    Family,
    FamilyMember,
    Goal,
    Plan,
    PlanStatus,
    Role,
    Task,
    TaskState,
    User,
    Visit,
)
from tests.support.clock import DEMO_TODAY
from tests.support.factories.plans import (
    NOW,
    agree_on_paper,
    agreed_plan,
    draft_plan,
    plan_world,
    task_form,
)
from tests.support.factories.visits import visit_form


def copy_in(db: Session, plan: Plan, task: Task) -> Task:
    """The task of the same lineage in another version of the plan."""
    return db.exec(
        select(Task)
        .join(Goal, col(Goal.id) == col(Task.goal_id))
        .where(Goal.plan_id == plan.id, Task.lineage_id == task.lineage_id)
        .execution_options(populate_existing=True)
    ).one()


# --- 1. a task ticked during a visit stays done in the next version of the plan --------------


def test_a_task_ticked_in_a_visit_while_a_new_version_is_drafted_stays_done(db: Session):
    world = plan_world(db)
    agreed, _goal, [task] = agreed_plan(db, world, task_form())
    draft = plans.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)

    record_visit(
        db,
        actor=world.assistant,
        family_id=world.family.id,
        form=visit_form(done_task_ids=(str(task.id),)),
        now=NOW,
    )
    assert copy_in(db, draft, task).state is TaskState.done  # the draft keeps in step
    agree_on_paper(db, world, draft)

    db.refresh(agreed)
    assert agreed.status is PlanStatus.superseded
    in_force = copy_in(db, draft, task)
    assert (in_force.state, in_force.done_by_id) == (TaskState.done, world.assistant.id)


def test_a_task_ticked_in_a_visit_goes_through_the_compare_and_set(db: Session):
    """The revision moves once, as for a tick on the plan page."""
    world = plan_world(db)
    _agreed, _goal, [task] = agreed_plan(db, world, task_form())
    record_visit(
        db,
        actor=world.assistant,
        family_id=world.family.id,
        form=visit_form(done_task_ids=(str(task.id),)),
        now=NOW,
    )
    db.refresh(task)
    assert (task.state, task.revision, task.done_at) == (TaskState.done, 2, NOW)


def test_a_visit_to_a_family_whose_work_ended_refuses_its_ticks_before_writing(db: Session):
    """The plan page refuses ticks once the work has ended; so does the visit, and keeps nothing."""
    world = plan_world(db)
    _agreed, _goal, [task] = agreed_plan(db, world, task_form())
    world.family.status = CaseStatus.ended
    db.commit()
    with pytest.raises(Invalid) as refused:
        record_visit(
            db,
            actor=world.assistant,
            family_id=world.family.id,
            form=visit_form(done_task_ids=(str(task.id),)),
            now=NOW,
        )
    assert "done_task_ids" in refused.value.errors
    db.rollback()
    db.refresh(task)
    assert task.state is TaskState.open
    assert db.exec(select(Visit).where(Visit.family_id == world.family.id)).all() == []


# --- 2. one date parser: a date accepted on one form is accepted on every form ---------------


@pytest.mark.parametrize("typed", ["30.11.2026", "2026-11-30", "30.11.2026 "])
def test_a_plan_task_takes_the_due_date_as_a_visit_form_does(db: Session, typed: str):
    world = plan_world(db)
    _plan, goal, _tasks = draft_plan(db, world)
    form = plans.TaskForm("Zadzwonić do poradni", plans.ASSISTANT, typed, "Termin wizyty")
    task = plans.add_task(db, actor=world.assistant, goal_id=goal.id, form=form, now=NOW)
    assert task.due_on == date(2026, 11, 30)


def test_a_paper_agreement_takes_the_signature_date_typed_the_polish_way(db: Session):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    form = agreement.PaperAgreementForm("23.11.2026", str(world.parent.id))
    agreed = agreement.record_paper_agreement(
        db, actor=world.assistant, plan_id=plan.id, form=form, now=NOW
    )
    assert agreed.status is PlanStatus.agreed
    assert agreed.agreed_at is not None and agreed.agreed_at.date() == date(2026, 11, 23)


def test_a_member_form_takes_a_visit_forms_date(db: Session):
    world = plan_world(db)
    form = members.MemberForm("Jan", "Kowalski", "parent", birth_date="1.2.1980")
    member = members.add_member(
        db, actor=world.assistant, family_id=world.family.id, form=form, now=NOW
    )
    assert member.birth_date == date(1980, 2, 1)


# --- 3. one phone rule: every stored demo family saves unchanged -----------------------------


def test_a_social_workers_phone_with_an_extension_is_a_phone_number():
    for typed in ("74 8111 785 wew. 24", "74 8111 785 w. 24", "+48 600 100 200", "600-100-200"):
        errors = FormErrors()
        assert errors.phone("phone", typed) == typed and not errors, typed
    errors = FormErrors()
    errors.phone("phone", "zadzwoń jutro")
    assert set(errors) == {"phone"}


def _columns(row: object) -> dict[str, object]:
    return {name: value for name, value in vars(row).items() if not name.startswith("_")}


def test_every_demo_familys_edit_forms_save_unchanged(db: Session):
    load_demo_data(db, today=DEMO_TODAY)
    now = NOW.replace(year=2026, month=11, day=25)
    families = db.exec(select(Family).order_by(col(Family.case_number))).all()
    assert len(families) >= 38
    for family in families:
        coordinator = db.exec(
            select(User).where(User.centre_id == family.centre_id, User.role == Role.coordinator)
        ).first()
        assert coordinator is not None
        before = _columns(family)
        cases.update_referral(
            db,
            actor=Actor(coordinator),
            family_id=family.id,
            form=cases.referral_form_of(family),
            now=now,
        )
        db.flush()
        db.refresh(family)
        after = _columns(family)
        assert after == before, family.name
        for member in db.exec(select(FamilyMember).where(FamilyMember.family_id == family.id)):
            if family.status is CaseStatus.closed:
                continue
            kept = _columns(member)
            form = members.MemberForm(
                member.first_name,
                member.last_name,
                member.relation.value,
                member.birth_date.isoformat() if member.birth_date else "",
                member.phone,
            )
            members.update_member(
                db, actor=Actor(coordinator), member_id=member.id, form=form, now=now
            )
            db.flush()
            db.refresh(member)
            assert _columns(member) == kept, (family.name, member.first_name)
