"""Assessments over HTTP: the history with the due date in red, a new periodic or initial
assessment, one assessment, and the end of the work with its final assessment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from pwa.i18n import local_today
from pwa.models import Assessment, AssessmentKind, CaseStatus, Family, Goal, GoalProgress
from tests.conftest import reread
from tests.support.factories.assessments import make_assessment, make_goals
from tests.support.factories.visits import Case, make_case
from tests.support.html import HTMX, inline_code, parse, text


@pytest.fixture
def case(db: Session) -> Case:
    """A family at work for eight months, never assessed: its assessment is overdue."""
    return make_case(db, name="Kowalscy", work_started_on=local_today() - timedelta(days=240))


@pytest.fixture
def goals(db: Session, case: Case) -> list[Goal]:
    return make_goals(db, case.family)


def assessment_data(goals: list[Goal], **values: str) -> dict[str, str]:
    data = {
        "kind": "periodic",
        "assessed_on": local_today().isoformat(),
        "children_situation": "Dzieci zadbane, Ola chodzi do szkoły.",
        "care_and_upbringing": "Matka pilnuje rytmu dnia.",
        "household": "",
        "finances": "Zaległość czynszowa mniejsza o połowę.",
        "health": "",
        "work": "",
        "school": "Frekwencja 92%.",
        "family_view": "Rodzina widzi poprawę.",
        "strengths": "Wsparcie babci.",
        "recommendation": "continue",
    }
    for goal in goals:
        data[f"rating-{goal.id}"] = "3"
        data[f"comment-{goal.id}"] = "Wyraźna poprawa"
    data.update(values)
    return data


def count_assessments(db: Session) -> int:
    reread(db)
    return db.exec(select(func.count()).select_from(Assessment)).one()


# --- the history ----------------------------------------------------------------------------------


def test_the_history_shows_the_overdue_assessment_in_red_and_every_assessment(
    client: TestClient, db: Session, sign_in, case: Case
):
    make_assessment(
        db, case.family, on=local_today() - timedelta(days=230), kind=AssessmentKind.initial
    )
    sign_in(case.assistant)
    response = client.get(f"/families/{case.family.id}/assessments")
    assert response.status_code == 200 and inline_code(response.text) == []
    html = parse(response.text)
    due = html.css_first(".assessment-due")
    assert "overdue" in due.attributes["class"]
    assert "Okresowa ocena jest po terminie" in due.text()
    items = html.css(".list-item .item-title")
    assert len(items) == 1 and "ocena wstępna" in items[0].text()
    links = [a.attributes["href"] for a in html.css(".actions a")]
    assert f"/families/{case.family.id}/assessments/new" in links
    assert f"/families/{case.family.id}/end-work" in links


def test_an_assessment_due_in_a_week_is_amber_not_red(
    client: TestClient, db: Session, sign_in, case: Case
):
    make_assessment(db, case.family, on=local_today() - timedelta(days=176))
    sign_in(case.assistant)
    due = parse(client.get(f"/families/{case.family.id}/assessments").text).css_first(
        ".assessment-due"
    )
    assert "due-soon" in due.attributes["class"] and "overdue" not in due.attributes["class"]
    assert "Zbliża się termin okresowej oceny" in due.text()


# --- a new assessment -----------------------------------------------------------------------------


def test_the_form_asks_about_every_area_and_every_goal(
    client: TestClient, db: Session, sign_in, case: Case, goals: list[Goal]
):
    sign_in(case.assistant)
    response = client.get(f"/families/{case.family.id}/assessments/new")
    assert response.status_code == 200 and inline_code(response.text) == []
    html = parse(response.text)
    assert text(response.text, "h1") == "Okresowa ocena sytuacji rodziny"
    assert html.css_first("#assessed_on").attributes["value"] == local_today().isoformat()
    for name in ("children_situation", "care_and_upbringing", "household", "finances", "health",
                 "work", "school", "family_view", "strengths"):  # fmt: skip
        assert html.css_first(f"label[for={name}]") is not None, name
    for goal in goals:
        ratings = [n.attributes["value"] for n in html.css(f"input[name='rating-{goal.id}']")]
        assert ratings == ["0", "1", "2", "3", "4"]
        assert html.css_first(f"input[name='comment-{goal.id}']") is not None
    choices = [n.attributes["value"] for n in html.css("input[name=recommendation]")]
    assert choices == ["continue", "change_plan", "end_work"]
    assert "Po terminie" in response.text
    initial = client.get(f"/families/{case.family.id}/assessments/new?kind=initial")
    assert text(initial.text, "h1") == "Wstępna ocena sytuacji rodziny"
    assert parse(initial.text).css_first("input[name=kind]").attributes["value"] == "initial"


def test_a_valid_assessment_is_saved_and_the_due_date_moves_on(
    client: TestClient, db: Session, sign_in, case: Case, goals: list[Goal]
):
    sign_in(case.assistant)
    response = client.post(
        f"/families/{case.family.id}/assessments/new",
        data=assessment_data(goals, **{f"rating-{goals[1].id}": "1"}),
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/families/{case.family.id}/assessments?saved=periodic"
    reread(db)
    stored = db.exec(select(Assessment)).one()
    assert stored.kind is AssessmentKind.periodic and stored.school == "Frekwencja 92%."
    ratings = db.exec(select(GoalProgress.goal_id, GoalProgress.rating)).all()
    assert sorted((str(g), r) for g, r in ratings) == sorted(
        [(str(goals[0].id), 3), (str(goals[1].id), 1)]
    )
    page = client.get(response.headers["location"])
    assert "Ocena została zapisana." in page.text
    due = parse(page.text).css_first(".assessment-due")
    assert "overdue" not in due.attributes["class"] and "Następna okresowa ocena" in due.text()


def test_an_htmx_post_is_redirected_with_a_header(
    client: TestClient, db: Session, sign_in, case: Case, goals: list[Goal]
):
    sign_in(case.assistant)
    response = client.post(
        f"/families/{case.family.id}/assessments/new", data=assessment_data(goals), headers=HTMX
    )
    assert response.status_code == 204 and response.headers["hx-redirect"].endswith(
        "saved=periodic"
    )
    assert count_assessments(db) == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"children_situation": " "}, "children_situation", "Opisz sytuację dzieci i ich bezpieczeństwo."),
        ({"assessed_on": ""}, "assessed_on", "Wpisz datę oceny."),
        ({"assessed_on": "2099-01-01"}, "assessed_on", "Ta data nie może przypadać w przyszłości."),
        ({"recommendation": ""}, "recommendation", "Wybierz rekomendację: kontynuacja pracy, zmiana planu albo zakończenie pracy."),
        ({"rating": "7"}, "rating", "Oceń postęp w realizacji tego celu w skali od 0 do 4."),
        ({"comment": "x" * 501}, "comment", "Ten tekst jest za długi (najwyżej 500 znaków)."),
    ],
)  # fmt: skip
def test_an_invalid_assessment_is_refused_with_the_polish_message_next_to_the_field(
    client: TestClient, db: Session, sign_in, case: Case, goals: list[Goal],
    change: dict[str, str], field: str, message: str,
):  # fmt: skip
    if field in ("rating", "comment"):
        field = f"{field}-{goals[0].id}"
        change = {field: next(iter(change.values()))}
    sign_in(case.assistant)
    url = f"/families/{case.family.id}/assessments/new"
    response = client.post(url, data=assessment_data(goals, **change))
    assert response.status_code == 422
    assert text(response.text, f"#{field}-error") == message
    assert "Popraw zaznaczone pola." in response.text
    assert count_assessments(db) == 0
    fragment = client.post(url, data=assessment_data(goals, **change), headers=HTMX)
    assert fragment.status_code == 422 and "<html" not in fragment.text
    assert parse(fragment.text).css_first("form#assessment-form") is not None
    assert text(fragment.text, f"#{field}-error") == message


def test_the_typed_text_stays_in_the_form_after_a_refusal(
    client: TestClient, db: Session, sign_in, case: Case, goals: list[Goal]
):
    sign_in(case.assistant)
    response = client.post(
        f"/families/{case.family.id}/assessments/new",
        data=assessment_data(goals, children_situation="", strengths="Babcia pomaga."),
    )
    html = parse(response.text)
    assert html.css_first("#strengths").text() == "Babcia pomaga."
    checked = html.css_first(f"input[name='rating-{goals[0].id}'][value='3']")
    assert "checked" in checked.attributes


def test_a_second_assessment_on_the_same_day_is_a_conflict(
    client: TestClient, db: Session, sign_in, case: Case, goals: list[Goal]
):
    make_assessment(db, case.family, on=local_today())
    sign_in(case.assistant)
    response = client.post(
        f"/families/{case.family.id}/assessments/new", data=assessment_data(goals)
    )
    assert response.status_code == 409
    assert "została już sporządzona" in text(response.text, "[role=alert]")
    assert count_assessments(db) == 1


def test_one_assessment_shows_its_areas_and_ratings(
    client: TestClient, db: Session, sign_in, case: Case, goals: list[Goal]
):
    stored = make_assessment(
        db, case.family, on=date(2026, 8, 3), ratings=[(goals[0], 4)],
        strengths="Wsparcie babci.",
    )  # fmt: skip
    sign_in(case.coordinator)
    response = client.get(f"/assessments/{stored.id}")
    assert response.status_code == 200 and inline_code(response.text) == []
    assert text(response.text, "h1") == "Okresowa ocena sytuacji rodziny, 03.08.2026"
    headings = [h.text() for h in parse(response.text).css("h2")]
    assert "Mocne strony i zasoby" in headings and "Zdrowie" not in headings
    assert "4 na 4" in response.text and "cel osiągnięty" in response.text


# --- the end of the work --------------------------------------------------------------------------


def end_data(goals: list[Goal], **values: str) -> dict[str, str]:
    data = assessment_data(goals, recommendation="")
    data.update({"reason": "goals_met", "ended_on": local_today().isoformat(), "detail": ""})
    data.update(values)
    return data


def test_the_end_of_work_form_offers_the_reasons_of_work_under_way(
    client: TestClient, db: Session, sign_in, case: Case, goals: list[Goal]
):
    sign_in(case.assistant)
    response = client.get(f"/families/{case.family.id}/end-work")
    assert response.status_code == 200 and inline_code(response.text) == []
    html = parse(response.text)
    reasons = [o.attributes["value"] for o in html.css("#reason option")]
    assert reasons == ["", "goals_met", "consent_withdrawn", "moved_away", "other"]
    assert html.css_first("#ended_on").attributes["value"] == local_today().isoformat()
    assert html.css("input[name=recommendation]") == []
    assert len(html.css("input[type=radio][name^=rating-]")) == 10


def test_the_end_of_work_without_the_final_assessment_is_refused(
    client: TestClient, db: Session, sign_in, case: Case, goals: list[Goal]
):
    sign_in(case.assistant)
    response = client.post(
        f"/families/{case.family.id}/end-work",
        data=end_data(goals, children_situation="", reason="other", detail=""),
    )
    assert response.status_code == 422
    assert text(response.text, "#children_situation-error") == (
        "Opisz sytuację dzieci i ich bezpieczeństwo."
    )
    assert text(response.text, "#detail-error") == "Podaj w kilku słowach powód."
    reread(db)
    family = db.get(Family, case.family.id)
    assert family is not None and family.status is CaseStatus.active
    assert count_assessments(db) == 0


def test_the_work_ends_with_the_final_assessment(
    client: TestClient, db: Session, sign_in, case: Case, goals: list[Goal]
):
    sign_in(case.assistant)
    response = client.post(
        f"/families/{case.family.id}/end-work", data=end_data(goals), follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/families/{case.family.id}/assessments?saved=final"
    reread(db)
    family = db.get(Family, case.family.id)
    assert family is not None and family.status is CaseStatus.ended
    final = db.exec(select(Assessment)).one()
    assert final.kind is AssessmentKind.final and final.assessed_on == local_today()
    page = client.get(response.headers["location"])
    assert "Praca została zakończona, a ocena końcowa zapisana." in page.text
    assert parse(page.text).css_first(".assessment-due") is None
    again = client.get(f"/families/{case.family.id}/end-work")
    assert again.status_code == 409 and "Praca z tą rodziną została zakończona" in again.text


# --- who may ---------------------------------------------------------------------------------------


def test_the_family_is_refused_every_assessment_page(
    client: TestClient, db: Session, sign_in, case: Case, goals: list[Goal]
):
    stored = make_assessment(db, case.family, on=local_today())
    sign_in(case.parent_user)
    family = case.family.id
    for url in (f"/families/{family}/assessments", f"/families/{family}/assessments/new",
                f"/assessments/{stored.id}", f"/families/{family}/end-work"):  # fmt: skip
        assert client.get(url).status_code == 403, url
    for url in (f"/families/{family}/assessments/new", f"/families/{family}/end-work"):
        assert client.post(url, data=end_data(goals)).status_code == 403, url
    assert count_assessments(db) == 1
