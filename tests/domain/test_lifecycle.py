"""Consent and the life cycle of a case (issue 5, points 3, 4 and 6)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from pwa.domain.cases import closing, consents, lifecycle, timeline
from pwa.domain.cases.caseload import MAX_FAMILIES_PER_ASSISTANT
from pwa.domain.cases.closing import MonitoringForm, ReasonForm
from pwa.domain.cases.lifecycle import (
    ConsentGivenForm,
    EndWorkForm,
    WithdrawalForm,
)
from pwa.domain.cases.record import CaseloadFull
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from pwa.i18n import use_locale
from pwa.models import (
    Assessment,
    AssessmentKind,
    Assignment,
    CaseStatus,
    Centre,
    ConsentForm,
    EndReason,
    Family,
    FamilyMember,
    InstitutionContact,
    PlaceKind,
    Plan,
    PlanStatus,
    Relation,
    Visit,
    VisitKind,
)
from tests.support.audit import audit_actions
from tests.support.clock import NOW
from tests.support.factories.cases import case_events, staff
from tests.support.factories.core import make_centre, make_family, make_family_user, make_member


@dataclass(frozen=True)
class Case:
    centre: Centre
    family: Family
    member: FamilyMember
    coordinator: Actor
    assistant: Actor

    def __iter__(self) -> Iterator[Any]:
        return iter((self.family, self.member, self.coordinator, self.assistant))


def _referred(db: Session, **centre_values: object) -> Case:
    centre, coordinator, assistant = staff(db, make_centre(db, **centre_values))
    family = make_family(
        db,
        centre,
        assistant=assistant.user,
        status=CaseStatus.referred,
        referred_on=date(2026, 2, 10),
    )
    return Case(centre, family, make_member(db, family), coordinator, assistant)


def _consent(
    member: FamilyMember, on: str = "2026-03-01", form: str = "written"
) -> ConsentGivenForm:
    return ConsentGivenForm(given_on=on, member_id=str(member.id), form=form)


def _active(db: Session, **centre_values: object) -> Case:
    case = _referred(db, **centre_values)
    lifecycle.record_consent(
        db, actor=case.assistant, family_id=case.family.id, form=_consent(case.member), now=NOW
    )
    return case


def _ended(db: Session, **centre_values: object) -> Case:
    case = _active(db, **centre_values)
    lifecycle.end_work(
        db,
        actor=case.assistant,
        family_id=case.family.id,
        form=EndWorkForm(reason="goals_met", ended_on="2026-11-20"),
        now=NOW,
        with_final_assessment=True,  # written beside it by the assessments' tests
    )
    return case


# --- consent --------------------------------------------------------------------------------


def test_consent_starts_the_work_on_the_day_it_was_given(db: Session) -> None:
    family, member, _coordinator, assistant = _referred(db)
    consent = lifecycle.record_consent(
        db, actor=assistant, family_id=family.id, form=_consent(member, form="oral"), now=NOW
    )
    assert (consent.given_on, consent.given_by_member_id, consent.form) == (
        date(2026, 3, 1),
        member.id,
        ConsentForm.oral,
    )
    assert family.status is CaseStatus.active
    assert family.work_started_on == date(2026, 3, 1)
    event = case_events(db, family.id)[-1]
    assert (event.from_status, event.to_status, event.on_date) == (
        CaseStatus.referred,
        CaseStatus.active,
        date(2026, 3, 1),
    )
    assert event.by_user_id == assistant.id
    assert {"consent.create", "case.start"} <= set(audit_actions(db, family.id))
    assert consents.require_consent(db, family_id=family.id) == consent


def test_without_consent_plans_and_visits_are_refused(db: Session) -> None:
    family, _member, _coordinator, _assistant = _referred(db)
    with pytest.raises(Conflict):
        consents.require_consent(db, family_id=family.id)


def test_consent_fields_are_checked_all_at_once(db: Session) -> None:
    family, _member, _coordinator, assistant = _referred(db)
    kid = make_member(db, family, relation=Relation.child)
    with pytest.raises(Invalid) as refused:
        lifecycle.record_consent(
            db,
            actor=assistant,
            family_id=family.id,
            form=ConsentGivenForm(given_on="2026-02-01", member_id=str(kid.id), form="by fax"),
            now=NOW,
        )
    assert set(refused.value.errors) == {"given_on", "member_id", "form"}
    assert family.status is CaseStatus.referred


def test_consent_dated_in_the_future_is_refused(db: Session) -> None:
    family, member, _coordinator, assistant = _referred(db)
    tomorrow = (NOW.date() + timedelta(days=1)).isoformat()
    with pytest.raises(Invalid) as refused:
        lifecycle.record_consent(
            db, actor=assistant, family_id=family.id, form=_consent(member, tomorrow), now=NOW
        )
    assert set(refused.value.errors) == {"given_on"}


def test_consent_of_a_member_of_another_family_is_refused(db: Session) -> None:
    family, _member, _coordinator, assistant = _referred(db)
    stranger = make_member(db, make_family(db, make_centre(db)))
    with pytest.raises(Invalid) as refused:
        lifecycle.record_consent(
            db, actor=assistant, family_id=family.id, form=_consent(stranger), now=NOW
        )
    assert set(refused.value.errors) == {"member_id"}


def test_consent_cannot_be_recorded_twice(db: Session) -> None:
    family, member, _coordinator, assistant = _active(db)
    with pytest.raises(Conflict):
        lifecycle.record_consent(
            db, actor=assistant, family_id=family.id, form=_consent(member), now=NOW
        )


def test_an_active_family_without_a_recorded_consent_can_have_it_recorded(db: Session) -> None:
    centre, _coordinator, assistant = staff(db)
    family = make_family(db, centre, assistant=assistant.user, work_started_on=date(2026, 3, 1))
    member = make_member(db, family)
    lifecycle.record_consent(
        db, actor=assistant, family_id=family.id, form=_consent(member), now=NOW
    )
    assert family.status is CaseStatus.active and family.work_started_on == date(2026, 3, 1)
    assert case_events(db, family.id) == []
    assert consents.current_consent(db, family_id=family.id) is not None


def test_withdrawing_consent_ends_the_work_with_the_reason(db: Session) -> None:
    family, _member, _coordinator, assistant = _active(db)
    consent = lifecycle.withdraw_consent(
        db,
        actor=assistant,
        family_id=family.id,
        form=WithdrawalForm(withdrawn_on="2026-11-02", reason="Rodzina nie chce dalszej pomocy."),
        now=NOW,
    )
    assert consent.withdrawn_on == date(2026, 11, 2)
    assert consent.withdrawal_reason == "Rodzina nie chce dalszej pomocy."
    assert family.status is CaseStatus.ended
    assert (family.end_reason, family.ended_on) == (EndReason.consent_withdrawn, date(2026, 11, 2))
    [end] = [event for event in case_events(db, family.id) if event.to_status is CaseStatus.ended]
    assert (end.end_reason, end.reason) == (
        EndReason.consent_withdrawn, "Rodzina nie chce dalszej pomocy.",
    )  # fmt: skip
    assert consents.current_consent(db, family_id=family.id) is None
    assert {"consent.withdraw", "case.end"} <= set(audit_actions(db, family.id))


def test_withdrawal_needs_a_reason_and_a_consent_in_force(db: Session) -> None:
    family, _member, _coordinator, assistant = _active(db)
    with pytest.raises(Invalid) as refused:
        lifecycle.withdraw_consent(
            db,
            actor=assistant,
            family_id=family.id,
            form=WithdrawalForm(withdrawn_on="", reason=" "),
            now=NOW,
        )
    assert set(refused.value.errors) == {"reason"}
    referred, _m, _c, other_assistant = _referred(db)
    with pytest.raises(Conflict):
        lifecycle.withdraw_consent(
            db,
            actor=other_assistant,
            family_id=referred.id,
            form=WithdrawalForm(withdrawn_on="", reason="Nie chcą."),
            now=NOW,
        )


# --- the life cycle ---------------------------------------------------------------------------


def test_the_whole_cycle_is_recorded_as_case_events(db: Session) -> None:
    family, _member, _coordinator, assistant = _ended(db)
    later = NOW + timedelta(days=1)
    closing.start_monitoring(
        db, actor=assistant, family_id=family.id, form=MonitoringForm(until="2027-03-01"), now=later
    )
    assert family.status is CaseStatus.monitoring
    assert family.monitoring_until == date(2027, 3, 1)
    closing.close_case(
        db,
        actor=assistant,
        family_id=family.id,
        form=ReasonForm(reason="Monitorowanie zakończone, sytuacja stabilna."),
        now=later + timedelta(days=100),
    )
    assert family.status is CaseStatus.closed
    assert family.closed_on == date(2027, 3, 4)

    transitions = [(e.from_status, e.to_status) for e in case_events(db, family.id)]
    assert transitions == [
        (CaseStatus.referred, CaseStatus.active),
        (CaseStatus.active, CaseStatus.ended),
        (CaseStatus.ended, CaseStatus.monitoring),
        (CaseStatus.monitoring, CaseStatus.closed),
    ]
    actions = audit_actions(db, family.id)
    for action in ("case.start", "case.end", "case.monitor", "case.close"):
        assert action in actions


def test_monitoring_lasts_the_centres_default_months_when_no_date_is_given(db: Session) -> None:
    family, _member, _coordinator, assistant = _ended(db, monitoring_default_months=6)
    closing.start_monitoring(
        db, actor=assistant, family_id=family.id, form=MonitoringForm(), now=NOW
    )
    assert family.monitoring_until == date(2027, 5, 23)


@pytest.mark.parametrize("until", ["2026-11-23", "2029-01-01", "jutro"])
def test_monitoring_must_end_after_today_and_within_two_years(db: Session, until: str) -> None:
    family, _member, _coordinator, assistant = _ended(db)
    with pytest.raises(Invalid) as refused:
        closing.start_monitoring(
            db, actor=assistant, family_id=family.id, form=MonitoringForm(until=until), now=NOW
        )
    assert set(refused.value.errors) == {"until"}


def test_an_ended_case_can_be_closed_without_monitoring(db: Session) -> None:
    family, _member, _coordinator, assistant = _ended(db)
    closing.close_case(
        db, actor=assistant, family_id=family.id, form=ReasonForm(reason="Wyprowadzka."), now=NOW
    )
    assert family.status is CaseStatus.closed


def test_closing_ends_the_assignment_and_needs_a_reason(db: Session) -> None:
    family, _member, _coordinator, assistant = _ended(db)
    with pytest.raises(Invalid):
        closing.close_case(
            db, actor=assistant, family_id=family.id, form=ReasonForm(reason=""), now=NOW
        )
    closing.close_case(
        db,
        actor=assistant,
        family_id=family.id,
        form=ReasonForm(reason="Cele osiągnięte."),
        now=NOW,
    )
    current = db.exec(
        select(Assignment).where(
            Assignment.family_id == family.id, col(Assignment.ended_at).is_(None)
        )
    ).all()
    assert current == []
    assert "family.unassign" in audit_actions(db, family.id)


def test_a_closed_case_is_reopened_by_a_coordinator_as_a_referral(db: Session) -> None:
    family, _member, coordinator, assistant = _ended(db)
    closing.close_case(
        db, actor=assistant, family_id=family.id, form=ReasonForm(reason="Koniec."), now=NOW
    )
    with pytest.raises(Forbidden):
        closing.reopen_case(
            db, actor=assistant, family_id=family.id, form=ReasonForm(reason="Znowu."), now=NOW
        )
    with pytest.raises(Invalid):
        closing.reopen_case(
            db, actor=coordinator, family_id=family.id, form=ReasonForm(reason=" "), now=NOW
        )
    closing.reopen_case(
        db,
        actor=coordinator,
        family_id=family.id,
        form=ReasonForm(reason="Nowe zgłoszenie z sądu rodzinnego."),
        now=NOW + timedelta(days=1),
    )
    assert family.status is CaseStatus.referred
    assert (family.work_started_on, family.ended_on, family.end_reason, family.closed_on) == (
        None,
        None,
        None,
        None,
    )
    event = case_events(db, family.id)[-1]
    assert (event.from_status, event.to_status) == (CaseStatus.closed, CaseStatus.referred)
    assert event.reason == "Nowe zgłoszenie z sądu rodzinnego."
    assert "case.reopen" in audit_actions(db, family.id)


@pytest.mark.parametrize(
    ("state", "attempt"),
    [
        (CaseStatus.referred, "monitor"),
        (CaseStatus.referred, "close"),
        (CaseStatus.referred, "reopen"),
        (CaseStatus.active, "monitor"),
        (CaseStatus.active, "close"),
        (CaseStatus.active, "reopen"),
        (CaseStatus.ended, "end"),
        (CaseStatus.ended, "consent"),
        (CaseStatus.ended, "reopen"),
        (CaseStatus.monitoring, "monitor"),
        (CaseStatus.monitoring, "end"),
        (CaseStatus.monitoring, "reopen"),
        (CaseStatus.closed, "end"),
        (CaseStatus.closed, "monitor"),
        (CaseStatus.closed, "close"),
        (CaseStatus.closed, "consent"),
    ],
)
def test_forbidden_transitions_are_refused_with_a_conflict(
    db: Session, state: CaseStatus, attempt: str
) -> None:
    centre, coordinator, _assistant = staff(db)
    family = make_family(db, centre, status=state)
    member = make_member(db, family)
    calls = {
        "monitor": lambda: closing.start_monitoring(
            db, actor=coordinator, family_id=family.id, form=MonitoringForm(), now=NOW
        ),
        "close": lambda: closing.close_case(
            db, actor=coordinator, family_id=family.id, form=ReasonForm("Powód."), now=NOW
        ),
        "reopen": lambda: closing.reopen_case(
            db, actor=coordinator, family_id=family.id, form=ReasonForm("Powód."), now=NOW
        ),
        "end": lambda: lifecycle.end_work(
            db,
            actor=coordinator,
            family_id=family.id,
            form=EndWorkForm(reason="other", ended_on="", detail="Powód."),
            now=NOW,
        ),
        "consent": lambda: lifecycle.record_consent(
            db, actor=coordinator, family_id=family.id, form=_consent(member), now=NOW
        ),
    }
    with use_locale("pl"), pytest.raises(Conflict) as refused:
        calls[attempt]()
    assert refused.value.message
    assert family.status is state
    assert case_events(db, family.id) == []


def test_the_transition_table_allows_only_the_cycle() -> None:
    allowed = {
        (before, after)
        for before in CaseStatus
        for after in CaseStatus
        if lifecycle.can_transition(before, after)
    }
    assert allowed == {
        (CaseStatus.referred, CaseStatus.active),
        (CaseStatus.referred, CaseStatus.ended),
        (CaseStatus.active, CaseStatus.ended),
        (CaseStatus.ended, CaseStatus.monitoring),
        (CaseStatus.ended, CaseStatus.closed),
        (CaseStatus.monitoring, CaseStatus.closed),
        (CaseStatus.closed, CaseStatus.referred),
    }


def test_a_referred_family_that_refuses_at_first_contact_ends_without_consent(db: Session) -> None:
    family, _member, _coordinator, assistant = _referred(db)
    lifecycle.end_work(
        db,
        actor=assistant,
        family_id=family.id,
        form=EndWorkForm(reason="refused_at_first_contact", ended_on=""),
        now=NOW,
    )
    assert (family.status, family.end_reason) == (
        CaseStatus.ended,
        EndReason.refused_at_first_contact,
    )


@pytest.mark.parametrize(
    ("make", "reason", "detail"),
    [
        ("referred", "goals_met", ""),
        ("referred", "consent_withdrawn", "Nie chcą."),
        ("active", "refused_at_first_contact", ""),
        ("active", "other", ""),
        ("active", "bored", ""),
    ],
)
def test_an_end_reason_that_does_not_fit_is_refused(
    db: Session, make: str, reason: str, detail: str
) -> None:
    family, _member, _coordinator, assistant = (_referred if make == "referred" else _active)(db)
    with pytest.raises(Invalid) as refused:
        lifecycle.end_work(
            db,
            actor=assistant,
            family_id=family.id,
            form=EndWorkForm(reason=reason, ended_on="", detail=detail),
            now=NOW,
            with_final_assessment=make == "active",  # work under way ends with it
        )
    assert set(refused.value.errors) <= {"reason", "detail"} and refused.value.errors
    assert family.status is CaseStatus(make)


@pytest.mark.parametrize("reason", ["goals_met", "moved_away", "other"])
def test_work_under_way_does_not_end_without_its_final_assessment(db: Session, reason: str) -> None:
    family, _member, _coordinator, assistant = _active(db)
    with use_locale("pl"), pytest.raises(Conflict) as refused:
        lifecycle.end_work(
            db,
            actor=assistant,
            family_id=family.id,
            form=EndWorkForm(reason=reason, ended_on="", detail="Przeprowadzka."),
            now=NOW,
        )
    assert "ocen" in refused.value.message
    assert family.status is CaseStatus.active and family.ended_on is None


def test_work_cannot_end_before_it_started(db: Session) -> None:
    family, _member, _coordinator, assistant = _active(db)
    with pytest.raises(Invalid) as refused:
        lifecycle.end_work(
            db,
            actor=assistant,
            family_id=family.id,
            form=EndWorkForm(reason="goals_met", ended_on="2026-02-28"),
            now=NOW,
            with_final_assessment=True,
        )
    assert set(refused.value.errors) == {"ended_on"}


def test_ending_with_consent_withdrawn_withdraws_the_consent(db: Session) -> None:
    family, _member, _coordinator, assistant = _active(db)
    lifecycle.end_work(
        db,
        actor=assistant,
        family_id=family.id,
        form=EndWorkForm(reason="consent_withdrawn", ended_on="", detail="Odmowa współpracy."),
        now=NOW,
    )
    assert consents.current_consent(db, family_id=family.id) is None


def test_monitoring_that_counts_cannot_make_a_sixteenth_family(db: Session) -> None:
    case = _ended(db)
    for _ in range(MAX_FAMILIES_PER_ASSISTANT):
        make_family(db, case.centre, assistant=case.assistant.user)
    with pytest.raises(CaseloadFull):
        closing.start_monitoring(
            db, actor=case.assistant, family_id=case.family.id, form=MonitoringForm(), now=NOW
        )
    assert case.family.status is CaseStatus.ended


def test_monitoring_that_does_not_count_is_allowed_beyond_fifteen(db: Session) -> None:
    case = _ended(db, monitoring_counts_toward_limit=False)
    for _ in range(MAX_FAMILIES_PER_ASSISTANT):
        make_family(db, case.centre, assistant=case.assistant.user)
    closing.start_monitoring(
        db, actor=case.assistant, family_id=case.family.id, form=MonitoringForm(), now=NOW
    )
    assert case.family.status is CaseStatus.monitoring


# --- the timeline ---------------------------------------------------------------------------


def test_the_timeline_tells_the_case_in_date_order(db: Session) -> None:
    case = _active(db)
    family, assistant = case.family, case.assistant
    db.add(
        Plan(
            family_id=family.id,
            version=1,
            status=PlanStatus.agreed,
            created_at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
            agreed_at=datetime(2026, 3, 20, 9, 0, tzinfo=UTC),
        )
    )
    db.add(
        Visit(
            id=uuid.uuid4(),
            family_id=family.id,
            author_id=assistant.id,
            visit_date=date(2026, 4, 2),
            starts_at=time(10, 0),
            duration_minutes=90,
            place_kind=PlaceKind.home,
            kind=VisitKind.home_visit,
            notes="Notatka wewnętrzna",
        )
    )
    db.add(
        Assessment(family_id=family.id, kind=AssessmentKind.initial, assessed_on=date(2026, 3, 15))
    )
    db.add(
        InstitutionContact(
            family_id=family.id,
            contact_on=date(2026, 5, 5),
            institution="Szkoła Podstawowa nr 1",
            purpose="Frekwencja",
        )
    )
    db.flush()
    lifecycle.end_work(
        db,
        actor=assistant,
        family_id=family.id,
        form=EndWorkForm(reason="goals_met", ended_on="2026-11-20", detail="Rodzina samodzielna."),
        now=NOW,
        with_final_assessment=True,
    )

    with use_locale("en"):
        entries = timeline.family_timeline(db, actor=assistant, family_id=family.id)

    assert [(e.kind, e.title) for e in entries] == [
        (timeline.REFERRAL, "Referred"),
        (timeline.CONSENT, "Consent given in writing"),
        (timeline.STATE, "Work started"),
        (timeline.PLAN, "Plan version 1 drafted"),
        (timeline.ASSESSMENT, "Initial assessment"),
        (timeline.PLAN, "Plan version 1 agreed"),
        (timeline.VISIT, "Home visit"),
        (timeline.CONTACT, "Contact with Szkoła Podstawowa nr 1"),
        (timeline.STATE, "Work ended: the goals were met"),
        (timeline.ASSIGNMENT, f"Assistant assigned: {assistant.user.full_name}"),
    ]
    ended = entries[-2]
    assert ended.detail == "Rodzina samodzielna." and ended.when == date(2026, 11, 20)
    assert entries[1].detail == f"Given by {case.member.full_name}"
    assert all("Notatka wewnętrzna" not in e.detail for e in entries)
    assert "timeline.read" in audit_actions(db, family.id)


def test_the_family_itself_cannot_read_the_timeline(db: Session) -> None:
    case = _active(db)
    family_user = make_family_user(db, case.family, case.member)
    with pytest.raises(NotFound):
        timeline.family_timeline(db, actor=Actor(family_user), family_id=case.family.id)


def test_a_forbidden_transition_is_explained_in_polish(db: Session) -> None:
    family, _member, coordinator, _assistant = _active(db)
    with use_locale("pl"), pytest.raises(Conflict) as refused:
        closing.reopen_case(
            db, actor=coordinator, family_id=family.id, form=ReasonForm("Powód."), now=NOW
        )
    assert refused.value.message == "Ponownie otworzyć można tylko zamkniętą sprawę."
