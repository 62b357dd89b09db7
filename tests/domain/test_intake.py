"""Intake as domain rules: the team's decision before an assistant, the first contact and the
family's answer, the initial assessment before the first plan, the assessment clock, and the
hand-over to a contracted organisation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, col, select

from pwa.domain.assessments import due as assessment_due
from pwa.domain.assessments import situation
from pwa.domain.cases import intake, record
from pwa.domain.cases.lifecycle import ConsentGivenForm
from pwa.domain.centre import homes
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.dates import add_months
from pwa.domain.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from pwa.domain.plans import editing
from pwa.models import (
    Assessment,
    AssessmentKind,
    Assignment,
    CaseStatus,
    Centre,
    EndReason,
    Family,
    FamilyMember,
    FirstContact,
    Plan,
    Relation,
    Role,
    TeamDecision,
    User,
)
from tests.support.clock import NOW, TODAY
from tests.support.factories.assessments import assessment_form
from tests.support.factories.core import make_centre, make_family, make_member, make_user

REFERRED = date(2026, 11, 2)


def referred_family(
    db: Session, centre: Centre, *, assistant: User | None = None, **values: object
) -> tuple[Family, FamilyMember]:
    family = make_family(
        db, centre, assistant=assistant, status=CaseStatus.referred, referred_on=REFERRED, **values
    )
    mother = make_member(db, family, first_name="Ewa", last_name="Kowalska")
    make_member(db, family, relation=Relation.child, first_name="Kuba")
    return family, mother


def decision_form(**values: str) -> intake.TeamDecisionForm:
    data = {
        "met_on": "2026-11-10",
        "participants": "Anna Nowak, koordynatorka\n\nMarta Górska, psycholog\n",
        "decision": "take_on",
    }
    data.update(values)
    return intake.TeamDecisionForm(**data)


def contact_form(**values: str) -> intake.FirstContactForm:
    data = {"met_on": "2026-11-16", "role_explained": "on", "expectations": "„Pomoc z szkołą.”"}
    data.update(values)
    return intake.FirstContactForm(**data)


def decide(db: Session, coordinator: User, family: Family, **values: str) -> TeamDecision:
    return intake.record_team_decision(
        db, actor=Actor(coordinator), family_id=family.id, form=decision_form(**values), now=NOW
    )


def assign(db: Session, coordinator: User, family: Family, assistant: User) -> Assignment:
    return record.assign_assistant(
        db, actor=Actor(coordinator), family_id=family.id, assistant_id=str(assistant.id), now=NOW
    )


@pytest.fixture
def team_centre(db: Session) -> Centre:
    """A centre whose assistants wait for the multiprofessional team's "take on"."""
    return make_centre(db, requires_team_decision=True)


# --- the team's decision ------------------------------------------------------------------------


def test_no_assignment_before_the_team_decides_to_take_the_family_on(
    db: Session, team_centre: Centre
):
    coordinator = make_user(db, team_centre, Role.coordinator)
    assistant = make_user(db, team_centre, Role.assistant)
    family, _mother = referred_family(db, team_centre)

    with pytest.raises(Conflict, match="nie podjął jeszcze decyzji"):
        assign(db, coordinator, family, assistant)
    decide(db, coordinator, family, decision="postpone")
    with pytest.raises(Conflict, match="nie przyjmować rodziny"):
        assign(db, coordinator, family, assistant)
    decide(db, coordinator, family, decision="take_on", met_on="2026-11-17")

    assignment = assign(db, coordinator, family, assistant)
    assert assignment.assistant_id == assistant.id


def test_a_later_refusal_of_the_team_holds_the_assignment_back_again(
    db: Session, team_centre: Centre
):
    coordinator = make_user(db, team_centre, Role.coordinator)
    assistant = make_user(db, team_centre, Role.assistant)
    family, _mother = referred_family(db, team_centre)
    decide(db, coordinator, family, decision="take_on", met_on="2026-11-05")
    decide(
        db, coordinator, family, decision="not_take_on", met_on="2026-11-12",
        reason="Rodzina ma już wsparcie asystenta z innej gminy.",
    )  # fmt: skip

    with pytest.raises(Conflict):
        assign(db, coordinator, family, assistant)
    assert db.exec(select(Assignment).where(Assignment.family_id == family.id)).first() is None


def test_the_bystrzyca_model_assigns_without_the_teams_decision(db: Session):
    centre = make_centre(db)  # requires_team_decision is off by default
    coordinator = make_user(db, centre, Role.coordinator)
    assistant = make_user(db, centre, Role.assistant)
    family, _mother = referred_family(db, centre)

    assert assign(db, coordinator, family, assistant).assistant_id == assistant.id


def test_the_teams_decision_keeps_participants_one_a_line(db: Session, team_centre: Centre):
    coordinator = make_user(db, team_centre, Role.coordinator)
    family, _mother = referred_family(db, team_centre)

    decision = decide(db, coordinator, family, remarks="Najpierw szkoła.")

    assert decision.participants == "Anna Nowak, koordynatorka\nMarta Górska, psycholog"
    assert decision.recorded_by_id == coordinator.id and decision.remarks == "Najpierw szkoła."


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"decision": "not_take_on", "reason": " "}, "reason", "Podaj powód"),
        ({"decision": "maybe"}, "decision", "Wybierz, co postanowił zespół"),
        ({"participants": "  "}, "participants", "kto brał udział"),
        ({"met_on": "2026-12-01"}, "met_on", "w przyszłości"),
        ({"met_on": "2026-10-01"}, "met_on", "wcześniejsza niż zgłoszenie"),
        ({"met_on": "31.02.2026"}, "met_on", "Wpisz datę"),
        ({"remarks": "x" * 5001}, "remarks", "za długi"),
    ],
)
def test_an_invalid_team_decision_is_refused_with_a_message_by_its_field(
    db: Session, team_centre: Centre, values: dict[str, str], field: str, message: str
):
    coordinator = make_user(db, team_centre, Role.coordinator)
    family, _mother = referred_family(db, team_centre)

    with pytest.raises(Invalid) as refused:
        decide(db, coordinator, family, **values)

    assert message in refused.value.errors[field]
    assert db.exec(select(TeamDecision)).all() == []


def test_only_a_coordinator_records_the_teams_decision(db: Session, team_centre: Centre):
    assistant = make_user(db, team_centre, Role.assistant)
    family, _mother = referred_family(db, team_centre, assistant=assistant)

    with pytest.raises(Forbidden):
        decide(db, assistant, family)


def test_the_team_decides_only_about_a_referral(db: Session, team_centre: Centre):
    coordinator = make_user(db, team_centre, Role.coordinator)
    family = make_family(db, team_centre, status=CaseStatus.active)

    with pytest.raises(Conflict, match="nie jest zgłoszeniem"):
        decide(db, coordinator, family)


# --- the first contact and the family's answer ----------------------------------------------------


def test_a_first_contact_needs_the_role_explained_and_the_familys_words(db: Session):
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    family, _mother = referred_family(db, centre, assistant=assistant)

    with pytest.raises(Invalid) as refused:
        intake.record_first_contact(
            db, actor=Actor(assistant), family_id=family.id,
            form=contact_form(role_explained="", expectations=""), now=NOW,
        )  # fmt: skip
    assert set(refused.value.errors) == {"role_explained", "expectations"}
    assert "rolę, obowiązki i uprawnienia" in refused.value.errors["role_explained"]

    contact = intake.record_first_contact(
        db, actor=Actor(assistant), family_id=family.id, form=contact_form(), now=NOW
    )
    assert (contact.met_on, contact.role_explained, contact.outcome) == (
        date(2026, 11, 16), True, "",
    )  # fmt: skip


def test_the_first_contact_waits_for_an_assistant(db: Session):
    centre = make_centre(db)
    coordinator = make_user(db, centre, Role.coordinator)
    family, _mother = referred_family(db, centre)

    with pytest.raises(Conflict, match="Najpierw przydziel"):
        intake.record_first_contact(
            db, actor=Actor(coordinator), family_id=family.id, form=contact_form(), now=NOW
        )


def test_a_refusal_at_first_contact_ends_the_case_without_a_final_assessment(db: Session):
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    family, _mother = referred_family(db, centre, assistant=assistant)
    actor = Actor(assistant)
    with pytest.raises(Conflict, match="pierwszy kontakt"):  # nothing to refuse yet
        intake.refuse_at_first_contact(
            db, actor=actor, family_id=family.id,
            form=intake.RefusalForm(refused_on="2026-11-16"), now=NOW,
        )  # fmt: skip
    intake.record_first_contact(db, actor=actor, family_id=family.id, form=contact_form(), now=NOW)

    intake.refuse_at_first_contact(
        db, actor=actor, family_id=family.id, now=NOW,
        form=intake.RefusalForm(refused_on="2026-11-16", detail="Nie chcemy nikogo w domu."),
    )  # fmt: skip

    assert family.status is CaseStatus.ended
    assert (family.end_reason, family.ended_on) == (
        EndReason.refused_at_first_contact, date(2026, 11, 16),
    )  # fmt: skip
    assert db.exec(select(FirstContact.outcome)).all() == ["refusal"]
    assert db.exec(select(Assessment)).all() == []


def test_a_refusal_dated_before_the_referral_is_refused(db: Session):
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    family, _mother = referred_family(db, centre, assistant=assistant)
    actor = Actor(assistant)
    intake.record_first_contact(db, actor=actor, family_id=family.id, form=contact_form(), now=NOW)

    with pytest.raises(Invalid) as refused:
        intake.refuse_at_first_contact(
            db, actor=actor, family_id=family.id, now=NOW,
            form=intake.RefusalForm(refused_on="2026-10-01"),
        )  # fmt: skip

    assert "refused_on" in refused.value.errors
    assert family.status is CaseStatus.referred


def test_consent_at_first_contact_starts_the_work(db: Session):
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    family, mother = referred_family(db, centre, assistant=assistant)
    actor = Actor(assistant)
    intake.record_first_contact(db, actor=actor, family_id=family.id, form=contact_form(), now=NOW)

    intake.consent_at_first_contact(
        db, actor=actor, family_id=family.id, now=NOW,
        form=ConsentGivenForm(given_on="2026-11-16", member_id=str(mother.id), form="written"),
    )  # fmt: skip

    assert (family.status, family.work_started_on) == (CaseStatus.active, date(2026, 11, 16))
    assert db.exec(select(FirstContact.outcome)).all() == ["consent"]


# --- the initial assessment before the first plan, and the clock ---------------------------------


def working_family(db: Session, started: date) -> tuple[Family, User]:
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    family = make_family(
        db, centre, assistant=assistant, referred_on=date(2026, 1, 5), work_started_on=started
    )
    mother = make_member(db, family)
    from tests.support.factories.core import give_consent

    give_consent(db, family, mother, on=started)
    return family, assistant


def test_no_plan_before_the_initial_assessment(db: Session):
    family, assistant = working_family(db, date(2026, 11, 2))
    actor = Actor(assistant)

    with pytest.raises(Conflict, match="po ocenie wstępnej"):
        editing.start_plan(db, actor=actor, family_id=family.id, now=NOW)
    assert db.exec(select(Plan)).all() == []

    situation.record_assessment(
        db, actor=actor, family_id=family.id, kind=AssessmentKind.initial,
        form=assessment_form(assessed_on="2026-11-10", household="Zaległy czynsz."), now=NOW,
    )  # fmt: skip
    plan = editing.start_plan(db, actor=actor, family_id=family.id, now=NOW)

    assert plan.version == 1


def test_an_initial_assessment_of_an_earlier_round_does_not_open_the_first_plan(db: Session):
    family, assistant = working_family(db, date(2026, 11, 2))
    db.add(
        Assessment(family_id=family.id, kind=AssessmentKind.initial, assessed_on=date(2025, 3, 1))
    )
    db.flush()

    with pytest.raises(Conflict):
        editing.start_plan(db, actor=Actor(assistant), family_id=family.id, now=NOW)


def test_the_assessment_clock_starts_at_the_start_of_work(db: Session):
    """Due 6 months after the start; an initial assessment from before the start (an earlier
    round of work) does not move it; one written after the start counts as the last one."""
    started = date(2026, 6, 1)
    family, assistant = working_family(db, started)
    due = assessment_due.assessment_due_for(db, family=family, today=TODAY)
    assert due.due == add_months(started, 6) == date(2026, 12, 1)

    db.add(
        Assessment(family_id=family.id, kind=AssessmentKind.initial, assessed_on=date(2026, 2, 1))
    )
    db.flush()
    assert assessment_due.assessment_due_for(db, family=family, today=TODAY).due == date(
        2026, 12, 1
    )
    assert assessment_due.assessment_due(started, date(2026, 2, 1)) == date(2026, 12, 1)

    situation.record_assessment(
        db, actor=Actor(assistant), family_id=family.id, kind=AssessmentKind.initial,
        form=assessment_form(assessed_on="2026-06-15"), now=NOW,
    )  # fmt: skip
    assert assessment_due.assessment_due_for(db, family=family, today=TODAY).due == date(
        2026, 12, 15
    )


def test_the_findings_of_the_initial_assessment_suggest_goal_areas(db: Session):
    assessment = Assessment(
        family_id=make_family(db, make_centre(db)).id, kind=AssessmentKind.initial,
        assessed_on=TODAY, household="Zaległy czynsz.", finances="", school="x" * 700,
    )  # fmt: skip

    found = {f.area: f for f in intake.findings(assessment)}

    assert set(found) == {"household", "school"}
    assert found["household"].goal_area.value == "household"
    assert len(found["school"].goal_wording) == intake.GOAL_WORDING_LIMIT


# --- the hand-over to a contracted organisation ----------------------------------------------------


def test_the_organisations_coordinator_sees_and_assigns_a_handed_over_family(db: Session):
    mops = make_centre(db, name="Miejski Ośrodek Pomocy Społecznej w Częstochowie")
    ccwr = make_centre(
        db, name="Częstochowskie Centrum Wsparcia Rodziny", parent_centre_id=mops.id,
        requires_team_decision=True,
    )  # fmt: skip
    mops_coordinator = make_user(db, mops, Role.coordinator)
    ccwr_coordinator = make_user(db, ccwr, Role.coordinator)
    ccwr_assistant = make_user(db, ccwr, Role.assistant)
    stranger = make_user(db, make_centre(db), Role.coordinator)
    family, _mother = referred_family(
        db, mops, handled_by_centre_id=ccwr.id, handed_over_on=date(2026, 11, 3)
    )

    overview = homes.centre_overview(db, coordinator=ccwr_coordinator, now=NOW)
    assert family in overview.unassigned
    with pytest.raises(NotFound):
        intake.intake_view(db, actor=Actor(stranger), family_id=family.id)
    with pytest.raises(Conflict, match="przekazana"):
        assign(db, mops_coordinator, family, ccwr_assistant)
    with pytest.raises(Conflict):  # the organisation's team has not decided yet
        assign(db, ccwr_coordinator, family, ccwr_assistant)
    decide(db, ccwr_coordinator, family)
    assign(db, ccwr_coordinator, family, ccwr_assistant)

    view = intake.intake_view(db, actor=Actor(ccwr_assistant), family_id=family.id)
    assert view.assistant == ccwr_assistant and view.handled_by == ccwr
    assert intake.intake_view(db, actor=Actor(mops_coordinator), family_id=family.id)


def test_a_referral_is_handed_over_only_to_the_centres_own_organisations(db: Session):
    mops = make_centre(db)
    ccwr = make_centre(db, parent_centre_id=mops.id)
    foreign = make_centre(db)
    coordinator = make_user(db, mops, Role.coordinator)
    base = {
        "case_number": "AR.1.2026", "name": "Nowakowie", "address": "ul. Jasnogórska 1",
        "phone": "", "referral_reason": "Trudności.", "social_worker_name": "Ewa Kaczmarek",
        "referred_on": "2026-11-02",
    }  # fmt: skip
    members = (record.MemberForm(first_name="Ewa", last_name="Nowak", relation="parent"),)

    with pytest.raises(Invalid) as refused:
        record.register_family(
            db, actor=Actor(coordinator), now=NOW, form=record.ReferralForm(
                **base, members=members, handled_by_centre_id=str(foreign.id),
                interview_on="2026-10-20", director_request_on="2026-10-10",
            ),
        )  # fmt: skip
    assert set(refused.value.errors) == {
        "handled_by_centre_id", "handed_over_on", "director_request_on",
    }  # fmt: skip

    family = record.register_family(
        db, actor=Actor(coordinator), now=NOW, form=record.ReferralForm(
            **base, members=members, handled_by_centre_id=str(ccwr.id),
            handed_over_on="2026-11-03", interview_on="2026-10-20", interview_by="Ewa Kaczmarek",
            director_request_on="2026-10-30", director_request_reference="DOPS.4011.5.2026",
        ),
    )  # fmt: skip
    assert (family.handled_by_centre_id, family.handed_over_on) == (ccwr.id, date(2026, 11, 3))
    assert family.director_request_reference == "DOPS.4011.5.2026"
    assert db.exec(select(Family).where(col(Family.centre_id) == mops.id)).all() == [family]
