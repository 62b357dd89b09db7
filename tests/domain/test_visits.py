"""Recording a visit: once only, checked field by field, with the family's consent."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import Session, func, select

from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from pwa.domain.visits.recording import RecordedVisit, VisitEditForm, edit_visit, record_visit
from pwa.models import (
    CaseStatus,
    Consent,
    Meeting,
    PlaceKind,
    PlanStatus,
    Role,
    TaskState,
    Visit,
    VisitAttendance,
    VisitKind,
    VisitRevision,
)
from tests.support.audit import audit_actions
from tests.support.clock import NOW, TODAY
from tests.support.factories.core import make_member, make_user
from tests.support.factories.visits import Case, done, make_case, make_plan, make_visit, visit_form


@pytest.fixture
def case(db: Session) -> Case:
    return make_case(db)


def visits_stored(db: Session) -> int:
    return db.exec(select(func.count()).select_from(Visit)).one()


def record(db: Session, case: Case, **values: object) -> RecordedVisit:
    return record_visit(
        db, actor=case.as_assistant, family_id=case.family.id, form=visit_form(**values), now=NOW
    )


def refused_fields(db: Session, case: Case, **values: object) -> set[str]:
    with pytest.raises(Invalid) as refused:
        record(db, case, **values)
    assert visits_stored(db) == 0
    return set(refused.value.errors)


# --- recording ------------------------------------------------------------------------------


def test_a_visit_is_recorded_with_its_client_generated_id_and_who_was_present(db, case):
    form = visit_form(
        present_member_ids=(str(case.parent.id), str(case.child.id)),
        present_others="pedagog szkolny",
        starts_at="9:05",
    )
    recorded = record_visit(
        db, actor=case.as_assistant, family_id=case.family.id, form=form, now=NOW
    )
    visit = db.get(Visit, uuid.UUID(form.visit_id))
    assert recorded.created and recorded.visit is visit and visit is not None
    assert (visit.visit_date, visit.starts_at, visit.duration_minutes) == (TODAY, time(9, 5), 90)
    assert (visit.kind, visit.place_kind, visit.author_id) == (
        VisitKind.home_visit,
        PlaceKind.home,
        case.assistant.id,
    )
    assert visit.present_others == "pedagog szkolny"
    present = db.exec(select(VisitAttendance.member_id)).all()
    assert set(present) == {case.parent.id, case.child.id}
    assert audit_actions(db) == ["visit.create"]


def test_a_coordinator_of_the_centre_records_a_visit_too(db, case):
    recorded = record_visit(
        db, actor=case.as_coordinator, family_id=case.family.id, form=visit_form(), now=NOW
    )
    assert recorded.visit.author_id == case.coordinator.id


def test_an_assistant_not_assigned_to_the_family_cannot_record_a_visit(db, case):
    stranger = make_user(db, case.centre, Role.assistant)
    with pytest.raises(NotFound):
        record_visit(db, actor=Actor(user=stranger), family_id=case.family.id, form=visit_form(), now=NOW)  # fmt: skip


def test_a_family_member_cannot_record_a_visit(db, case):
    with pytest.raises(NotFound):
        record_visit(db, actor=case.as_parent, family_id=case.family.id, form=visit_form(), now=NOW)  # fmt: skip


def test_the_words_for_a_home_visit_place_are_not_kept(db, case):
    visit = record(db, case, place_kind="home", place_text="ul. Rynek 5").visit
    assert visit.place_text == ""


# --- exactly once ---------------------------------------------------------------------------


def test_posting_the_same_visit_twice_stores_one_and_succeeds_both_times(db, case):
    form = visit_form()
    first = record_visit(db, actor=case.as_assistant, family_id=case.family.id, form=form, now=NOW)
    again = record_visit(db, actor=case.as_assistant, family_id=case.family.id, form=form, now=NOW)
    assert (first.created, again.created) == (True, False)
    assert again.visit.id == first.visit.id
    assert visits_stored(db) == 1


def test_a_late_replay_from_the_outbox_is_a_success_even_when_the_form_would_now_fail(db, case):
    form = visit_form(next_meeting_date="2026-11-24", next_meeting_time="10:00")
    first = record_visit(db, actor=case.as_assistant, family_id=case.family.id, form=form, now=NOW)
    week_later = NOW + timedelta(days=7)  # the next meeting is in the past by now
    again = record_visit(
        db, actor=case.as_assistant, family_id=case.family.id, form=form, now=week_later
    )
    assert not again.created and again.next_meeting == first.next_meeting
    assert db.exec(select(func.count()).select_from(Meeting)).one() == 1


def test_the_same_visit_id_for_another_family_is_a_conflict(db, case):
    other = make_case(db, centre=case.centre)
    form = visit_form()
    record_visit(db, actor=case.as_coordinator, family_id=case.family.id, form=form, now=NOW)
    with pytest.raises(Conflict):
        record_visit(db, actor=case.as_coordinator, family_id=other.family.id, form=form, now=NOW)


def test_the_same_visit_id_from_another_author_is_a_conflict(db, case):
    form = visit_form()
    record_visit(db, actor=case.as_assistant, family_id=case.family.id, form=form, now=NOW)
    with pytest.raises(Conflict):
        record_visit(db, actor=case.as_coordinator, family_id=case.family.id, form=form, now=NOW)


def test_a_malformed_visit_id_is_refused_with_the_other_errors(db, case):
    assert refused_fields(db, case, visit_id="not-a-uuid", duration_minutes="0") == {
        "visit_id",
        "duration_minutes",
    }


# --- the fields -----------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", ["1", "1440"])
def test_a_visit_lasts_from_one_minute_to_a_full_day(db, case, minutes):
    assert record(db, case, duration_minutes=minutes).visit.duration_minutes == int(minutes)


@pytest.mark.parametrize("minutes", ["0", "1500", "-5", "1,5", "", "półtorej"])
def test_a_length_of_zero_or_over_24_hours_or_not_a_number_is_refused(db, case, minutes):
    assert refused_fields(db, case, duration_minutes=minutes) == {"duration_minutes"}


@pytest.mark.parametrize("starts_at", ["", "25:00", "10.00", "10:60", "10", "10:00:00"])
def test_the_start_time_must_be_hh_mm(db, case, starts_at):
    assert refused_fields(db, case, starts_at=starts_at) == {"starts_at"}


@pytest.mark.parametrize("visit_date", ["2026-11-24", "2025-11-22", "", "23/11/2026", "2026-02-30"])
def test_a_future_an_over_a_year_old_or_a_malformed_date_is_refused(db, case, visit_date):
    assert refused_fields(db, case, visit_date=visit_date) == {"visit_date"}


@pytest.mark.parametrize("visit_date", ["2025-11-23", "23.11.2026"])
def test_a_visit_exactly_a_year_ago_or_typed_the_polish_way_is_accepted(db, case, visit_date):
    assert record(db, case, visit_date=visit_date).created


def test_today_is_the_day_in_warsaw_not_in_utc(db, case):
    half_past_midnight_in_warsaw = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    recorded = record_visit(
        db,
        actor=case.as_assistant,
        family_id=case.family.id,
        form=visit_form(visit_date="2026-11-24"),
        now=half_past_midnight_in_warsaw,
    )
    assert recorded.visit.visit_date == date(2026, 11, 24)


def test_a_present_person_who_is_not_a_member_of_this_family_is_refused(db, case):
    other = make_case(db, centre=case.centre)
    stranger = make_member(db, other.family)
    assert refused_fields(db, case, present_member_ids=(str(stranger.id),)) == {
        "present_member_ids"
    }
    assert refused_fields(db, case, present_member_ids=("kowalski",)) == {"present_member_ids"}


def test_another_place_needs_the_place_in_words(db, case):
    assert refused_fields(db, case, place_kind="other", place_text="  ") == {"place_text"}
    visit = record(db, case, place_kind="other", place_text="Poradnia  pedagogiczna").visit
    assert (visit.place_kind, visit.place_text) == (PlaceKind.other, "Poradnia pedagogiczna")


@pytest.mark.parametrize("kind", ["", "coffee"])
def test_the_kind_of_visit_is_required(db, case, kind):
    assert refused_fields(db, case, kind=kind) == {"kind"}


def test_every_error_is_reported_at_once_and_nothing_is_stored(db, case):
    errors = refused_fields(
        db, case, visit_date="2030-01-01", starts_at="x", duration_minutes="0",
        place_kind="garden", kind="", present_others="x" * 301,
    )  # fmt: skip
    assert errors == {
        "visit_date", "starts_at", "duration_minutes", "place_kind", "kind", "present_others",
    }  # fmt: skip


def test_each_error_is_a_message_for_its_field(db, case):
    with pytest.raises(Invalid) as refused:
        record(db, case, duration_minutes="1500")
    assert refused.value.message and refused.value.errors["duration_minutes"].strip()
    assert refused.value.errors["duration_minutes"] != refused.value.message


# --- consent and the state of the case ------------------------------------------------------


def test_no_visit_without_the_familys_consent(db):
    case = make_case(db, consent=False)
    with pytest.raises(Conflict):
        record(db, case)
    assert visits_stored(db) == 0


def test_no_visit_once_the_consent_is_withdrawn(db, case):
    consent = db.exec(select(Consent)).one()
    consent.withdrawn_on = date(2026, 11, 1)
    db.add(consent)
    db.flush()
    with pytest.raises(Conflict):
        record(db, case)


def test_a_monitoring_visit_to_a_family_in_monitoring_needs_no_consent(db):
    case = make_case(db, status=CaseStatus.monitoring, consent=False)
    assert record(db, case, kind="monitoring").visit.kind is VisitKind.monitoring


def test_a_family_in_monitoring_without_consent_gets_only_monitoring_visits(db):
    case = make_case(db, status=CaseStatus.monitoring, consent=False)
    with pytest.raises(Conflict):
        record(db, case, kind="home_visit")


def test_a_monitoring_visit_to_an_active_family_still_needs_consent(db):
    case = make_case(db, consent=False)
    with pytest.raises(Conflict):
        record(db, case, kind="monitoring")


@pytest.mark.parametrize("status", [CaseStatus.closed, CaseStatus.referred])
def test_no_visit_for_a_closed_or_only_referred_case(db, status):
    case = make_case(db, status=status)
    with pytest.raises(Conflict):
        record(db, case, kind="monitoring")
    assert visits_stored(db) == 0


# --- plan tasks that moved ------------------------------------------------------------------


def test_tasks_ticked_on_the_visit_form_are_marked_done(db, case):
    first, second = make_plan(db, case.family)
    record(db, case, done_task_ids=(str(first.id),))
    db.refresh(first)
    db.refresh(second)
    assert done(first) and first.done_at == NOW and first.done_by_id == case.assistant.id
    assert first.revision == 2
    assert second.state is TaskState.open


def test_a_task_already_done_stays_as_it_was(db, case):
    (task,) = make_plan(db, case.family, tasks=1)
    task.state, task.done_at, task.done_by_id = TaskState.done, NOW - timedelta(days=3), None
    db.add(task)
    db.flush()
    record(db, case, done_task_ids=(str(task.id),))
    db.refresh(task)
    assert task.done_at == NOW - timedelta(days=3) and task.revision == 1


def test_only_tasks_of_this_familys_agreed_plan_can_be_ticked(db, case):
    (draft_task,) = make_plan(db, case.family, status=PlanStatus.draft, tasks=1, version=2)
    other = make_case(db, centre=case.centre)
    (foreign_task,) = make_plan(db, other.family, tasks=1)
    for task in (draft_task, foreign_task):
        assert refused_fields(db, case, done_task_ids=(str(task.id),)) == {"done_task_ids"}
    assert refused_fields(db, case, done_task_ids=("zadanie-1",)) == {"done_task_ids"}
    assert not done(draft_task) and not done(foreign_task)


def test_a_dropped_task_cannot_be_ticked(db, case):
    (task,) = make_plan(db, case.family, tasks=1)
    task.state = TaskState.dropped
    db.add(task)
    db.flush()
    assert refused_fields(db, case, done_task_ids=(str(task.id),)) == {"done_task_ids"}


# --- the next meeting -----------------------------------------------------------------------


def test_the_next_meeting_on_the_form_is_booked_in_warsaw_time(db, case):
    recorded = record(
        db, case, place_kind="centre", next_meeting_date="2026-11-30", next_meeting_time="10:30"
    )
    meeting = recorded.next_meeting
    assert meeting is not None and meeting.created_from_visit_id == recorded.visit.id
    assert meeting.starts_at == datetime(2026, 11, 30, 9, 30, tzinfo=UTC)  # CET is UTC+1
    assert (meeting.place_kind, meeting.family_id) == (PlaceKind.centre, case.family.id)


def test_without_a_next_meeting_none_is_booked(db, case):
    assert record(db, case).next_meeting is None
    assert db.exec(select(func.count()).select_from(Meeting)).one() == 0


def test_the_next_meeting_needs_both_a_date_and_a_time(db, case):
    assert refused_fields(db, case, next_meeting_date="2026-11-30") == {"next_meeting_time"}
    assert refused_fields(db, case, next_meeting_time="10:00") == {"next_meeting_date"}


def test_the_next_meeting_cannot_be_in_the_past(db, case):
    assert refused_fields(db, case, next_meeting_date="2026-11-23", next_meeting_time="11:00") == {
        "next_meeting_date"
    }


# --- editing --------------------------------------------------------------------------------


def edit_form(visit: Visit, **values: object) -> VisitEditForm:
    fields = {
        "visit_date": visit.visit_date.isoformat(),
        "starts_at": visit.starts_at.strftime("%H:%M"),
        "duration_minutes": str(visit.duration_minutes),
        "place_kind": visit.place_kind.value,
        "place_text": visit.place_text,
        "present_member_ids": (),
        "present_others": visit.present_others,
        "kind": visit.kind.value,
        "notes": visit.notes,
    }
    fields.update(values)
    return VisitEditForm(**fields)  # type: ignore[arg-type]


def test_the_author_edits_a_visit_and_the_previous_text_is_kept(db, case):
    visit = record(db, case, notes="Pierwsza wersja").visit
    later = NOW + timedelta(hours=5)
    form = edit_form(visit, notes="Poprawiona wersja", duration_minutes="120")
    edit_visit(db, actor=case.as_assistant, visit_id=visit.id, form=form, now=later)
    db.refresh(visit)
    assert (visit.notes, visit.duration_minutes, visit.updated_at) == (
        "Poprawiona wersja", 120, later,
    )  # fmt: skip
    revision = db.exec(select(VisitRevision)).one()
    assert (revision.notes, revision.duration_minutes) == ("Pierwsza wersja", 90)
    assert (revision.edited_by_id, revision.edited_at) == (case.assistant.id, later)
    assert audit_actions(db)[-1] == "visit.update"


def test_editing_changes_who_was_present(db, case):
    visit = record(db, case, present_member_ids=(str(case.parent.id),)).visit
    form = edit_form(visit, present_member_ids=(str(case.child.id),))
    edit_visit(db, actor=case.as_assistant, visit_id=visit.id, form=form, now=NOW)
    assert set(db.exec(select(VisitAttendance.member_id)).all()) == {case.child.id}


def test_the_visit_cannot_be_edited_after_the_centres_window(db, case):
    visit = record(db, case).visit
    form = edit_form(visit, notes="Za późno")
    with pytest.raises(Conflict):
        edit_visit(db, actor=case.as_assistant, visit_id=visit.id, form=form, now=NOW + timedelta(hours=49))  # fmt: skip
    edit_visit(db, actor=case.as_assistant, visit_id=visit.id, form=form, now=NOW + timedelta(hours=48))  # fmt: skip


def test_the_edit_window_is_the_centres_setting(db, case):
    case.centre.visit_edit_window_hours = 2
    db.add(case.centre)
    visit = record(db, case).visit
    with pytest.raises(Conflict):
        edit_visit(
            db, actor=case.as_assistant, visit_id=visit.id, form=edit_form(visit, notes="x"),
            now=NOW + timedelta(hours=3),
        )  # fmt: skip


def test_only_the_author_edits_a_visit(db, case):
    visit = record(db, case).visit
    form = edit_form(visit, notes="Nie moja wizyta")
    with pytest.raises(Forbidden):
        edit_visit(db, actor=case.as_coordinator, visit_id=visit.id, form=form, now=NOW)
    with pytest.raises(NotFound):
        edit_visit(db, actor=case.as_parent, visit_id=visit.id, form=form, now=NOW)


def test_an_edit_is_checked_like_a_new_visit_and_changes_nothing_when_refused(db, case):
    visit = record(db, case).visit
    with pytest.raises(Invalid) as refused:
        edit_visit(
            db, actor=case.as_assistant, visit_id=visit.id,
            form=edit_form(visit, duration_minutes="1500", notes="inna"), now=NOW,
        )  # fmt: skip
    assert set(refused.value.errors) == {"duration_minutes"}
    db.refresh(visit)
    assert visit.duration_minutes == 90 and db.exec(select(VisitRevision)).first() is None


def test_changing_what_the_family_confirmed_asks_for_a_new_confirmation(db, case):
    visit = make_visit(db, case.family, case.assistant, confirmed_at=NOW, confirmed_by_id=case.parent_user.id)  # fmt: skip
    edit_visit(db, actor=case.as_assistant, visit_id=visit.id, form=edit_form(visit, notes="Uzupełnienie"), now=NOW)  # fmt: skip
    assert visit.confirmed_at == NOW
    edit_visit(db, actor=case.as_assistant, visit_id=visit.id, form=edit_form(visit, starts_at="11:00"), now=NOW)  # fmt: skip
    assert visit.confirmed_at is None and visit.confirmed_by_id is None


def test_an_edit_that_changes_nothing_leaves_no_revision(db, case):
    visit = record(db, case).visit
    edit_visit(db, actor=case.as_assistant, visit_id=visit.id, form=edit_form(visit), now=NOW)
    assert db.exec(select(VisitRevision)).first() is None
    assert visit.updated_at is None


def test_an_edit_keeps_every_previous_value_in_the_revision(db, case):
    visit = record(db, case, present_member_ids=(str(case.parent.id),)).visit
    before = (
        visit.visit_date,
        visit.starts_at,
        visit.place_kind,
        visit.kind,
        visit.duration_minutes,
    )
    form = edit_form(visit, duration_minutes="45", starts_at="11:00", present_member_ids=())
    edit_visit(
        db, actor=case.as_assistant, visit_id=visit.id, form=form, now=NOW + timedelta(hours=1)
    )
    revision = db.exec(select(VisitRevision)).one()
    kept = (revision.visit_date, revision.starts_at, revision.place_kind, revision.kind)
    assert (*kept, revision.duration_minutes) == before
    assert revision.present_member_ids == str(case.parent.id)
