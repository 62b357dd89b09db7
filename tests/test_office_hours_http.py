"""Office hours over HTTP: the coordinator sets them; the family's contact page shows the
next ones with the date and the weekday, the assistant's work phone and the centre."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays
import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from pwa.i18n import WARSAW
from pwa.models import OfficeHours, Role
from tests.conftest import reread
from tests.support.factories.core import make_centre, make_office_hours, make_user
from tests.support.factories.visits import Case, make_case
from tests.support.html import HTMX, inline_code, parse, text


@pytest.fixture
def case(db: Session) -> Case:
    return make_case(db)


def slots(db: Session) -> list[OfficeHours]:
    reread(db)
    return list(db.exec(select(OfficeHours)).all())


def test_the_coordinator_adds_office_hours_on_two_days(
    client: TestClient, db: Session, sign_in, case: Case
):
    sign_in(case.coordinator)
    page = client.get("/centre/office-hours")
    assert page.status_code == 200 and inline_code(page.text) == []
    assert parse(page.text).css_first("#place").attributes["value"] == case.centre.address
    data = {
        "weekdays": ["0", "2"], "starts_at": "08:00", "ends_at": "12:30",
        "place": "OPS, pokój 12", "phone": "74 8110 266", "email": "ops@example.pl",
    }  # fmt: skip
    response = client.post("/centre/office-hours", data=data, follow_redirects=False)
    assert (
        response.status_code == 303
        and response.headers["location"] == "/centre/office-hours?done=added"
    )
    added = slots(db)
    assert sorted(s.weekday for s in added) == [0, 2]
    assert all(
        (s.starts_at, s.ends_at, s.place) == (time(8), time(12, 30), "OPS, pokój 12") for s in added
    )
    listed = client.get(response.headers["location"])
    assert "Dodano dyżur." in listed.text
    assert "Poniedziałek, 08:00–12:30" in listed.text and "Środa, 08:00–12:30" in listed.text


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"weekdays": []}, "weekdays", "Wybierz co najmniej jeden dzień tygodnia."),
        ({"ends_at": "07:00"}, "ends_at", "Godzina zakończenia dyżuru musi być późniejsza niż godzina rozpoczęcia."),
    ],
    ids=["no day", "ends before it starts"],
)  # fmt: skip
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain form", "htmx"])
def test_invalid_office_hours_are_refused_and_nothing_is_stored(
    client: TestClient, db: Session, sign_in, case: Case, change, field, message, headers
):
    sign_in(case.coordinator)
    data = {"weekdays": ["2"], "starts_at": "08:00", "ends_at": "12:00", "place": "OPS"}
    data.update(change)
    response = client.post("/centre/office-hours", data=data, headers=headers)
    assert response.status_code == 422
    assert text(response.text, f"#{field}-error") == message
    assert slots(db) == []


def test_the_coordinator_removes_office_hours_of_her_centre_only(
    client: TestClient, db: Session, sign_in, case: Case
):
    own = make_office_hours(db, case.centre)
    foreign = make_office_hours(db, make_centre(db))
    sign_in(case.coordinator)
    assert client.post(f"/centre/office-hours/{foreign.id}/remove").status_code == 404
    response = client.post(f"/centre/office-hours/{own.id}/remove", follow_redirects=False)
    assert (
        response.status_code == 303
        and response.headers["location"] == "/centre/office-hours?done=removed"
    )
    assert [s.id for s in slots(db)] == [foreign.id]


def test_assistants_and_families_do_not_set_office_hours(
    client: TestClient, db: Session, sign_in, case: Case
):
    slot = make_office_hours(db, case.centre)
    for user in (case.assistant, case.parent_user):
        sign_in(user)
        assert client.get("/centre/office-hours").status_code == 403
        assert client.post(f"/centre/office-hours/{slot.id}/remove").status_code == 403
    assert len(slots(db)) == 1


def next_wednesday_office_hours() -> date:
    """The next Wednesday whose 7:00–15:00 office hours are not over and not a holiday."""
    now = datetime.now(WARSAW)
    polish = holidays.Poland(years=[now.year, now.year + 1])
    day = now.date()
    while day.weekday() != 2 or day in polish or (day == now.date() and now.time() >= time(15)):
        day += timedelta(days=1)
    return day


def test_the_family_contact_page_shows_the_assistant_the_next_office_hours_and_the_centre(
    client: TestClient, db: Session, sign_in, case: Case
):
    make_office_hours(db, case.centre, weekday=2)
    sign_in(case.parent_user)
    page = client.get("/family/contact")
    assert page.status_code == 200 and inline_code(page.text) == []
    html = parse(page.text)
    assert html.css_first("a[href='tel:600700800']") is not None
    assert case.assistant.full_name in page.text
    expected = next_wednesday_office_hours()
    assert f"{expected:%d.%m.%Y}, środa, 07:00–15:00" in text(page.text, ".big")
    assert "ul. 1 Maja 1, 57-500 Bystrzyca Kłodzka" in page.text
    assert page.headers.get("x-asysta-offline") == "keep"


def test_the_contact_page_is_for_the_family(client: TestClient, db: Session, sign_in, case: Case):
    sign_in(make_user(db, case.centre, Role.assistant))
    assert client.get("/family/contact").status_code == 403
