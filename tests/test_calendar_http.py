"""The private calendar feed over HTTP: made and renewed on the account page, read by
calendar apps without signing in, and free of names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlmodel import Session
from starlette.testclient import TestClient

from pwa.models import MeetingStatus, PlaceKind, User
from tests.conftest import reread
from tests.support.factories.visits import Case, make_case, make_meeting
from tests.support.html import HTMX, inline_code, parse


@pytest.fixture
def case(db: Session) -> Case:
    return make_case(db, name="Kowalscy", case_number="AR.4011.9.2026")


def feed_url(html: str) -> str:
    node = parse(html).css_first("#feed-url")
    assert node is not None, "the page shows no calendar address"
    return str(node.attributes["value"])


def renew(client: TestClient, headers: dict[str, str] | None = None) -> str:
    response = client.post("/account/calendar/renew", headers=headers or {})
    assert response.status_code == 200
    return feed_url(response.text)


def path_of(url: str) -> str:
    return url.removeprefix("http://localhost")


def test_the_account_page_makes_a_calendar_address_shown_once(
    client: TestClient, db: Session, sign_in, case: Case
):
    sign_in(case.assistant)
    before = client.get("/account/calendar")
    assert before.status_code == 200 and inline_code(before.text) == []
    assert parse(before.text).css_first("#feed-url") is None
    url = renew(client)
    assert url.startswith("http://localhost/calendar/") and url.endswith(".ics")
    reread(db)
    assert db.get(User, case.assistant.id).calendar_token_hash  # type: ignore[union-attr]
    # Only the token's hash is kept: later the page says the address works, without it.
    later = client.get("/account/calendar")
    assert parse(later.text).css_first("#feed-url") is None
    assert "Odnów adres" in later.text and path_of(url) not in later.text


def test_renewing_with_htmx_answers_with_the_address_fragment(
    client: TestClient, db: Session, sign_in, case: Case
):
    sign_in(case.parent_user)
    response = client.post("/account/calendar/renew", headers=HTMX)
    assert response.status_code == 200 and "<html" not in response.text
    assert feed_url(response.text).endswith(".ics")
    assert "hx-request" in response.headers["vary"].lower()


def test_the_feed_is_an_icalendar_file_without_names(
    client: TestClient, db: Session, sign_in, case: Case
):
    soon = datetime.now(UTC) + timedelta(days=2)
    make_meeting(db, case.family, case.assistant, starts_at=soon, place_kind=PlaceKind.home)
    make_meeting(
        db, case.family, case.assistant, starts_at=soon + timedelta(days=1),
        status=MeetingStatus.cancelled, cancel_reason="Choroba Oli",
    )  # fmt: skip
    sign_in(case.assistant)
    url = renew(client)
    client.cookies.clear()  # calendar apps do not sign in: the address is the key
    response = client.get(path_of(url))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["status"]) for e in events] == ["CONFIRMED", "CANCELLED"]
    assert str(events[0]["summary"]) == "Spotkanie – sprawa AR.4011.9.2026"
    assert events[0].decoded("dtstart") == soon.replace(microsecond=0)
    body = response.content.decode()
    for private in ("Kowalscy", "Kowalska", "Ewa", "Ola", "Rynek", case.assistant.last_name):
        assert private not in body


def test_the_family_members_feed_has_their_meetings_in_plain_words(
    client: TestClient, db: Session, sign_in, case: Case
):
    make_meeting(db, case.family, case.assistant, starts_at=datetime.now(UTC) + timedelta(days=2))
    sign_in(case.parent_user)
    url = renew(client)
    events = Calendar.from_ical(client.get(path_of(url)).content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Spotkanie z asystentem rodziny"]
    assert str(events[0]["location"]) == "dom rodziny"


def test_an_old_address_answers_404_after_renewal(
    client: TestClient, db: Session, sign_in, case: Case
):
    sign_in(case.assistant)
    old = renew(client)
    assert client.get(path_of(old)).status_code == 200
    new = renew(client)
    assert new != old
    assert client.get(path_of(old)).status_code == 404
    assert client.get(path_of(new)).status_code == 200


def test_an_unknown_address_is_a_404_for_everyone(client: TestClient):
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404
    assert client.get(f"/calendar/{'x' * 500}.ics").status_code == 404
