"""Meetings with the family; the family's contact page; the centre's office hours.

(The contact page and the office-hours settings are tested here too: they are what the
family sees next to its meetings, and this feature owns no test module of their own.)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import Session, select

from pwa.domain.centre.contact import contact_page
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from pwa.domain.visits.meetings import (
    MeetingForm,
    cancel_meeting,
    family_meetings,
    meetings_for_family_member,
    move_meeting,
    schedule_meeting,
)
from pwa.domain.visits.office_hours import (
    OfficeHoursForm,
    add_office_hours,
    centre_office_hours,
    change_office_hours,
    remove_office_hours,
)
from pwa.i18n import use_locale
from pwa.models import Assignment, CaseStatus, MeetingStatus, PlaceKind, Role
from tests.support.audit import audit_actions
from tests.support.clock import NOW, warsaw
from tests.support.factories.core import make_centre, make_office_hours, make_user
from tests.support.factories.visits import Case, make_case, make_meeting


@pytest.fixture
def case(db: Session) -> Case:
    return make_case(db)


def schedule(db: Session, case: Case, **values: str):  # type: ignore[no-untyped-def]
    form = MeetingForm(**{"meeting_date": "2026-11-30", "starts_at": "10:00", **values})
    return schedule_meeting(
        db, actor=case.as_assistant, family_id=case.family.id, form=form, now=NOW
    )


def refused_fields(db: Session, case: Case, **values: str) -> set[str]:
    with pytest.raises(Invalid) as refused:
        schedule(db, case, **values)
    return set(refused.value.errors)


# --- scheduling -----------------------------------------------------------------------------


def test_a_meeting_is_scheduled_in_warsaw_time_and_audited(db, case):
    meeting = schedule(db, case, starts_at="10:00", duration_minutes="90")
    assert meeting.starts_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert (meeting.duration_minutes, meeting.status) == (90, MeetingStatus.scheduled)
    assert (meeting.assistant_id, meeting.place_kind) == (case.assistant.id, PlaceKind.home)
    assert audit_actions(db) == ["meeting.create"]


def test_summer_time_is_two_hours_ahead_of_utc(db, case):
    meeting = schedule(db, case, meeting_date="2027-06-01", starts_at="10:00")
    assert meeting.starts_at == datetime(2027, 6, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"meeting_date": "2026-11-23", "starts_at": "11:59"}, {"meeting_date"}),
        ({"meeting_date": "2028-01-01"}, {"meeting_date"}),
        ({"meeting_date": "jutro"}, {"meeting_date"}),
        ({"starts_at": "24:00"}, {"starts_at"}),
        ({"duration_minutes": "0"}, {"duration_minutes"}),
        ({"duration_minutes": "1441"}, {"duration_minutes"}),
        ({"place_kind": "other", "place_text": ""}, {"place_text"}),
        ({"place_kind": "park"}, {"place_kind"}),
    ],
)
def test_a_meeting_in_the_past_too_far_ahead_or_malformed_is_refused(db, case, values, fields):
    assert refused_fields(db, case, **values) == fields


def test_no_meetings_are_planned_for_a_closed_case(db):
    case = make_case(db, status=CaseStatus.closed)
    with pytest.raises(Conflict):
        schedule(db, case)


def test_only_the_familys_staff_schedule_meetings(db, case):
    stranger = make_user(db, case.centre, Role.assistant)
    form = MeetingForm(meeting_date="2026-11-30", starts_at="10:00")
    for actor in (Actor(user=stranger), case.as_parent):
        with pytest.raises(NotFound):
            schedule_meeting(db, actor=actor, family_id=case.family.id, form=form, now=NOW)


# --- moving and cancelling -------------------------------------------------------------------


def test_a_moved_meeting_keeps_the_time_it_had_before(db, case):
    meeting = make_meeting(db, case.family, case.assistant, starts_at=warsaw(2026, 11, 25, 10))
    move_meeting(
        db, actor=case.as_assistant, meeting_id=meeting.id, meeting_date="2026-11-26",
        starts_at="12:30", now=NOW,
    )  # fmt: skip
    assert meeting.starts_at == warsaw(2026, 11, 26, 12, 30)
    assert meeting.previous_starts_at == warsaw(2026, 11, 25, 10)
    assert meeting.updated_at == NOW and audit_actions(db) == ["meeting.move"]


def test_moving_to_the_same_time_changes_nothing(db, case):
    meeting = make_meeting(db, case.family, case.assistant, starts_at=warsaw(2026, 11, 25, 10))
    move_meeting(db, actor=case.as_assistant, meeting_id=meeting.id, meeting_date="25.11.2026", starts_at="10:00", now=NOW)  # fmt: skip
    assert meeting.previous_starts_at is None and audit_actions(db) == []


def test_a_cancelled_or_past_meeting_cannot_be_moved(db, case):
    cancelled = make_meeting(db, case.family, case.assistant, status=MeetingStatus.cancelled)
    past = make_meeting(db, case.family, case.assistant, starts_at=NOW - timedelta(hours=1))
    for meeting in (cancelled, past):
        with pytest.raises(Conflict):
            move_meeting(db, actor=case.as_assistant, meeting_id=meeting.id, meeting_date="2026-11-30", starts_at="10:00", now=NOW)  # fmt: skip


def test_a_meeting_cannot_be_moved_into_the_past(db, case):
    meeting = make_meeting(db, case.family, case.assistant)
    with pytest.raises(Invalid) as refused:
        move_meeting(db, actor=case.as_assistant, meeting_id=meeting.id, meeting_date="2026-11-20", starts_at="10:00", now=NOW)  # fmt: skip
    assert set(refused.value.errors) == {"meeting_date"}


def test_a_meeting_is_cancelled_with_a_reason(db, case):
    meeting = make_meeting(db, case.family, case.assistant)
    cancel_meeting(db, actor=case.as_assistant, meeting_id=meeting.id, reason=" Choroba  dziecka ", now=NOW)  # fmt: skip
    assert (meeting.status, meeting.cancel_reason) == (MeetingStatus.cancelled, "Choroba dziecka")
    assert audit_actions(db) == ["meeting.cancel"]


def test_cancelling_needs_a_reason_and_cancelling_twice_changes_nothing(db, case):
    meeting = make_meeting(db, case.family, case.assistant)
    with pytest.raises(Invalid) as refused:
        cancel_meeting(db, actor=case.as_assistant, meeting_id=meeting.id, reason="  ", now=NOW)
    assert set(refused.value.errors) == {"reason"}
    cancel_meeting(db, actor=case.as_assistant, meeting_id=meeting.id, reason="Urlop", now=NOW)
    cancel_meeting(db, actor=case.as_assistant, meeting_id=meeting.id, reason="Inny", now=NOW)
    assert meeting.cancel_reason == "Urlop" and audit_actions(db) == ["meeting.cancel"]


def test_the_family_cannot_move_or_cancel_a_meeting(db, case):
    meeting = make_meeting(db, case.family, case.assistant)
    with pytest.raises(NotFound):
        cancel_meeting(db, actor=case.as_parent, meeting_id=meeting.id, reason="Nie", now=NOW)
    with pytest.raises(NotFound):
        move_meeting(db, actor=case.as_parent, meeting_id=meeting.id, meeting_date="2026-11-30", starts_at="10:00", now=NOW)  # fmt: skip


# --- what the family sees -------------------------------------------------------------------


def test_the_family_sees_its_upcoming_meetings_and_what_changed(db, case):
    make_meeting(db, case.family, case.assistant, starts_at=NOW - timedelta(days=2))  # over
    moved = make_meeting(
        db, case.family, case.assistant, starts_at=warsaw(2026, 11, 27, 9),
        previous_starts_at=warsaw(2026, 11, 26, 9),
    )  # fmt: skip
    cancelled = make_meeting(
        db, case.family, case.assistant, starts_at=warsaw(2026, 11, 25, 9),
        status=MeetingStatus.cancelled, cancel_reason="Choroba asystentki",
        place_kind=PlaceKind.centre,
    )  # fmt: skip
    make_meeting(db, make_case(db, centre=case.centre).family, case.assistant)  # another family
    with use_locale("pl"):
        seen = meetings_for_family_member(db, actor=case.as_parent, now=NOW)
    assert [m.id for m in seen] == [cancelled.id, moved.id]
    assert seen[0].is_cancelled and seen[0].cancel_reason == "Choroba asystentki"
    assert seen[0].place == case.centre.address
    assert seen[1].was_moved and seen[1].previous_starts_at == warsaw(2026, 11, 26, 9)
    assert seen[1].place == "dom rodziny"


def test_a_meeting_under_way_is_still_shown(db, case):
    make_meeting(db, case.family, case.assistant, starts_at=NOW - timedelta(minutes=30))
    assert len(meetings_for_family_member(db, actor=case.as_parent, now=NOW)) == 1


def test_staff_see_the_familys_upcoming_meetings(db, case):
    meeting = make_meeting(db, case.family, case.assistant)
    assert family_meetings(db, actor=case.as_coordinator, family_id=case.family.id, now=NOW) == [
        meeting
    ]
    assert audit_actions(db) == ["meeting.list"]
    with pytest.raises(NotFound):
        family_meetings(db, actor=case.as_parent, family_id=case.family.id, now=NOW)


# --- the family's contact page --------------------------------------------------------------


def test_the_contact_page_has_the_assistants_phone_the_next_office_hours_and_the_address(db, case):
    make_office_hours(db, case.centre, weekday=2)
    with use_locale("pl"):
        page = contact_page(db, actor=case.as_parent, now=NOW)
    assert (page.assistant_name, page.assistant_phone) == (case.assistant.full_name, "600 700 800")
    assert page.next_office_hours is not None
    assert (page.next_office_hours.day, page.next_office_hours.weekday) == (
        date(2026, 11, 25), "środa",
    )  # fmt: skip
    assert page.next_office_hours.starts_at == time(7) and page.next_office_hours.ends_at == time(15)  # fmt: skip
    assert page.centre_address == case.centre.address and page.centre_phone == "74 8110 266"


def test_the_contact_page_names_the_holiday_when_office_hours_are_not_held(db, case):
    make_office_hours(db, case.centre, weekday=2)
    monday_before_independence_day = warsaw(2026, 11, 9, 8)
    page = contact_page(db, actor=case.as_parent, now=monday_before_independence_day)
    assert [o.day for o in page.office_hours] == [
        date(2026, 11, 18), date(2026, 11, 25), date(2026, 12, 2),
    ]  # fmt: skip
    (holiday,) = page.holidays_without_office_hours
    assert holiday.day == date(2026, 11, 11) and "Niepodległości" in holiday.name


def test_a_family_without_an_assistant_still_sees_the_centre(db, case):
    assignment = db.exec(select(Assignment)).one()
    assignment.ended_at = NOW
    db.add(assignment)
    page = contact_page(db, actor=case.as_parent, now=NOW)
    assert not page.has_assistant and page.assistant_phone == ""
    assert page.office_hours == [] and page.centre_name == case.centre.name


def test_the_contact_page_is_for_the_family(db, case):
    with pytest.raises(Forbidden):
        contact_page(db, actor=case.as_assistant, now=NOW)


# --- the centre's office hours --------------------------------------------------------------


def hours_form(**values: object) -> OfficeHoursForm:
    fields: dict[str, object] = {
        "weekdays": ("2",), "starts_at": "7:00", "ends_at": "15:00",
        "place": "OPS, ul. 1 Maja 1, pokój 4", "phone": "74 8110 266", "email": "ops@example.pl",
    }  # fmt: skip
    fields.update(values)
    return OfficeHoursForm(**fields)  # type: ignore[arg-type]


def test_a_coordinator_sets_office_hours_on_several_days(db, case):
    slots = add_office_hours(db, actor=case.as_coordinator, form=hours_form(weekdays=("0", "2")))
    assert [(s.weekday, s.starts_at, s.ends_at) for s in slots] == [
        (0, time(7), time(15)), (2, time(7), time(15)),
    ]  # fmt: skip
    assert centre_office_hours(db, centre_id=case.centre.id) == slots
    assert audit_actions(db) == ["office_hours.create", "office_hours.create"]


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"starts_at": "15:00", "ends_at": "7:00"}, {"ends_at"}),
        ({"starts_at": "9:00", "ends_at": "9:00"}, {"ends_at"}),
        ({"weekdays": ("7",)}, {"weekdays"}),
        ({"weekdays": ("-1",)}, {"weekdays"}),
        ({"weekdays": ()}, {"weekdays"}),
        ({"starts_at": "7"}, {"starts_at"}),
        ({"place": " "}, {"place"}),
        ({"email": "ops"}, {"email"}),
        ({"phone": "1" * 41}, {"phone"}),
    ],
)
def test_office_hours_are_checked(db, case, values, fields):
    with pytest.raises(Invalid) as refused:
        add_office_hours(db, actor=case.as_coordinator, form=hours_form(**values))
    assert set(refused.value.errors) == fields
    assert centre_office_hours(db, centre_id=case.centre.id) == []


def test_office_hours_on_the_same_day_may_not_overlap(db, case):
    add_office_hours(db, actor=case.as_coordinator, form=hours_form())
    with pytest.raises(Invalid):
        add_office_hours(db, actor=case.as_coordinator, form=hours_form(starts_at="14:00", ends_at="16:00"))  # fmt: skip
    add_office_hours(db, actor=case.as_coordinator, form=hours_form(starts_at="15:00", ends_at="17:00"))  # fmt: skip


def test_a_coordinator_changes_and_removes_a_slot(db, case):
    (slot,) = add_office_hours(db, actor=case.as_coordinator, form=hours_form())
    change_office_hours(
        db, actor=case.as_coordinator, slot_id=slot.id,
        form=hours_form(weekdays=("3",), starts_at="8:00", ends_at="16:00"),
    )  # fmt: skip
    assert (slot.weekday, slot.starts_at, slot.ends_at) == (3, time(8), time(16))
    with pytest.raises(Invalid):
        change_office_hours(db, actor=case.as_coordinator, slot_id=slot.id, form=hours_form(weekdays=("1", "3")))  # fmt: skip
    remove_office_hours(db, actor=case.as_coordinator, slot_id=slot.id)
    assert centre_office_hours(db, centre_id=case.centre.id) == []
    assert audit_actions(db)[-2:] == ["office_hours.update", "office_hours.delete"]


def test_only_a_coordinator_of_the_centre_edits_its_office_hours(db, case):
    for actor in (case.as_assistant, case.as_parent):
        with pytest.raises(Forbidden):
            add_office_hours(db, actor=actor, form=hours_form())
    other_centre = make_centre(db)
    (theirs,) = add_office_hours(
        db, actor=Actor(user=make_user(db, other_centre, Role.coordinator)), form=hours_form()
    )
    with pytest.raises(NotFound):
        remove_office_hours(db, actor=case.as_coordinator, slot_id=theirs.id)
