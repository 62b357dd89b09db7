"""Each role's home over HTTP (issue 5, 5-7): the assistant's day as big family cards with
what is due (colour and words), the centre at a glance and finding a family, the family's
home."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from pwa.i18n import local_today
from pwa.models import Assessment, AssessmentKind, CaseStatus, OpinionStatus, Role
from tests.support.factories.assessments import make_opinion
from tests.support.factories.cases import (
    Desk,
    fill_caseload,
    make_desk,
    make_tasks,
    make_working_family,
    months_ago,
)
from tests.support.factories.core import make_family, make_family_user, make_office_hours, make_user
from tests.support.factories.visits import make_meeting, make_visit
from tests.support.html import HTMX, attribute, inline_code, parse, text, texts


@pytest.fixture
def desk(db: Session) -> Desk:
    return make_desk(db)


def card(html: str, name: str):  # type: ignore[no-untyped-def]
    """The family's card on the assistant's day."""
    found = [node for node in parse(html).css("a.family-card") if name in node.text()]
    assert len(found) == 1, name
    return found[0]


# --- the assistant's day ---------------------------------------------------------------------------


def test_each_family_is_one_card_linking_to_its_page(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, _mother, _daughter = make_working_family(
        db, desk.centre, desk.assistant, name="Nowakowie"
    )
    make_meeting(
        db, family, desk.assistant, starts_at=(family.created_at + timedelta(days=400))
    )  # far ahead, whatever today is
    sign_in(desk.assistant)
    response = client.get("/assistant")
    assert response.status_code == 200
    nowakowie = card(response.text, "Nowakowie")
    assert nowakowie.attributes["href"] == f"/families/{family.id}"
    assert "Najbliższe spotkanie" in nowakowie.text()
    assert nowakowie.css_first(".badge-active") is not None
    assert text(response.text, "h2").startswith("Twoje rodziny")
    assert response.headers["x-asysta-offline"] == "keep"
    assert inline_code(response.text) == []


def test_the_periodic_assessment_is_red_when_overdue_and_amber_when_near_with_words_too(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    make_working_family(
        db, desk.centre, desk.assistant, name="Overdue", work_started_on=months_ago(7)
    )
    make_working_family(
        db, desk.centre, desk.assistant, name="Soon",
        work_started_on=months_ago(6) + timedelta(days=5),
    )  # fmt: skip
    fine, *_ = make_working_family(
        db, desk.centre, desk.assistant, name="Fine", work_started_on=months_ago(6)
    )
    db.add(
        Assessment(
            family_id=fine.id, kind=AssessmentKind.periodic, assessed_on=local_today(),
            author_id=desk.assistant.id,
        )
    )  # fmt: skip
    sign_in(desk.assistant)
    html = client.get("/assistant").text

    late = card(html, "Overdue")
    assert late.css_first(".overdue") is not None and late.css_first(".due-soon") is None
    assert late.css_first(".overdue").text(strip=True).startswith("Ocena okresowa po terminie")
    near = card(html, "Soon")
    assert near.css_first(".due-soon") is not None and near.css_first(".overdue") is None
    assert near.css_first(".due-soon").text(strip=True).startswith("Ocena okresowa wkrótce")
    later = card(html, "Fine")
    assert later.css_first(".overdue") is None and later.css_first(".due-soon") is None
    assert "Następna ocena okresowa" in later.text()


def test_court_opinions_still_to_write_show_their_deadline_on_the_day(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, _mother, _daughter = make_working_family(
        db, desk.centre, desk.assistant, name="Nowakowie"
    )
    late = make_opinion(db, family, desk.assistant, deadline=local_today() - timedelta(days=2))
    make_opinion(db, family, desk.assistant, deadline=local_today() + timedelta(days=3))
    make_opinion(db, family, desk.assistant, status=OpinionStatus.final)
    sign_in(desk.assistant)
    page = parse(client.get("/assistant").text)
    items = page.css(".opinions-due li")
    assert len(items) == 2  # the final one is no longer waited for
    assert items[0].css_first("a").attributes["href"] == f"/opinions/{late.id}"
    assert "Termin minął" in items[0].text() and items[0].css_first(".overdue") is not None
    assert "zostały 3 dni" in items[1].text()


def test_a_centre_that_forbids_family_pages_on_phones_gets_no_page_kept(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    make_working_family(db, desk.centre, desk.assistant, name="Nowakowie")
    desk.centre.keep_family_pages_offline = False
    db.add(desk.centre)
    sign_in(desk.assistant)
    response = client.get("/assistant")
    assert response.status_code == 200
    assert "x-asysta-offline" not in response.headers
    assert response.headers["x-asysta-user"] == str(desk.assistant.id)


def test_plan_tasks_of_this_week_and_the_visits_of_the_month_are_on_the_day(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    family, *_ = make_working_family(db, desk.centre, desk.assistant, name="Nowakowie")
    late, due = make_tasks(db, family, local_today() - timedelta(days=1), local_today())
    make_visit(db, family, desk.assistant, visit_date=local_today())
    make_visit(db, family, desk.assistant, visit_date=local_today())
    sign_in(desk.assistant)
    html = client.get("/assistant").text
    assert texts(html, ".week-tasks .item-title") == [late.action, due.action]
    [overdue_item, due_item] = parse(html).css(".week-tasks .list-item")
    assert overdue_item.css_first(".overdue") is not None
    assert due_item.css_first(".overdue") is None
    assert overdue_item.css_first("a").attributes["href"] == f"/families/{family.id}/plan"
    assert text(html, "p.stat") == "2 wizyty w tym miesiącu"


def test_the_assistants_day_is_the_whole_page_for_htmx_too(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    sign_in(desk.assistant)
    response = client.get("/assistant", headers=HTMX)
    assert "<html" in response.text and "HX-Request" in response.headers["vary"]


# --- the centre at a glance ----------------------------------------------------------------------------


def test_the_coordinator_sees_caseloads_referrals_overdue_assessments_and_missing_consents(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    fill_caseload(db, desk.centre, desk.other_assistant, n=14)
    waiting, *_ = make_working_family(
        db, desk.centre, None, status=CaseStatus.referred, name="Czekający"
    )
    make_working_family(
        db, desk.centre, desk.assistant, name="Spóźnieni", work_started_on=months_ago(8)
    )
    make_working_family(db, desk.centre, desk.assistant, name="Bez zgody", consent=False)
    sign_in(desk.coordinator)
    response = client.get("/coordinator")
    assert response.status_code == 200
    html = response.text
    rows = {
        row.css_first("td").text(): row.css("td")[1].text()
        for row in parse(html).css(".caseloads tbody tr")
    }
    assert rows["Katarzyna Wiśniewska"] == "14/15"
    assert rows["Joanna Lewandowska"] == "2/15"

    [referral] = parse(html).css(".unassigned .list-item")
    assert referral.css_first("a").attributes["href"] == f"/families/{waiting.id}"
    form = referral.css_first("form")
    assert form.attributes["action"] == f"/families/{waiting.id}/assignment"
    assert form.css_first("input[name=next]").attributes["value"] == "coordinator"
    options = [node.text(strip=True) for node in form.css("select option")]
    assert "Katarzyna Wiśniewska (14/15)" in options

    assert texts(html, ".overdue-assessments .item-title a") == ["Spóźnieni"]
    assert parse(html).css_first(".overdue-assessments .overdue") is not None
    # Longest waiting first.
    assert texts(html, ".consent-missing .item-title a") == ["Bez zgody", "Czekający"]
    assert attribute(html, "form.family-search", "action") == "/families"
    assert parse(html).css_first('a[href="/families/new"]') is not None
    assert response.headers["x-asysta-offline"] == "keep"
    assert inline_code(html) == []


def test_a_full_caseload_is_marked_in_words(client: TestClient, db: Session, sign_in, desk):
    fill_caseload(db, desk.centre, desk.other_assistant)
    sign_in(desk.coordinator)
    html = client.get("/coordinator").text
    [full] = parse(html).css(".caseloads tr.full")
    assert "15/15" in full.text() and full.css_first(".full-label") is not None


def test_only_the_coordinator_has_the_centres_home(client: TestClient, db: Session, sign_in, desk):
    sign_in(desk.assistant)
    assert client.get("/coordinator").status_code == 403


# --- finding a family (the coordinator's search box) --------------------------------------------------------------------------------


def test_the_search_page_is_whole_and_its_results_alone_for_htmx(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    make_family(db, desk.centre, name="Łukasikowie", case_number="AR.4011.1.2026")
    make_family(db, desk.centre, name="Kowalscy", case_number="AR.4011.2.2026")
    sign_in(desk.coordinator)
    page = client.get("/families?q=lukasik")
    assert page.status_code == 200 and "<html" in page.text
    box = parse(page.text).css_first("input[type=search][name=q]")
    assert box.attributes["hx-get"] == "/families"
    assert box.attributes["hx-trigger"] == "input changed delay:300ms, search"
    assert box.attributes["hx-target"] == "#family-results"
    assert box.attributes["hx-push-url"] == "true"
    assert box.attributes["value"] == "lukasik"
    assert texts(page.text, "#family-results .item-title a") == ["Łukasikowie"]

    fragment = client.get("/families?q=AR.4011.2", headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert parse(fragment.text).css_first("#family-results") is not None
    assert texts(fragment.text, ".item-title a") == ["Kowalscy"]
    assert "HX-Request" in fragment.headers["vary"]


def test_search_results_come_in_pages(client: TestClient, db: Session, sign_in, desk: Desk):
    for n in range(25):
        make_family(db, desk.centre, name=f"Rodzina {n:02d}", case_number=f"AR.{n}.2026")
    sign_in(desk.coordinator)
    first = client.get("/families?q=rodzina")
    assert len(parse(first.text).css("#family-results .list-item")) == 20
    next_link = parse(first.text).css_first(".pagination a[rel=next]")
    assert next_link.attributes["href"] == "/families?q=rodzina&page=2"
    assert next_link.attributes["hx-push-url"] == "true"
    second = client.get(next_link.attributes["href"] or "", headers=HTMX)
    assert len(parse(second.text).css(".list-item")) == 5
    assert parse(second.text).css_first(".pagination a[rel=prev]") is not None
    wrong = client.get("/families?q=rodzina&page=abc")  # one rule for every ?page=
    assert wrong.status_code == 400 and "Adres zawiera błędną liczbę" in wrong.text


def test_an_assistant_finds_only_her_own_families(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    make_family(db, desk.centre, assistant=desk.assistant, name="Nowakowie")
    make_family(db, desk.centre, assistant=desk.other_assistant, name="Nowiccy")
    sign_in(desk.assistant)
    response = client.get("/families?q=now")
    assert texts(response.text, "#family-results .item-title a") == ["Nowakowie"]
    assert parse(response.text).css_first('a[href="/families/new"]') is None


def test_a_family_member_cannot_search_families(client: TestClient, db: Session, sign_in, desk):
    family, mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    sign_in(
        make_user(db, desk.centre, Role.family, family_id=family.id, family_member_id=mother.id)
    )
    assert client.get("/families").status_code == 403


# --- the family's home ------------------------------------------------------------------------------------


def test_the_family_home_shows_the_assistant_the_next_meeting_and_office_hours(
    client: TestClient, db: Session, sign_in, desk: Desk
):
    make_office_hours(db, desk.centre)
    family, mother, _daughter = make_working_family(db, desk.centre, desk.assistant)
    make_meeting(db, family, desk.assistant, starts_at=family.created_at + timedelta(days=400))
    sign_in(make_family_user(db, family, mother))
    response = client.get("/family")
    assert response.status_code == 200
    assert "Joanna Lewandowska" in response.text
    assert text(response.text, "h1") == "Dzień dobry, Ewa"
    assert response.headers["x-asysta-offline"] == "keep"
    assert inline_code(response.text) == []


def test_staff_do_not_have_a_family_home(client: TestClient, db: Session, sign_in, desk: Desk):
    make_family(db, desk.centre)
    sign_in(make_user(db, desk.centre, Role.assistant))
    assert client.get("/family").status_code == 403
