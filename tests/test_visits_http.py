"""Visits over HTTP: the form, recording once, the visit's page and its edit, the diary
(on screen, printed, CSV), and the family's confirmation."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from pwa.i18n import WARSAW, local_today
from pwa.models import (
    AuditEvent,
    Meeting,
    PlaceKind,
    Role,
    Task,
    TaskState,
    Visit,
    VisitAttendance,
    VisitKind,
    VisitRevision,
)
from tests.conftest import reread
from tests.support.factories.core import make_family, make_member, make_user
from tests.support.factories.visits import Case, make_case, make_plan, make_visit
from tests.support.html import HTMX, inline_code, parse, text

NOVEMBER_VISIT = date(2026, 11, 23)


@pytest.fixture
def case(db: Session) -> Case:
    return make_case(db, case_number="AR.4011.7.2026", name="Kowalscy")


def visit_data(case: Case, **values: object) -> dict[str, object]:
    """A valid visit form as the browser posts it: today, 10:00, 90 minutes at home."""
    data: dict[str, object] = {
        "visit_id": str(uuid.uuid4()),
        "visit_date": local_today().isoformat(),
        "starts_at": "10:00",
        "duration_minutes": "90",
        "duration_other": "",
        "place_kind": "home",
        "place_text": "",
        "present_member_ids": [str(case.parent.id)],
        "present_others": "",
        "kind": "home_visit",
        "notes": "Rozmowa o budżecie; zaległy czynsz spłacony w połowie.",
    }
    data.update(values)
    return data


def count_visits(db: Session) -> int:
    reread(db)
    return db.exec(select(func.count()).select_from(Visit)).one()


def diary_url(case: Case, day: date, *, saved: bool = False) -> str:
    url = f"/families/{case.family.id}/diary?month={day:%Y-%m}"
    return url + "&saved=1" if saved else url


# --- the form -----------------------------------------------------------------------------


def test_the_visit_form_starts_today_now_with_a_new_visit_id_each_time(
    client: TestClient, db: Session, sign_in, case: Case
):
    make_plan(db, case.family, tasks=2)
    sign_in(case.assistant)
    first = client.get(f"/families/{case.family.id}/visits/new")
    second = client.get(f"/families/{case.family.id}/visits/new")
    assert first.status_code == 200 and inline_code(first.text) == []
    html = parse(first.text)
    form = html.css_first("form#visit-form")
    assert "data-outbox" in form.attributes and form.attributes["method"] == "post"
    ids = [
        parse(r.text).css_first("input[name=visit_id]").attributes["value"] for r in (first, second)
    ]
    assert ids[0] != ids[1] and all(uuid.UUID(str(i)).version == 4 for i in ids)
    assert html.css_first("#visit_date").attributes["value"] == local_today().isoformat()
    hours, minutes = str(html.css_first("#starts_at").attributes["value"]).split(":")
    assert 0 <= int(hours) < 24 and int(minutes) % 5 == 0
    quick = [n.attributes["value"] for n in html.css("input[name=duration_minutes]")]
    assert quick == ["30", "60", "90", "120"] and html.css_first("#duration_other")
    members = {n.attributes["value"] for n in html.css("input[name=present_member_ids]")}
    assert members == {str(case.parent.id), str(case.child.id)}
    assert len(html.css("input[name=done_task_ids]")) == 2


def test_a_family_member_never_gets_the_visit_form(
    client: TestClient, db: Session, sign_in, case: Case
):
    sign_in(case.parent_user)
    assert client.get(f"/families/{case.family.id}/visits/new").status_code == 403
    response = client.post(f"/families/{case.family.id}/visits", data=visit_data(case))
    assert response.status_code == 403 and count_visits(db) == 0


# --- recording ------------------------------------------------------------------------------


def test_a_recorded_visit_is_stored_and_the_diary_says_it_was_saved(
    client: TestClient, db: Session, sign_in, case: Case
):
    sign_in(case.assistant)
    data = visit_data(case, present_others="pedagog szkolny")
    response = client.post(f"/families/{case.family.id}/visits", data=data, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == diary_url(case, local_today(), saved=True)
    reread(db)
    visit = db.get(Visit, uuid.UUID(str(data["visit_id"])))
    assert visit is not None and visit.author_id == case.assistant.id
    assert (visit.duration_minutes, visit.place_kind, visit.kind) == (
        90,
        PlaceKind.home,
        VisitKind.home_visit,
    )
    assert visit.present_others == "pedagog szkolny"
    present = db.exec(
        select(VisitAttendance.member_id).where(VisitAttendance.visit_id == visit.id)
    ).all()
    assert present == [case.parent.id]
    page = client.get(response.headers["location"])
    assert "Zapisano wizytę" in text(page.text, ".notice")
    assert f"/visits/{visit.id}" in page.text


def test_ticked_tasks_are_done_and_the_next_meeting_is_booked(
    client: TestClient, db: Session, sign_in, case: Case
):
    ticked, untouched = make_plan(db, case.family, tasks=2)
    sign_in(case.assistant)
    next_day = local_today() + timedelta(days=7)
    data = visit_data(
        case, done_task_ids=[str(ticked.id)], next_meeting_date=next_day.isoformat(),
        next_meeting_time="09:30",
    )  # fmt: skip
    response = client.post(f"/families/{case.family.id}/visits", data=data, follow_redirects=False)
    assert response.status_code == 303
    reread(db)
    assert db.get(Task, ticked.id).state is TaskState.done  # type: ignore[union-attr]
    assert db.get(Task, untouched.id).state is TaskState.open  # type: ignore[union-attr]
    meeting = db.exec(select(Meeting)).one()
    assert meeting.created_from_visit_id == uuid.UUID(str(data["visit_id"]))
    local = meeting.starts_at.astimezone(WARSAW)
    assert (local.date(), local.time()) == (next_day, time(9, 30))


def test_a_typed_length_wins_over_the_quick_choice(
    client: TestClient, db: Session, sign_in, case: Case
):
    sign_in(case.assistant)
    data = visit_data(case, duration_minutes="60", duration_other="75")
    client.post(f"/families/{case.family.id}/visits", data=data, follow_redirects=False)
    reread(db)
    assert db.exec(select(Visit.duration_minutes)).one() == 75


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain form", "htmx"])
def test_the_same_visit_posted_twice_is_stored_once_and_answered_alike(
    client: TestClient, db: Session, sign_in, case: Case, headers: dict[str, str]
):
    sign_in(case.assistant)
    data = visit_data(case)
    answers = [
        client.post(
            f"/families/{case.family.id}/visits", data=data, headers=headers,
            follow_redirects=False,
        )
        for _ in range(2)
    ]  # fmt: skip
    expected = diary_url(case, local_today(), saved=True)
    if headers:
        assert [a.status_code for a in answers] == [204, 204]
        assert [a.headers["hx-redirect"] for a in answers] == [expected, expected]
    else:
        assert [a.status_code for a in answers] == [303, 303]
        assert [a.headers["location"] for a in answers] == [expected, expected]
    assert all("hx-request" in a.headers["vary"].lower() for a in answers)
    assert count_visits(db) == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"duration_minutes": "0"}, "duration_minutes", "Czas trwania musi wynosić od 1 minuty do 24 godzin."),
        ({"duration_minutes": "", "duration_other": "1500"}, "duration_minutes", "Czas trwania musi wynosić od 1 minuty do 24 godzin."),
        ({"visit_date": "tomorrow"}, "visit_date", "Data wizyty nie może przypadać w przyszłości."),
        ({"present_member_ids": "stranger"}, "present_member_ids", "Jako obecnych można zaznaczyć tylko członków tej rodziny."),
        ({"place_kind": ""}, "place_kind", "Wybierz miejsce."),
        ({"place_kind": "other", "place_text": " "}, "place_text", "Wpisz nazwę lub opis miejsca."),
    ],
    ids=["length 0", "length 25 hours", "future date", "member of another family", "no place", "other place without words"],
)  # fmt: skip
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain form", "htmx"])
def test_an_invalid_visit_is_refused_with_a_polish_message_and_nothing_is_stored(
    client: TestClient, db: Session, sign_in, case: Case, change, field, message, headers
):
    stranger = make_member(db, make_family(db, case.centre), first_name="Obcy")
    sign_in(case.assistant)
    values = dict(change)
    if values.get("visit_date") == "tomorrow":
        values["visit_date"] = (local_today() + timedelta(days=1)).isoformat()
    if values.get("present_member_ids") == "stranger":
        values["present_member_ids"] = [str(case.parent.id), str(stranger.id)]
    data = visit_data(case, **values)
    response = client.post(f"/families/{case.family.id}/visits", data=data, headers=headers)
    assert response.status_code == 422
    assert text(response.text, f"#{field}-error") == message
    assert "Popraw zaznaczone pola." in response.text
    assert ("<html" in response.text) is not bool(headers)
    # The same visit id comes back, so that correcting the form still records one visit.
    assert (
        parse(response.text).css_first("input[name=visit_id]").attributes["value"]
        == data["visit_id"]
    )
    assert count_visits(db) == 0


def test_no_visit_before_the_family_consents(client: TestClient, db: Session, sign_in):
    case = make_case(db, consent=False)
    sign_in(case.assistant)
    response = client.post(f"/families/{case.family.id}/visits", data=visit_data(case))
    assert response.status_code == 409
    assert "nie wyraziła zgody" in response.text
    assert count_visits(db) == 0


def test_an_assistant_of_another_family_cannot_record_its_visit(
    client: TestClient, db: Session, sign_in, case: Case
):
    sign_in(make_user(db, case.centre, Role.assistant))
    response = client.post(f"/families/{case.family.id}/visits", data=visit_data(case))
    assert response.status_code == 404 and count_visits(db) == 0


# --- one visit, and changing it -------------------------------------------------------------


def test_staff_read_a_visit_with_its_notes_and_the_read_is_audited(
    client: TestClient, db: Session, sign_in, case: Case
):
    visit = make_visit(db, case.family, case.assistant, present=(case.parent,), notes="Notatka: Ola ma zaległości.")  # fmt: skip
    sign_in(case.coordinator)
    page = client.get(f"/visits/{visit.id}")
    assert page.status_code == 200 and "Notatka: Ola ma zaległości." in page.text
    assert case.parent.full_name in page.text and inline_code(page.text) == []
    reread(db)
    read = db.exec(select(AuditEvent).where(AuditEvent.action == "visit.read")).one()
    assert (read.actor_id, read.object_id) == (case.coordinator.id, visit.id)


def test_the_family_never_opens_a_visits_staff_page(
    client: TestClient, db: Session, sign_in, case: Case
):
    visit = make_visit(db, case.family, case.assistant, present=(case.parent,))
    sign_in(case.parent_user)
    response = client.get(f"/visits/{visit.id}")
    assert response.status_code == 403 and "Notatka wewnętrzna" not in response.text


def _recent_visit(db: Session, case: Case) -> Visit:
    """A visit recorded an hour ago (within the centre's 48-hour window)."""
    return make_visit(
        db, case.family, case.assistant, present=(case.parent,), visit_date=local_today(),
        created_at=datetime.now(WARSAW) - timedelta(hours=1), notes="Pierwsza wersja",
    )  # fmt: skip


def edit_data(case: Case, **values: object) -> dict[str, object]:
    data = visit_data(case, notes="Druga wersja", duration_minutes="120")
    del data["visit_id"]
    data.update(values)
    return data


def test_the_author_changes_her_visit_and_the_previous_text_is_kept(
    client: TestClient, db: Session, sign_in, case: Case
):
    visit = _recent_visit(db, case)
    sign_in(case.assistant)
    form = client.get(f"/visits/{visit.id}/edit")
    assert form.status_code == 200
    assert "Pierwsza wersja" in text(form.text, "#notes")
    assert (
        "checked"
        in parse(form.text).css_first("input[name=duration_minutes][value='60']").attributes
    )
    response = client.post(f"/visits/{visit.id}/edit", data=edit_data(case), follow_redirects=False)
    assert (
        response.status_code == 303
        and response.headers["location"] == f"/visits/{visit.id}?updated=1"
    )
    reread(db)
    changed = db.get(Visit, visit.id)
    assert changed is not None and (changed.notes, changed.duration_minutes) == (
        "Druga wersja",
        120,
    )
    (revision,) = db.exec(select(VisitRevision)).all()
    assert (revision.notes, revision.duration_minutes) == ("Pierwsza wersja", 60)
    page = client.get(response.headers["location"])
    assert "Pierwsza wersja" in text(page.text, "main") and "Zmieniono wizytę" in page.text
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "visit.update")).first()


def test_an_invalid_change_is_refused_and_the_visit_stays_as_it_was(
    client: TestClient, db: Session, sign_in, case: Case
):
    visit = _recent_visit(db, case)
    sign_in(case.assistant)
    for headers in ({}, HTMX):
        response = client.post(
            f"/visits/{visit.id}/edit", data=edit_data(case, duration_minutes="0"), headers=headers
        )
        assert response.status_code == 422
        assert (
            text(response.text, "#duration_minutes-error")
            == "Czas trwania musi wynosić od 1 minuty do 24 godzin."
        )
        assert ("<html" in response.text) is not bool(headers)
    reread(db)
    assert db.get(Visit, visit.id).notes == "Pierwsza wersja"  # type: ignore[union-attr]
    assert db.exec(select(VisitRevision)).all() == []


def test_only_the_author_changes_a_visit_and_only_within_the_centres_window(
    client: TestClient, db: Session, sign_in, case: Case
):
    recent = _recent_visit(db, case)
    old = make_visit(db, case.family, case.assistant, created_at=datetime.now(WARSAW) - timedelta(hours=49))  # fmt: skip
    sign_in(case.coordinator)
    assert client.get(f"/visits/{recent.id}/edit").status_code == 403
    refused = client.post(f"/visits/{recent.id}/edit", data=edit_data(case))
    assert refused.status_code == 403 and "tylko osoba, która ją zapisała" in refused.text
    sign_in(case.assistant)
    late = client.get(f"/visits/{old.id}/edit")
    assert late.status_code == 409 and "w ciągu 48 godzin" in late.text
    assert client.post(f"/visits/{old.id}/edit", data=edit_data(case)).status_code == 409
    assert "/edit" not in text(client.get(f"/visits/{old.id}").text, "main")
    reread(db)
    assert db.exec(select(VisitRevision)).all() == []


# --- the diary ------------------------------------------------------------------------------


def _november(db: Session, case: Case) -> Visit:
    make_visit(db, case.family, case.assistant, visit_date=date(2026, 10, 30))
    return make_visit(
        db, case.family, case.assistant, present=(case.parent, case.child),
        visit_date=NOVEMBER_VISIT, duration_minutes=90, kind=VisitKind.accompanying,
        place_kind=PlaceKind.other, place_text="Poradnia psychologiczno-pedagogiczna",
        present_others="pedagog szkolny", notes="Notatka, której rodzina nie widzi",
    )  # fmt: skip


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx fragment"])
def test_the_family_diary_shows_the_chosen_month(
    client: TestClient, db: Session, sign_in, case: Case, headers: dict[str, str]
):
    visit = _november(db, case)
    sign_in(case.assistant)
    page = client.get(f"/families/{case.family.id}/diary?month=2026-11", headers=headers)
    assert page.status_code == 200 and inline_code(page.text) == []
    assert ("<html" in page.text) is not bool(headers)
    rows = parse(page.text).css("#diary tbody tr")
    assert len(rows) == 1 and f"/visits/{visit.id}" in rows[0].html
    row = rows[0].text()
    assert "23.11.2026" in row and "90 min" in row and "Poradnia psychologiczno-pedagogiczna" in row
    assert "Notatka, której rodzina nie widzi" not in page.text
    assert "month=2026-10" in page.text and "month=2026-12" in page.text
    assert "hx-request" in page.headers["vary"].lower()


def test_the_printable_diary_has_no_navigation_and_the_whole_month(
    client: TestClient, db: Session, sign_in, case: Case
):
    _november(db, case)
    sign_in(case.coordinator)
    page = client.get(f"/families/{case.family.id}/diary?month=2026-11&print=1")
    html = parse(page.text)
    assert page.status_code == 200 and inline_code(page.text) == []
    assert html.css_first("nav") is None and html.css_first(".bottom-nav") is None
    assert html.css_first("link[rel=stylesheet]") is not None
    assert len(html.css("tbody tr")) == 1 and "AR.4011.7.2026" in page.text
    assert "listopad 2026" in text(page.text, "h1")


def test_the_diary_as_csv_opens_in_polish_excel(
    client: TestClient, db: Session, sign_in, case: Case
):
    case.parent_user.first_name = "Żaneta"
    _november(db, case)
    sign_in(case.assistant)
    response = client.get(f"/families/{case.family.id}/diary.csv?month=2026-11")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["content-disposition"]
        == 'attachment; filename="dziennik-wizyt-2026-11.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == [
        "Data",
        "Godzina rozpoczęcia",
        "Czas trwania (min)",
        "Miejsce",
        "Rodzaj wizyty",
    ]
    assert len(rows) == 2
    assert rows[1][:4] == ["23.11.2026", "10:00", "90", "Poradnia psychologiczno-pedagogiczna"]
    assert "Kowalscy" in rows[1] and "Notatka, której rodzina nie widzi" not in response.text


def test_the_assistant_reads_her_own_diary_and_a_coordinator_picks_an_assistant(
    client: TestClient, db: Session, sign_in, case: Case
):
    visit = _november(db, case)
    colleague = make_user(db, case.centre, Role.assistant)
    sign_in(case.assistant)
    own = client.get("/diary?month=2026-11")
    assert own.status_code == 200 and f"/visits/{visit.id}" in own.text
    assert f"/families/{case.family.id}/visits/new" in own.text
    csv_file = client.get("/diary.csv?month=2026-11")
    assert csv_file.headers["content-type"] == "text/csv; charset=utf-8"
    assert "23.11.2026" in csv_file.content.decode("utf-8-sig")
    assert client.get(f"/diary?assistant={colleague.id}").status_code == 404
    sign_in(case.coordinator)
    choose = client.get("/diary")
    assert f"/diary?assistant={case.assistant.id}" in choose.text
    theirs = client.get(f"/diary?assistant={case.assistant.id}&month=2026-11")
    assert f"/visits/{visit.id}" in theirs.text and case.assistant.full_name in theirs.text
    assert f"assistant={case.assistant.id}&amp;month=2026-12" in theirs.text
    assert client.get("/diary.csv", follow_redirects=False).headers["location"] == "/diary"


def test_no_month_shows_the_current_month_and_a_wrong_one_is_a_polish_400(
    client: TestClient, db: Session, sign_in, case: Case
):
    sign_in(case.assistant)
    page = client.get(f"/families/{case.family.id}/diary")
    assert page.status_code == 200
    assert parse(page.text).css_first("#month").attributes["value"] == f"{local_today():%Y-%m}"
    wrong = client.get(f"/families/{case.family.id}/diary?month=2026-13")
    assert wrong.status_code == 400
    assert "Adres zawiera błędną liczbę" in wrong.text


# --- the family's side ----------------------------------------------------------------------


def test_the_family_sees_its_visits_without_notes_and_confirms_one(
    client: TestClient, db: Session, sign_in, case: Case
):
    visit = _november(db, case)
    without_them = make_visit(db, case.family, case.assistant, present=(case.child,), notes="Bez rodzica")  # fmt: skip
    sign_in(case.parent_user)
    page = client.get("/family/visits")
    assert page.status_code == 200 and inline_code(page.text) == []
    assert f"visit-{visit.id}" in page.text and f"visit-{without_them.id}" not in page.text
    assert "Notatka" not in page.text and "Bez rodzica" not in page.text
    assert "Poradnia psychologiczno-pedagogiczna" in page.text
    form = parse(page.text).css_first(f"#visit-{visit.id} form")
    assert "data-outbox" in form.attributes
    assert "Potwierdzam wizytę" in form.text()
    response = client.post(
        f"/visits/{visit.id}/confirm", data={"back": "/family/meetings"}, follow_redirects=False
    )
    assert (
        response.status_code == 303
        and response.headers["location"] == "/family/meetings?confirmed=1"
    )
    reread(db)
    confirmed = db.get(Visit, visit.id)
    assert confirmed is not None and confirmed.confirmed_by_id == case.parent_user.id
    assert "Potwierdzone przez: Ewa Kowalska" in text(
        client.get("/family/visits").text, f"#visit-{visit.id}"
    )
    sign_in(case.assistant)
    diary_page = client.get(f"/families/{case.family.id}/diary?month=2026-11")
    assert case.parent_user.full_name in text(diary_page.text, "#diary tbody")


def test_confirming_with_htmx_swaps_only_the_visit(
    client: TestClient, db: Session, sign_in, case: Case
):
    visit = _november(db, case)
    sign_in(case.parent_user)
    response = client.post(
        f"/visits/{visit.id}/confirm", data={"back": "/family/visits"}, headers=HTMX
    )
    assert response.status_code == 200 and "<html" not in response.text
    item = parse(response.text).css_first(f"li#visit-{visit.id}")
    assert item is not None and item.css_first("form") is None
    assert "Potwierdzone przez: Ewa Kowalska" in item.text()
    again = client.post(
        f"/visits/{visit.id}/confirm", data={"back": "https://evil.example"}, follow_redirects=False
    )
    assert again.status_code == 303 and again.headers["location"] == "/family/visits?confirmed=1"


def test_a_member_cannot_confirm_a_visit_they_were_not_at(
    client: TestClient, db: Session, sign_in, case: Case
):
    visit = make_visit(db, case.family, case.assistant, present=(case.child,))
    sign_in(case.parent_user)
    assert client.post(f"/visits/{visit.id}/confirm").status_code == 404
    sign_in(case.assistant)
    assert client.post(f"/visits/{visit.id}/confirm").status_code == 403
    reread(db)
    assert db.get(Visit, visit.id).confirmed_at is None  # type: ignore[union-attr]
