"""The work plan over HTTP: the staff page, versions and their sign-offs, the family's page
and their agreement on the phone, the history, the differences, and the printable plan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from pwa.domain.plans import editing as plans
from pwa.i18n import local_today
from pwa.models import (
    AgreementMethod,
    Plan,
    PlanStatus,
    Relation,
    Role,
)
from pwa.web.render import STATIC_DIR
from tests.conftest import reread
from tests.support.audit import audit_actions
from tests.support.factories.core import make_family, make_family_user, make_member, make_user
from tests.support.factories.plans import (
    PlanWorld,
    agreed_plan,
    draft_plan,
    goal_form,
    plan_world,
    plans_of,
    task_form,
)
from tests.support.html import HTMX, inline_code, parse, text


@pytest.fixture
def world(db: Session) -> PlanWorld:
    return plan_world(db, name="Kowalscy", case_number="AR.4011.7.2026")


def new_version(db: Session, world: PlanWorld) -> Plan:
    """The plan in force with a new draft that adds a goal (as the assistant would)."""
    agreed_plan(db, world)
    draft = plans.start_plan(db, actor=world.assistant, family_id=world.family.id)
    plans.add_goal(
        db, actor=world.assistant, plan_id=draft.id, form=goal_form("Ewa znajduje pracę", "work")
    )
    db.commit()
    return draft


def add_a_task(db: Session, world: PlanWorld, draft: Plan, **values: str) -> None:
    """A task in the draft's newest goal, due next week: added without `now=`, so checked
    against the real clock, as the requests that follow are."""
    form = task_form(due_on=local_today() + timedelta(days=7), **values)
    plans.add_task(db, actor=world.assistant, goal_id=plans_goal_ids(db, draft)[-1], form=form)
    db.commit()


# --- the staff page -----------------------------------------------------------------------------


def test_the_staff_page_shows_the_plan_in_force_and_the_draft(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    draft = new_version(db, world)
    sign_in(world.assistant.user)
    response = client.get(f"/families/{world.family.id}/plan")
    assert response.status_code == 200 and inline_code(response.text) == []
    assert response.headers["x-asysta-offline"] == "keep"
    assert "HX-Request" in response.headers["vary"]
    html = parse(response.text)
    assert html.css_first("#in-force h2").text().startswith("Wersja 1 obowiązująca")
    assert html.css_first("#draft h2").text().startswith("Wersja 2 w przygotowaniu")
    assert "Ewa znajduje pracę" in text(response.text, "#draft")
    assert "Ewa znajduje pracę" not in text(response.text, "#in-force")
    # Only the draft is edited; only the version in force is ticked.
    assert html.css_first(f"#draft form[action='/plans/{draft.id}/goals']") is not None
    assert html.css("#in-force form[action$='/goals']") == []
    assert html.css("#in-force form.tick-form") and html.css("#draft form.tick-form") == []
    assert html.css_first(f"a[href='/families/{world.family.id}']") is not None
    assert "plan.read" in audit_actions(db)


def test_a_family_without_a_plan_starts_one(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    sign_in(world.assistant.user)
    page = client.get(f"/families/{world.family.id}/plan")
    assert "Rodzina nie ma jeszcze planu pracy" in page.text
    assert parse(page.text).css_first("form.start-plan button").text() == "Rozpocznij plan"
    response = client.post(f"/families/{world.family.id}/plan", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/families/{world.family.id}/plan#draft"
    reread(db)
    [plan] = plans_of(db, world.family)
    assert plan.status is PlanStatus.draft and plan.created_by_id == world.assistant.id


def test_a_second_new_version_is_refused_with_a_message(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    new_version(db, world)
    sign_in(world.assistant.user)
    response = client.post(f"/families/{world.family.id}/plan")
    assert response.status_code == 409
    assert "Nowa wersja planu jest już przygotowywana" in text(response.text, "[role=alert]")
    assert len(plans_of(db, world.family)) == 2


def test_a_plan_cannot_start_without_the_familys_consent(client: TestClient, db: Session, sign_in):
    world = plan_world(db, consent=False)
    sign_in(world.assistant.user)
    response = client.post(f"/families/{world.family.id}/plan")
    assert response.status_code == 409 and "zgod" in text(response.text, "[role=alert]")
    assert plans_of(db, world.family) == []


def test_staff_pages_of_the_plan_are_not_for_family_members(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    plan, _goal, _tasks = agreed_plan(db, world)
    sign_in(world.parent_user.user)
    family = world.family.id
    for url in (
        f"/families/{family}/plan",
        f"/families/{family}/plan/history",
        f"/plans/{plan.id}/print",
        f"/plans/{plan.id}/compare?with={plan.id}",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/families/{family}/plan").status_code == 403


def test_another_assistant_does_not_learn_the_plan_exists(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    plan, _goal, _tasks = agreed_plan(db, world)
    sign_in(make_user(db, world.centre, Role.assistant))
    assert client.get(f"/families/{world.family.id}/plan").status_code == 404
    assert client.get(f"/plans/{plan.id}/print").status_code == 404
    assert client.get(f"/families/{world.family.id}/plan/not-an-id").status_code == 404


# --- consultation, foster care, the signed paper copy --------------------------------------


def test_the_consultation_is_recorded_in_place(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    plan, _goal, _tasks = draft_plan(db, world)
    sign_in(world.assistant.user)
    day = (local_today() - timedelta(days=1)).isoformat()
    response = client.post(
        f"/plans/{plan.id}/consultation",
        data={"consulted_on": day, "consulted_with": "Anna Socjalna", "remarks": "Bez uwag."},
        headers=HTMX,
    )
    assert response.status_code == 200 and "<html" not in response.text
    html = parse(response.text)
    assert html.css_first("section#consultation") is not None
    assert text(response.text, "[role=status]") == "Zapisano."
    assert html.css_first("#consultation-consulted_with").attributes["value"] == "Anna Socjalna"
    reread(db)
    saved = db.get(Plan, plan.id)
    assert saved is not None and saved.consulted_with == "Anna Socjalna"
    assert saved.consulted_on is not None and saved.consultation_remarks == "Bez uwag."


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_invalid_consultation_shows_polish_messages_and_saves_nothing(
    client: TestClient, db: Session, sign_in, world: PlanWorld, headers: dict[str, str]
):
    plan, _goal, _tasks = draft_plan(db, world)
    db.commit()
    sign_in(world.assistant.user)
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    response = client.post(
        f"/plans/{plan.id}/consultation",
        data={"consulted_on": tomorrow, "consulted_with": " ", "remarks": ""},
        headers=headers,
    )
    assert response.status_code == 422
    assert ("<html" in response.text) is not bool(headers)
    assert text(response.text, "#consultation-consulted_on-error") == (
        "Ta data nie może przypadać w przyszłości."
    )
    assert text(response.text, "#consultation-consulted_with-error") == (
        "Wpisz imię i nazwisko pracownika socjalnego."
    )
    field = parse(response.text).css_first("#consultation-consulted_on")
    assert field.attributes["aria-invalid"] == "true" and field.attributes["value"] == tomorrow
    reread(db)
    saved = db.get(Plan, plan.id)
    assert saved is not None and saved.consulted_on is None and saved.consulted_with == ""


def test_foster_care_coordination_is_offered_and_recorded_only_for_a_child_in_foster_care(
    client: TestClient, db: Session, sign_in
):
    world = plan_world(db, foster_care=True)
    plan, _goal, _tasks = draft_plan(db, world)
    sign_in(world.assistant.user)
    page = client.get(f"/families/{world.family.id}/plan")
    assert parse(page.text).css_first("#draft form[action$='/foster-care']") is not None
    day = local_today().isoformat()
    data = {"coordinator": "Jan Koordynator", "reference": "PZ/12/2026", "coordinated_on": day}
    response = client.post(f"/plans/{plan.id}/foster-care", data=data, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/families/{world.family.id}/plan#foster-care"
    reread(db)
    saved = db.get(Plan, plan.id)
    assert saved is not None and saved.foster_coordination_with == "Jan Koordynator"
    assert saved.foster_coordination_reference == "PZ/12/2026"

    other = plan_world(db)
    other_plan, _goal, _tasks = draft_plan(db, other)
    sign_in(other.assistant.user)
    page = client.get(f"/families/{other.family.id}/plan")
    assert parse(page.text).css("form[action$='/foster-care']") == []
    refused = client.post(f"/plans/{other_plan.id}/foster-care", data=data)
    assert refused.status_code == 409
    assert "Żadne dziecko z tej rodziny nie przebywa w pieczy zastępczej" in refused.text


def test_a_signed_paper_copy_puts_the_new_version_in_force(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    draft = new_version(db, world)
    add_a_task(db, world, draft)
    sign_in(world.assistant.user)
    page = parse(client.get(f"/families/{world.family.id}/plan").text)
    signers = [o.attributes["value"] for o in page.css("#paper-agreement-member_id option")]
    assert signers == ["", str(world.parent.id)]  # adults only: not the child
    response = client.post(
        f"/plans/{draft.id}/paper-agreement",
        data={"signed_on": local_today().isoformat(), "member_id": str(world.parent.id)},
        headers=HTMX,
    )
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == f"/families/{world.family.id}/plan#in-force"
    reread(db)
    first, second = plans_of(db, world.family)
    assert (first.status, second.status) == (PlanStatus.superseded, PlanStatus.agreed)
    assert second.agreement_method is AgreementMethod.paper
    assert second.agreed_by_member_id == world.parent.id
    assert second.recorded_by_id == world.assistant.id


def plans_goal_ids(db: Session, plan: Plan) -> list:  # type: ignore[type-arg]
    from pwa.domain.plans.views import contents

    return [goal.id for goal in contents(db, plan=plan).goals]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_paper_copy_signed_by_a_child_is_refused(
    client: TestClient, db: Session, sign_in, world: PlanWorld, headers: dict[str, str]
):
    plan, _goal, _tasks = draft_plan(db, world)
    db.commit()
    sign_in(world.assistant.user)
    response = client.post(
        f"/plans/{plan.id}/paper-agreement",
        data={"signed_on": "", "member_id": str(world.child.id)},
        headers=headers,
    )
    assert response.status_code == 422
    assert text(response.text, "#paper-agreement-member_id-error") == (
        "Wybierz dorosłego członka rodziny, który podpisał plan."
    )
    assert text(response.text, "#paper-agreement-signed_on-error") == "Wpisz datę podpisania."
    reread(db)
    assert [p.status for p in plans_of(db, world.family)] == [PlanStatus.draft]


def test_a_plan_without_tasks_cannot_be_agreed_and_says_why(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    plan = plans.start_plan(db, actor=world.assistant, family_id=world.family.id)
    plans.add_goal(db, actor=world.assistant, plan_id=plan.id, form=goal_form("Porządek w domu"))
    db.commit()
    sign_in(world.assistant.user)
    response = client.post(
        f"/plans/{plan.id}/paper-agreement",
        data={"signed_on": local_today().isoformat(), "member_id": str(world.parent.id)},
        headers=HTMX,
    )
    assert response.status_code == 409
    assert "Cel „Porządek w domu” nie ma jeszcze żadnych zadań." in text(
        response.text, "#paper-agreement"
    )


# --- the family's page and their agreement ----------------------------------------------------


def test_the_family_sees_their_own_tasks_first_and_what_is_due_soon(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    far = local_today() + timedelta(days=40)
    _plan, goal, tasks = agreed_plan(
        db,
        world,
        task_form(action="Zadzwonić do szkoły", due_on=far),
        task_form(world.parent, action="Zapisać Kubę na basen", due_on=far),
        task_form(
            world.parent, action="Odebrać zaświadczenie", due_on=local_today() + timedelta(days=3)
        ),
    )
    saved = db.get(Plan, goal.plan_id)
    assert saved is not None
    saved.consultation_remarks = "Uwaga wewnętrzna: napięta sytuacja"
    db.commit()
    sign_in(world.parent_user.user)
    response = client.get("/family/plan")
    assert response.status_code == 200 and inline_code(response.text) == []
    assert response.headers["x-asysta-offline"] == "keep"
    html = parse(response.text)
    due_soon = [
        n.text(strip=True) for n in html.css("section[aria-labelledby=due-soon-title] .task-action")
    ]
    assert due_soon == ["Odebrać zaświadczenie"]
    others = [
        n.text(strip=True) for n in html.css("section[aria-labelledby=tasks-title] .task-action")
    ]
    assert others == ["Zapisać Kubę na basen", "Zadzwonić do szkoły"]  # their own first
    mine = html.css_first(f"#task-{tasks[1].id}")
    assert "Twoje zadanie" in mine.text() and mine.css_first("form[data-outbox]") is not None
    assert html.css_first(f"#task-{tasks[0].id} form") is None  # the assistant's: no button
    assert text(response.text, f"#progress-{goal.id}") == "Wykonane: 0 z 3"
    assert "Wersja 1 planu." in text(response.text, ".plan-agreed")
    assert "Uwaga wewnętrzna" not in response.text
    nav = [a.attributes["href"] for a in html.css("nav.bottom-nav a")]
    assert "/family/plan" in nav and len(nav) <= 5


def test_an_adult_member_agrees_to_the_new_version_on_their_phone(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    draft = new_version(db, world)
    add_a_task(db, world, draft)
    sign_in(world.parent_user.user)
    page = client.get("/family/plan")
    form = parse(page.text).css_first("#agreement form.agree-form")
    assert form.attributes["action"] == f"/plans/{draft.id}/agree"
    assert form.css_first("button").text() == "Zgadzam się na ten plan"
    assert "Ewa znajduje pracę" in text(page.text, "#agreement")
    fingerprint = form.css_first("input[name=fingerprint]").attributes["value"]
    response = client.post(
        f"/plans/{draft.id}/agree", data={"fingerprint": fingerprint}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/family/plan?agreed=1"
    reread(db)
    agreed = db.get(Plan, draft.id)
    assert agreed is not None and agreed.status is PlanStatus.agreed
    assert agreed.agreement_method is AgreementMethod.phone
    assert agreed.agreed_by_user_id == world.parent_user.id
    after = client.get(response.headers["location"])
    assert "Zgoda na plan została zapisana" in text(after.text, "[role=status]")
    assert parse(after.text).css_first("#agreement") is None
    twice = client.post(f"/plans/{draft.id}/agree", data={"fingerprint": fingerprint})
    assert twice.status_code == 409  # a second tap says so, and changes nothing
    assert text(twice.text, "[role=alert]") == "Rodzina już zgodziła się na tę wersję planu."
    sign_in(world.assistant.user)
    history = parse(client.get(f"/families/{world.family.id}/plan/history").text)
    newest = history.css_first("li.version").text()
    assert "Ewa Kowalska" in newest and "potwierdzony w telefonie" in newest


def test_a_plan_changed_while_the_family_read_it_is_not_agreed(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    draft = new_version(db, world)
    add_a_task(db, world, draft)
    sign_in(world.parent_user.user)
    form = parse(client.get("/family/plan").text).css_first("#agreement form.agree-form")
    fingerprint = form.css_first("input[name=fingerprint]").attributes["value"]
    add_a_task(db, world, draft, action="Nowe")
    response = client.post(f"/plans/{draft.id}/agree", data={"fingerprint": fingerprint})
    assert response.status_code == 409
    assert "W czasie czytania plan został zmieniony" in text(
        response.text, "#agreement [role=alert]"
    )
    fresh = parse(response.text).css_first("#agreement input[name=fingerprint]")
    assert fresh.attributes["value"] != fingerprint  # the page shows the plan as it is now
    reread(db)
    assert db.get(Plan, draft.id).status is PlanStatus.draft  # type: ignore[union-attr]


def test_a_child_cannot_agree_and_staff_cannot_agree_for_the_family(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    plan, _goal, _tasks = draft_plan(db, world)
    child_user = make_family_user(db, world.family, world.child)
    sign_in(child_user)
    page = client.get("/family/plan")
    assert parse(page.text).css_first("#agreement form") is None
    assert "Zgodę na plan wyraża dorosły członek rodziny." in page.text
    assert client.post(f"/plans/{plan.id}/agree", data={"fingerprint": ""}).status_code == 403
    sign_in(world.assistant.user)
    assert client.post(f"/plans/{plan.id}/agree", data={"fingerprint": ""}).status_code == 403
    reread(db)
    assert db.get(Plan, plan.id).status is PlanStatus.draft  # type: ignore[union-attr]


def test_a_family_member_never_sees_or_agrees_to_another_familys_plan(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    _plan, _goal, _tasks = agreed_plan(db, world, task_form(action="Zadanie Kowalskich"))
    neighbours = make_family(db, world.centre, name="Nowakowie")
    neighbour = make_member(db, neighbours, relation=Relation.parent)
    other_plan = Plan(family_id=neighbours.id)
    db.add(other_plan)
    db.commit()
    sign_in(make_family_user(db, neighbours, neighbour))
    page = client.get("/family/plan")
    assert page.status_code == 200 and "Zadanie Kowalskich" not in page.text
    assert "Plan nie jest jeszcze gotowy" in page.text
    response = client.post(f"/plans/{_plan.id}/agree", data={"fingerprint": ""})
    assert response.status_code == 404


# --- history, differences, printout -------------------------------------------------------


def test_the_history_lists_every_version_with_who_agreed_and_when(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    draft = new_version(db, world)
    sign_in(world.assistant.user)
    response = client.get(f"/families/{world.family.id}/plan/history")
    assert response.status_code == 200 and inline_code(response.text) == []
    html = parse(response.text)
    versions = html.css("li.version")
    assert [v.css_first("h2").text(strip=True)[:8] for v in versions] == ["Wersja 2", "Wersja 1"]
    assert "Ewa Kowalska" in versions[1].text() and "podpisany na papierze" in versions[1].text()
    assert "Rodzina nie wyraziła zgody na tę wersję." in versions[0].text()
    first = plans_of(db, world.family)[0]
    assert versions[0].css_first(f"a[href='/plans/{draft.id}/compare?with={first.id}']")
    assert "plan.history" in audit_actions(db)


def test_the_differences_between_two_versions_are_shown(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    agreed, goal, [task] = agreed_plan(db, world)
    draft = plans.start_plan(db, actor=world.assistant, family_id=world.family.id)
    plans.add_goal(
        db, actor=world.assistant, plan_id=draft.id, form=goal_form("Ewa znajduje pracę", "work")
    )
    plans.edit_goal(
        db,
        actor=world.assistant,
        goal_id=goal.id,
        form=goal_form("Kuba chodzi do szkoły i na basen"),
    )
    plans.remove_task(db, actor=world.assistant, task_id=task.id)
    db.commit()
    sign_in(world.assistant.user)
    response = client.get(f"/plans/{draft.id}/compare?with={agreed.id}")
    assert response.status_code == 200 and inline_code(response.text) == []
    assert "Od wersji 1 do wersji 2" in response.text
    html = parse(response.text)
    assert [n.text(strip=True) for n in html.css(".diff-added .item-title")] == [
        "Ewa znajduje pracę"
    ]
    assert [n.text(strip=True) for n in html.css(".diff-removed .item-title")] == [task.action]
    changed = html.css_first(".diff-facts")
    assert "Kuba chodzi do szkoły" in changed.css_first("del").text()
    assert "Kuba chodzi do szkoły i na basen" in changed.css_first("ins").text()
    # Without a version to compare with, the first version sends to the history.
    first = client.get(f"/plans/{agreed.id}/compare", follow_redirects=False)
    assert first.headers["location"] == f"/families/{world.family.id}/plan/history"
    # The version it was made from is the default.
    default = client.get(f"/plans/{draft.id}/compare")
    assert "Od wersji 1 do wersji 2" in default.text


def test_a_version_of_another_family_cannot_be_compared(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    plan, _goal, _tasks = agreed_plan(db, world)
    other = plan_world(db)
    other_plan, _goal, _tasks = agreed_plan(db, other)
    sign_in(world.coordinator.user)
    assert client.get(f"/plans/{plan.id}/compare?with={other_plan.id}").status_code == 404


def test_the_printed_plan_has_no_navigation_and_has_lines_to_sign(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    plan, _goal, [task] = agreed_plan(
        db, world, task_form(world.parent, action="Zapisać Kubę na basen", effect="Kuba pływa")
    )
    saved = db.get(Plan, plan.id)
    assert saved is not None
    saved.consulted_with, saved.consultation_remarks = "Anna Socjalna", "Uwaga wewnętrzna"
    saved.consulted_on = local_today() - timedelta(days=2)
    second_adult = make_member(db, world.family, relation=Relation.guardian, first_name="Jan")
    db.commit()
    sign_in(world.assistant.user)
    response = client.get(f"/plans/{plan.id}/print")
    assert response.status_code == 200 and inline_code(response.text) == []
    html = parse(response.text)
    assert html.css("nav") == [] and html.css(".top-bar") == [] and html.css(".bottom-nav") == []
    assert world.centre.name in text(response.text, ".print-header")
    assert html.css_first("h1").text() == "Plan pracy z rodziną"
    row = [td.text(strip=True) for td in html.css(".print-tasks tbody td")]
    assert row[:4] == [
        "Zapisać Kubę na basen",
        "Ewa Kowalska",
        task.due_on.strftime("%d.%m.%Y"),
        "Kuba pływa",
    ]
    lines = [n.text(strip=True) for n in html.css(".signature-line")]
    assert len(lines) == 3  # the two adults of the household and the assistant
    assert any("Ewa Kowalska" in line for line in lines) and any(
        second_adult.first_name in line for line in lines
    )
    assert any(world.assistant.user.full_name in line for line in lines)
    assert all("Data i podpis" in line for line in lines)
    assert "Kuba" not in " ".join(lines)  # a child signs nothing
    assert "Uwaga wewnętrzna" not in response.text and "Anna Socjalna" in response.text
    assert "plan.print" in audit_actions(db)


def test_the_stylesheet_prints_the_plan_on_a4():
    css = (STATIC_DIR / "css" / "app.css").read_text()
    plans_part = css[css.index("/* plans */") :]
    assert "@page { size: A4; margin: 15mm; }" in plans_part
    assert ".bottom-nav" in css[: css.index("/* plans */")]  # the frame hides navigation in print
