"""Meetings over HTTP: staff schedule, move and cancel; the family sees what is coming and
what changed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from pwa.i18n import WARSAW, local_today
from pwa.models import Meeting, MeetingStatus, PlaceKind, Role
from tests.conftest import reread
from tests.support.factories.core import make_user
from tests.support.factories.visits import Case, make_case, make_meeting
from tests.support.html import HTMX, inline_code, parse, text


def in_days(days: int, hour: int = 10) -> datetime:
    """A Warsaw wall-clock time `days` from today, as the UTC datetime the database keeps."""
    day = local_today() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=WARSAW).astimezone(UTC)


def warsaw_day(days: int) -> date:
    return local_today() + timedelta(days=days)


@pytest.fixture
def case(db: Session) -> Case:
    return make_case(db, name="Kowalscy")


def meetings_of(db: Session) -> list[Meeting]:
    reread(db)
    return list(db.exec(select(Meeting)).all())


def test_the_assistant_plans_a_meeting_and_the_family_sees_it(
    client: TestClient, db: Session, sign_in, case: Case
):
    sign_in(case.assistant)
    page = client.get(f"/families/{case.family.id}/meetings")
    assert page.status_code == 200 and inline_code(page.text) == []
    assert (
        parse(page.text).css_first("#meeting_date").attributes["value"] == warsaw_day(1).isoformat()
    )
    data = {
        "meeting_date": warsaw_day(3).isoformat(), "starts_at": "16:30",
        "duration_minutes": "45", "place_kind": "other", "place_text": "Szkoła Podstawowa nr 2",
    }  # fmt: skip
    response = client.post(
        f"/families/{case.family.id}/meetings", data=data, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/families/{case.family.id}/meetings?done=scheduled"
    (meeting,) = meetings_of(db)
    assert meeting.starts_at == in_days(3, 16) + timedelta(minutes=30)
    assert (meeting.duration_minutes, meeting.place_kind) == (45, PlaceKind.other)
    assert "Zaplanowano spotkanie" in client.get(response.headers["location"]).text
    sign_in(case.parent_user)
    family_page = client.get("/family/meetings")
    assert family_page.status_code == 200 and inline_code(family_page.text) == []
    assert "16:30" in family_page.text and "Szkoła Podstawowa nr 2" in family_page.text


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain form", "htmx"])
def test_a_meeting_in_the_past_is_refused_with_a_polish_message(
    client: TestClient, db: Session, sign_in, case: Case, headers: dict[str, str]
):
    sign_in(case.assistant)
    data = {"meeting_date": warsaw_day(-1).isoformat(), "starts_at": "10:00", "duration_minutes": "60", "place_kind": "home"}  # fmt: skip
    response = client.post(f"/families/{case.family.id}/meetings", data=data, headers=headers)
    assert response.status_code == 422
    assert (
        text(response.text, "#meeting_date-error")
        == "Termin spotkania musi przypadać w przyszłości."
    )
    assert meetings_of(db) == []


def test_a_moved_meeting_shows_the_family_the_new_and_the_old_time(
    client: TestClient, db: Session, sign_in, case: Case
):
    meeting = make_meeting(db, case.family, case.assistant, starts_at=in_days(2))
    sign_in(case.assistant)
    page = client.get(f"/families/{case.family.id}/meetings")
    assert (
        parse(page.text).css_first(f"#meeting_date-{meeting.id}").attributes["value"]
        == warsaw_day(2).isoformat()
    )
    response = client.post(
        f"/meetings/{meeting.id}/move",
        data={"meeting_date": warsaw_day(4).isoformat(), "starts_at": "12:00", "family_id": str(case.family.id)},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == f"/families/{case.family.id}/meetings?done=moved"
    (moved,) = meetings_of(db)
    assert (moved.starts_at, moved.previous_starts_at) == (in_days(4, 12), in_days(2))
    sign_in(case.parent_user)
    family_page = client.get("/family/meetings")
    item = text(family_page.text, ".family-meeting")
    assert "Nowy termin" in item and "Wcześniej było zaplanowane na" in item
    assert warsaw_day(2).strftime("%d.%m.%Y") in item and warsaw_day(4).strftime("%d.%m.%Y") in item


def test_moving_into_the_past_is_refused_next_to_that_meeting(
    client: TestClient, db: Session, sign_in, case: Case
):
    meeting = make_meeting(db, case.family, case.assistant, starts_at=in_days(2))
    sign_in(case.assistant)
    for headers in ({}, HTMX):
        response = client.post(
            f"/meetings/{meeting.id}/move", headers=headers,
            data={"meeting_date": warsaw_day(-2).isoformat(), "starts_at": "12:00", "family_id": str(case.family.id)},
        )  # fmt: skip
        assert response.status_code == 422
        assert (
            text(response.text, f"#meeting_date-{meeting.id}-error")
            == "Termin spotkania musi przypadać w przyszłości."
        )
    (unchanged,) = meetings_of(db)
    assert unchanged.starts_at == in_days(2) and unchanged.previous_starts_at is None


def test_a_cancelled_meeting_needs_a_reason_and_the_family_sees_it(
    client: TestClient, db: Session, sign_in, case: Case
):
    meeting = make_meeting(db, case.family, case.assistant, starts_at=in_days(2))
    sign_in(case.assistant)
    refused = client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "  ", "family_id": str(case.family.id)})  # fmt: skip
    assert refused.status_code == 422
    assert text(refused.text, f"#reason-{meeting.id}-error") == "Podaj powód."
    assert meetings_of(db)[0].status is MeetingStatus.scheduled
    response = client.post(
        f"/meetings/{meeting.id}/cancel",
        data={"reason": "Choroba asystentki", "family_id": str(case.family.id)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    (cancelled,) = meetings_of(db)
    assert (cancelled.status, cancelled.cancel_reason) == (
        MeetingStatus.cancelled,
        "Choroba asystentki",
    )
    assert response.headers["location"] == f"/families/{case.family.id}/meetings?done=cancelled"
    staff_page = client.get(response.headers["location"])
    assert "Odwołano spotkanie" in staff_page.text
    assert parse(staff_page.text).css_first(f"#meeting-{meeting.id} form") is None
    sign_in(case.parent_user)
    item = text(client.get("/family/meetings").text, ".family-meeting")
    assert "Odwołane" in item and "Powód: Choroba asystentki" in item


def test_a_meeting_already_under_way_cannot_be_moved(
    client: TestClient, db: Session, sign_in, case: Case
):
    meeting = make_meeting(db, case.family, case.assistant, starts_at=datetime.now(UTC) - timedelta(minutes=10))  # fmt: skip
    sign_in(case.assistant)
    response = client.post(
        f"/meetings/{meeting.id}/move",
        data={"meeting_date": warsaw_day(4).isoformat(), "starts_at": "12:00", "family_id": str(case.family.id)},
    )  # fmt: skip
    assert response.status_code == 409 and "już się rozpoczęło" in response.text


def test_the_family_sees_only_its_own_meetings_and_no_staff_page(
    client: TestClient, db: Session, sign_in, case: Case
):
    neighbours = make_case(db, centre=case.centre, name="Nowakowie")
    make_meeting(db, case.family, case.assistant, starts_at=in_days(1, 9))
    make_meeting(db, neighbours.family, neighbours.assistant, starts_at=in_days(1, 17))
    sign_in(case.parent_user)
    page = client.get("/family/meetings")
    assert "09:00" in page.text and "17:00" not in page.text
    assert client.get(f"/families/{case.family.id}/meetings").status_code == 403
    sign_in(case.assistant)
    assert client.get(f"/families/{neighbours.family.id}/meetings").status_code == 404
    other = make_user(db, case.centre, Role.assistant)
    sign_in(other)
    assert (
        client.post(f"/meetings/{neighbours.family.id}/cancel", data={"reason": "x"}).status_code
        == 404
    )
