"""The private calendar feed: a secret URL, meetings only, and no personal data in events."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlmodel import Session, select

from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import NotFound
from pwa.domain.visits.calendar_feed import calendar_feed, renew_calendar_token, stop_calendar_feed
from pwa.domain.visits.meetings import move_meeting
from pwa.i18n import gettext, use_locale
from pwa.models import Assignment, AuditEvent, MeetingStatus, PlaceKind, Role
from tests.support.clock import NOW, warsaw
from tests.support.factories.core import make_user
from tests.support.factories.visits import Case, make_case, make_meeting


@pytest.fixture
def case(db: Session) -> Case:
    return make_case(
        db, case_number="AR.4011.1.2026", name="Wiśniewscy", address="ul. Kwiatowa 7, Kłodzko"
    )


def events(data: bytes) -> dict[str, dict[str, str]]:
    """The feed's events by UID, each property as text."""
    calendar = Calendar.from_ical(data)
    return {
        str(event["uid"]): {name: event[name].to_ical().decode() for name in event}
        for event in calendar.walk("VEVENT")
    }


def feed(db: Session, actor: Actor) -> bytes:
    return calendar_feed(db, token=renew_calendar_token(db, actor=actor), now=NOW)


# --- the token ------------------------------------------------------------------------------


def test_only_the_tokens_sha256_is_stored(db, case):
    token = renew_calendar_token(db, actor=case.as_assistant)
    assert case.assistant.calendar_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in case.assistant.calendar_token_hash and len(token) >= 40


def test_renewing_the_token_invalidates_the_old_url(db, case):
    old = renew_calendar_token(db, actor=case.as_assistant)
    new = renew_calendar_token(db, actor=case.as_assistant)
    with pytest.raises(NotFound):
        calendar_feed(db, token=old, now=NOW)
    data = calendar_feed(db, token=new, now=NOW)
    assert data.startswith(b"BEGIN:VCALENDAR") and b"X-PUBLISHED-TTL:PT1H" in data


def test_a_stopped_feed_has_no_working_url(db, case):
    token = renew_calendar_token(db, actor=case.as_parent)
    stop_calendar_feed(db, actor=case.as_parent)
    with pytest.raises(NotFound):
        calendar_feed(db, token=token, now=NOW)


@pytest.mark.parametrize("token", ["", "x" * 101, "not-a-token"])
def test_an_unknown_token_opens_nothing(db, case, token):
    renew_calendar_token(db, actor=case.as_assistant)
    with pytest.raises(NotFound):
        calendar_feed(db, token=token, now=NOW)


def test_a_deactivated_users_feed_is_closed(db, case):
    token = renew_calendar_token(db, actor=case.as_assistant)
    case.assistant.is_active = False
    with pytest.raises(NotFound):
        calendar_feed(db, token=token, now=NOW)


# --- what is in it --------------------------------------------------------------------------


def test_a_staff_feed_has_her_families_meetings_titled_by_case_number_only(db, case):
    meeting = make_meeting(db, case.family, case.assistant, starts_at=warsaw(2026, 11, 25, 10))
    other = make_case(db, centre=case.centre)
    make_meeting(db, other.family, other.assistant)  # not her family
    with use_locale("pl"):
        expected = gettext("Meeting – case %(case_number)s", case_number="AR.4011.1.2026")
        data = feed(db, case.as_assistant)
    (uid,) = events(data)
    event = events(data)[uid]
    assert uid == f"{meeting.id}@asysta"
    assert event["SUMMARY"] == expected and "AR.4011.1.2026" in expected
    assert event["DTSTART"] == "20261125T090000Z" and event["DTEND"] == "20261125T100000Z"
    assert event["STATUS"] == "CONFIRMED"


def test_no_name_or_address_of_the_family_is_in_any_event(db, case):
    make_meeting(db, case.family, case.assistant, place_kind=PlaceKind.home)
    for actor in (case.as_assistant, case.as_parent):
        text = Calendar.from_ical(feed(db, actor)).to_ical().decode()
        for personal in ("Wiśniewscy", "Kwiatowa", case.parent.first_name, case.parent.last_name):
            assert personal not in text


@pytest.mark.parametrize(
    ("place_kind", "place_text", "location"),
    [
        (PlaceKind.home, "", "dom rodziny"),
        (PlaceKind.centre, "", "ul. 1 Maja 1\\, 57-500 Bystrzyca Kłodzka"),
        (PlaceKind.other, "Szkoła Podstawowa nr 2", "Szkoła Podstawowa nr 2"),
    ],
)
def test_the_location_is_the_home_in_words_the_centres_address_or_the_place_named(
    db, case, place_kind, place_text, location
):
    make_meeting(db, case.family, case.assistant, place_kind=place_kind, place_text=place_text)
    with use_locale("pl"):
        (event,) = events(feed(db, case.as_assistant)).values()
    assert event["LOCATION"] == location


def test_a_family_feed_has_the_familys_meetings_without_a_case_number(db, case):
    make_meeting(db, case.family, case.assistant)
    make_meeting(db, make_case(db, centre=case.centre).family, case.assistant)
    with use_locale("pl"):
        expected = gettext("Meeting with the family assistant")
        data = feed(db, case.as_parent)
    (event,) = events(data).values()
    assert event["SUMMARY"] == expected
    assert b"AR.4011" not in data


def test_a_cancelled_meeting_appears_as_cancelled(db, case):
    make_meeting(db, case.family, case.assistant, status=MeetingStatus.cancelled, cancel_reason="Choroba")  # fmt: skip
    (event,) = events(feed(db, case.as_parent)).values()
    assert event["STATUS"] == "CANCELLED"
    assert "Choroba" not in str(event)


def test_a_moved_meeting_keeps_its_uid(db, case):
    meeting = make_meeting(db, case.family, case.assistant)
    token = renew_calendar_token(db, actor=case.as_assistant)
    before = events(calendar_feed(db, token=token, now=NOW))
    move_meeting(db, actor=case.as_assistant, meeting_id=meeting.id, meeting_date="2026-11-27", starts_at="13:00", now=NOW)  # fmt: skip
    after = events(calendar_feed(db, token=token, now=NOW))
    assert before.keys() == after.keys() == {f"{meeting.id}@asysta"}
    assert after[f"{meeting.id}@asysta"]["DTSTART"] == "20261127T120000Z"


def test_meetings_long_past_drop_out_of_the_feed(db, case):
    make_meeting(db, case.family, case.assistant, starts_at=NOW - timedelta(days=61))
    recent = make_meeting(db, case.family, case.assistant, starts_at=NOW - timedelta(days=59))
    assert set(events(feed(db, case.as_assistant))) == {f"{recent.id}@asysta"}


def test_after_reassignment_the_former_assistants_feed_loses_the_family(db, case):
    make_meeting(db, case.family, case.assistant)
    assignment = db.exec(select(Assignment)).one()
    assignment.ended_at = NOW
    db.add(assignment)
    assert events(feed(db, case.as_assistant)) == {}


def test_a_coordinators_feed_has_the_meetings_she_booked(db, case):
    mine = make_meeting(db, case.family, case.coordinator)
    make_meeting(db, case.family, case.assistant)
    assert set(events(feed(db, case.as_coordinator))) == {f"{mine.id}@asysta"}


def test_a_colleagues_meeting_with_her_family_is_in_the_assistants_feed(db, case):
    colleague = make_user(db, case.centre, Role.assistant)
    stand_in = make_meeting(db, case.family, colleague)
    assert set(events(feed(db, case.as_assistant))) == {f"{stand_in.id}@asysta"}
    assert events(feed(db, Actor(user=colleague))) == {}


def test_each_fetch_is_audited_once(db, case):
    make_meeting(db, case.family, case.assistant)
    feed(db, case.as_assistant)
    (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "calendar.feed")).all()
    assert event.actor_id == case.assistant.id and '"meetings": 1' in event.detail
