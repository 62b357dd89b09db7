"""Goals and tasks over HTTP: inline edits on the draft (htmx blocks, or a 303 without
JavaScript), and ticking tasks in place, by the assistant and by the family member."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from pwa.domain.plans import editing
from pwa.domain.plans import tasks as plan_tasks
from pwa.i18n import local_today
from pwa.models import Goal, Plan, PlanStatus, Task, TaskState
from tests.conftest import reread
from tests.support.audit import audit_actions
from tests.support.factories.plans import (
    PlanWorld,
    agreed_plan,
    draft_plan,
    plan_world,
    plans_of,
    task_form,
)
from tests.support.html import HTMX, inline_code, parse, text

MODES = pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])


@pytest.fixture
def world(db: Session) -> PlanWorld:
    return plan_world(db)


def task_data(world: PlanWorld, **values: str) -> dict[str, str]:
    data = {
        "action": "Zapisać Kubę na basen",
        "owner": str(world.parent.id),
        "due_on": (local_today() + timedelta(days=10)).isoformat(),
        "expected_effect": "Kuba pływa raz w tygodniu",
    }
    data.update(values)
    return data


def fresh(db: Session, row: Task) -> Task:
    reread(db)
    found = db.get(Task, row.id)
    assert found is not None
    return found


def goals_of(db: Session, plan: Plan) -> list[Goal]:
    reread(db)
    return list(db.exec(select(Goal).where(Goal.plan_id == plan.id).order_by(col(Goal.position))))


def tasks_of(db: Session, goal: Goal) -> list[Task]:
    reread(db)
    return list(db.exec(select(Task).where(Task.goal_id == goal.id).order_by(col(Task.position))))


# --- goals ----------------------------------------------------------------------------------


def test_a_goal_added_without_javascript_goes_back_to_the_plan(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    plan, _goal, _tasks = draft_plan(db, world)
    sign_in(world.assistant.user)
    response = client.post(
        f"/plans/{plan.id}/goals",
        data={"area": "budget", "wording": "Rachunki są płacone na czas"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    new = goals_of(db, plan)[-1]
    assert (new.area.value, new.wording) == ("budget", "Rachunki są płacone na czas")
    assert response.headers["location"] == f"/families/{world.family.id}/plan#goal-{new.id}"
    assert "HX-Request" in response.headers["vary"]


def test_a_goal_added_with_htmx_swaps_in_its_card_and_a_fresh_form(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    plan, _goal, _tasks = draft_plan(db, world)
    sign_in(world.assistant.user)
    response = client.post(
        f"/plans/{plan.id}/goals",
        data={"area": "budget", "wording": "Rachunki są płacone na czas"},
        headers=HTMX,
    )
    assert response.status_code == 200 and "HX-Request" in response.headers["vary"]
    assert "<html" not in response.text and "bottom-nav" not in response.text
    assert inline_code(response.text) == []
    html = parse(response.text)
    new = goals_of(db, plan)[-1]
    card = html.css_first(f"article#goal-{new.id}")
    assert card is not None and "Rachunki są płacone na czas" in card.text()
    assert card.css_first(f"#add-task-{new.id} form") is not None  # a task can follow at once
    form = html.css_first(f"#add-goal-{plan.id} form")
    assert form.attributes["hx-post"] == f"/plans/{plan.id}/goals"
    assert form.css_first(f"#add-goal-{plan.id}-wording").text() == ""  # empty again
    assert audit_actions(db).count("goal.create") == 2  # the factory's goal and this one


@MODES
def test_an_invalid_goal_shows_polish_messages_next_to_the_fields_and_saves_nothing(
    client: TestClient, db: Session, sign_in, world: PlanWorld, headers: dict[str, str]
):
    plan, _goal, _tasks = draft_plan(db, world)
    db.commit()
    sign_in(world.assistant.user)
    response = client.post(
        f"/plans/{plan.id}/goals", data={"area": "moon", "wording": "  "}, headers=headers
    )
    assert response.status_code == 422
    assert ("<html" in response.text) is not bool(headers)
    prefix = f"#add-goal-{plan.id}"
    assert text(response.text, f"{prefix}-area-error") == (
        "Wybierz obszar życia rodziny, którego dotyczy ten cel."
    )
    assert text(response.text, f"{prefix}-wording-error") == (
        "Zapisz cel słowami zrozumiałymi dla rodziny."
    )
    assert parse(response.text).css_first(f"{prefix}-wording").attributes["aria-invalid"] == "true"
    assert len(goals_of(db, plan)) == 1


def test_a_goal_is_reworded_in_its_card(client: TestClient, db: Session, sign_in, world: PlanWorld):
    plan, goal, _tasks = draft_plan(db, world)
    sign_in(world.assistant.user)
    response = client.post(
        f"/goals/{goal.id}",
        data={
            "area": "school",
            "wording": "Kuba chodzi do szkoły i odrabia lekcje",
            "plan_id": str(plan.id),
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    card = parse(response.text).css_first(f"article#goal-{goal.id}")
    assert card.css_first("h3").text() == "Kuba chodzi do szkoły i odrabia lekcje"
    assert goals_of(db, plan)[0].wording == "Kuba chodzi do szkoły i odrabia lekcje"


def test_changing_a_goal_of_an_agreed_plan_makes_a_new_version_and_reloads_the_page(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    agreed, goal, _tasks = agreed_plan(db, world)
    sign_in(world.assistant.user)
    response = client.post(
        f"/goals/{goal.id}",
        data={"area": "school", "wording": "Nowe brzmienie", "plan_id": str(agreed.id)},
        headers=HTMX,
    )
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == f"/families/{world.family.id}/plan#goal-" + str(
        goals_of(db, plans_of(db, world.family)[1])[0].id
    )
    first, second = plans_of(db, world.family)
    assert (first.status, second.status) == (PlanStatus.agreed, PlanStatus.draft)
    assert goals_of(db, first)[0].wording != "Nowe brzmienie"  # in force, unchanged
    assert goals_of(db, second)[0].wording == "Nowe brzmienie"


def test_a_removed_goal_leaves_the_page_in_place(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    plan, goal, _tasks = draft_plan(db, world)
    goal_id = goal.id
    sign_in(world.assistant.user)
    response = client.post(f"/goals/{goal_id}/remove", data={"plan_id": str(plan.id)}, headers=HTMX)
    assert response.status_code == 200 and response.text == ""  # the card is swapped away
    assert "HX-Request" in response.headers["vary"]
    assert goals_of(db, plan) == []
    again = client.post(f"/goals/{goal_id}/remove", data={"plan_id": str(plan.id)})
    assert again.status_code == 404


# --- tasks ----------------------------------------------------------------------------------


def test_a_task_added_with_htmx_swaps_in_its_row_and_the_goals_progress(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    plan, goal, _tasks = draft_plan(db, world)
    sign_in(world.assistant.user)
    response = client.post(
        f"/goals/{goal.id}/tasks", data={**task_data(world), "plan_id": str(plan.id)}, headers=HTMX
    )
    assert response.status_code == 200 and "<html" not in response.text
    added = tasks_of(db, goal)[-1]
    html = parse(response.text)
    row = html.css_first(f"li#task-{added.id}")
    assert "Zapisać Kubę na basen" in row.text() and "Ewa Kowalska" in row.text()
    progress = html.css_first(f"#progress-{goal.id}")
    assert progress.attributes["hx-swap-oob"] == "true"
    assert progress.text(strip=True) == "Wykonane: 0 z 2"
    assert html.css_first(f"li#add-task-{goal.id} form") is not None
    assert (added.owner_member_id, added.expected_effect) == (
        world.parent.id,
        "Kuba pływa raz w tygodniu",
    )


def test_a_task_added_without_javascript_goes_back_to_its_row(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    plan, goal, _tasks = draft_plan(db, world)
    sign_in(world.assistant.user)
    response = client.post(
        f"/goals/{goal.id}/tasks",
        data={**task_data(world, owner="assistant"), "plan_id": str(plan.id)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    added = tasks_of(db, goal)[-1]
    assert added.owner_is_assistant
    assert response.headers["location"] == f"/families/{world.family.id}/plan#task-{added.id}"


@MODES
@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"expected_effect": " "}, "expected_effect", "Opisz przewidywany efekt: co się zmieni, gdy zadanie zostanie wykonane."),
        ({"action": ""}, "action", "Opisz, co ma zostać zrobione."),
        ({"due_on": "2020-01-01"}, "due_on", "Termin realizacji nowego zadania nie może przypadać w przeszłości."),
        ({"due_on": "jutro"}, "due_on", "Wpisz datę, np. 23.11.2026."),
        ({"owner": "somebody"}, "owner", "Wybierz, kto to wykona: członek rodziny czy asystent."),
    ],
    ids=["no-effect", "no-action", "past-date", "not-a-date", "stranger"],
)  # fmt: skip
def test_an_invalid_task_shows_the_message_next_to_its_field_and_saves_nothing(
    client: TestClient, db: Session, sign_in, world: PlanWorld, headers, values, field, message
):
    plan, goal, _tasks = draft_plan(db, world)
    db.commit()
    sign_in(world.assistant.user)
    data = {**task_data(world, **values), "plan_id": str(plan.id)}
    response = client.post(f"/goals/{goal.id}/tasks", data=data, headers=headers)
    assert response.status_code == 422
    assert ("<html" in response.text) is not bool(headers)
    assert text(response.text, f"#add-task-{goal.id}-{field}-error") == message
    html = parse(response.text)
    assert "open" in html.css_first(f"#add-task-{goal.id} details").attributes
    assert html.css_first(f"#add-task-{goal.id}-action").text() == data["action"]  # kept
    assert len(tasks_of(db, goal)) == 1


def test_a_task_is_edited_in_its_row(client: TestClient, db: Session, sign_in, world: PlanWorld):
    plan, _goal, [task] = draft_plan(db, world)
    revision = task.revision
    sign_in(world.assistant.user)
    data = {
        **task_data(world, action="Zapisać Kubę na basen w MOSiR"),
        "revision": str(revision),
        "plan_id": str(plan.id),
    }
    response = client.post(f"/tasks/{task.id}", data=data, headers=HTMX)
    assert response.status_code == 200 and "<html" not in response.text
    row = parse(response.text).css_first(f"li#task-{task.id}")
    assert row.css_first(".task-action").text() == "Zapisać Kubę na basen w MOSiR"
    saved = fresh(db, task)
    assert saved.action == "Zapisać Kubę na basen w MOSiR" and saved.revision == revision + 1


def test_an_edit_from_a_stale_page_is_refused_with_the_message_in_the_row(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    plan, _goal, [task] = draft_plan(db, world)
    editing.change_due_date(
        db,
        actor=world.assistant,
        task_id=task.id,
        due_on=(local_today() + timedelta(days=20)).isoformat(),
    )
    db.commit()
    sign_in(world.assistant.user)
    data = {**task_data(world), "revision": "1", "plan_id": str(plan.id)}
    response = client.post(f"/tasks/{task.id}", data=data, headers=HTMX)
    assert response.status_code == 409
    row = parse(response.text).css_first(f"li#task-{task.id}")
    assert "W międzyczasie to zadanie zostało zmienione" in row.css_first("[role=alert]").text()
    assert fresh(db, task).action == task.action


def test_the_due_date_changes_inline(client: TestClient, db: Session, sign_in, world: PlanWorld):
    plan, _goal, [task] = draft_plan(db, world)
    sign_in(world.assistant.user)
    later = local_today() + timedelta(days=30)
    response = client.post(
        f"/tasks/{task.id}/due",
        data={"due_on": later.isoformat(), "revision": str(task.revision), "plan_id": str(plan.id)},
        headers=HTMX,
    )
    assert response.status_code == 200
    row = parse(response.text).css_first(f"li#task-{task.id}")
    assert later.strftime("%d.%m.%Y") in row.css_first(".task-facts").text()
    assert row.css_first(f"#due-{task.id}-due_on").attributes["value"] == later.isoformat()
    assert fresh(db, task).due_on == later


@MODES
def test_an_invalid_due_date_is_refused_in_place(
    client: TestClient, db: Session, sign_in, world: PlanWorld, headers: dict[str, str]
):
    plan, _goal, [task] = draft_plan(db, world)
    db.commit()
    sign_in(world.assistant.user)
    response = client.post(
        f"/tasks/{task.id}/due",
        data={"due_on": "", "revision": str(task.revision), "plan_id": str(plan.id)},
        headers=headers,
    )
    assert response.status_code == 422
    assert text(response.text, f"#due-{task.id}-due_on-error") == "Wpisz termin realizacji."
    assert fresh(db, task).due_on == task.due_on


def test_a_removed_task_leaves_only_its_goals_progress_to_update(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    plan, goal, [first, second] = draft_plan(db, world, task_form(), task_form(action="Drugie"))
    sign_in(world.assistant.user)
    response = client.post(
        f"/tasks/{first.id}/remove", data={"plan_id": str(plan.id)}, headers=HTMX
    )
    assert response.status_code == 200
    html = parse(response.text)
    assert html.css("li") == []  # the row goes
    assert html.css_first(f"#progress-{goal.id}").attributes["hx-swap-oob"] == "true"
    assert [t.id for t in tasks_of(db, goal)] == [second.id]


# --- ticking --------------------------------------------------------------------------------


def test_the_assistant_ticks_a_task_in_place_with_the_goals_progress(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    _plan, goal, [task, other] = agreed_plan(db, world, task_form(), task_form(action="Drugie"))
    sign_in(world.assistant.user)
    page = parse(client.get(f"/families/{world.family.id}/plan").text)
    form = page.css_first(f"li#task-{task.id} form.tick-form")
    assert "data-outbox" in form.attributes
    assert form.attributes["hx-post"] == f"/tasks/{task.id}/done"
    assert form.attributes["hx-target"] == f"#task-{task.id}"
    assert form.css_first("input[name=revision]").attributes["value"] == str(task.revision)
    response = client.post(
        f"/tasks/{task.id}/done", data={"revision": str(task.revision)}, headers=HTMX
    )
    assert response.status_code == 200 and "<html" not in response.text
    html = parse(response.text)
    row = html.css_first(f"li#task-{task.id}")
    assert "is-done" in row.attributes["class"] and row.css_first("form.tick-form") is None
    assert row.css_first(f"form[action='/tasks/{task.id}/reopen']") is not None
    progress = html.css_first(f"#progress-{goal.id}")
    assert (
        progress.attributes["hx-swap-oob"] == "true"
        and progress.text(strip=True) == "Wykonane: 1 z 2"
    )
    assert f"task-{other.id}" not in response.text  # only that row
    saved = fresh(db, task)
    assert saved.state is TaskState.done and saved.done_by_id == world.assistant.id
    assert audit_actions(db).count("task.done") == 1


def test_a_tick_without_javascript_goes_back_to_the_task(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    _plan, _goal, [task] = agreed_plan(db, world)
    sign_in(world.assistant.user)
    response = client.post(
        f"/tasks/{task.id}/done", data={"revision": str(task.revision)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/families/{world.family.id}/plan#task-{task.id}"
    assert fresh(db, task).state is TaskState.done


@MODES
def test_a_tick_of_a_task_that_changed_meanwhile_shows_a_message_and_overwrites_nothing(
    client: TestClient, db: Session, sign_in, world: PlanWorld, headers: dict[str, str]
):
    _plan, _goal, [task] = agreed_plan(db, world)
    revision = task.revision
    plan_tasks.drop_task(
        db, actor=world.assistant, task_id=task.id, revision=revision, reason="Nieaktualne"
    )
    plan_tasks.reopen_task(db, actor=world.assistant, task_id=task.id, revision=revision + 1)
    db.commit()
    sign_in(world.assistant.user)
    response = client.post(
        f"/tasks/{task.id}/done", data={"revision": str(revision)}, headers=headers
    )
    assert response.status_code == 409
    assert ("<html" in response.text) is not bool(headers)
    row = parse(response.text).css_first(f"li#task-{task.id}")
    assert "W międzyczasie to zadanie zostało zmienione" in row.css_first("[role=alert]").text()
    assert fresh(db, task).state is TaskState.open


def test_a_tick_of_a_dropped_task_says_it_was_dropped(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    _plan, _goal, [task] = agreed_plan(db, world, task_form(world.parent))
    plan_tasks.drop_task(
        db, actor=world.assistant, task_id=task.id, revision=task.revision, reason="Nieaktualne"
    )
    db.commit()
    sign_in(world.parent_user.user)
    response = client.post(f"/tasks/{task.id}/done", data={"revision": "1"}, headers=HTMX)
    assert response.status_code == 409 and "<html" not in response.text
    row = parse(response.text).css_first(f"li#task-{task.id}")
    assert "W międzyczasie zrezygnowano z tego zadania" in row.css_first("[role=alert]").text()
    assert fresh(db, task).state is TaskState.dropped


def test_a_replayed_tick_of_a_task_already_done_is_a_success(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    _plan, _goal, [task] = agreed_plan(db, world, task_form(world.parent))
    sign_in(world.parent_user.user)
    first = client.post(f"/tasks/{task.id}/done", data={"revision": "1"}, headers=HTMX)
    replay = client.post(f"/tasks/{task.id}/done", data={"revision": "1"}, headers=HTMX)
    assert (first.status_code, replay.status_code) == (200, 200)
    assert fresh(db, task).revision == 2 and audit_actions(db).count("task.done") == 1


def test_a_family_member_ticks_their_own_task_on_their_phone(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    _plan, goal, [mine, theirs] = agreed_plan(
        db,
        world,
        task_form(world.parent, action="Zapisać Kubę na basen"),
        task_form(action="Zadzwonić do szkoły"),
    )
    sign_in(world.parent_user.user)
    page = parse(client.get("/family/plan").text)
    form = page.css_first(f"li#task-{mine.id} form[data-outbox]")
    assert form.attributes["hx-post"] == f"/tasks/{mine.id}/done"
    response = client.post(
        f"/tasks/{mine.id}/done", data={"revision": str(mine.revision)}, headers=HTMX
    )
    assert response.status_code == 200 and "<html" not in response.text
    html = parse(response.text)
    row = html.css_first(f"li#task-{mine.id}")
    assert "Zrobione" in row.css_first(".confirmed").text() and row.css_first("form") is None
    progress = html.css_first(f"#progress-{goal.id}")
    assert (
        progress.attributes["hx-swap-oob"] == "true"
        and progress.text(strip=True) == "Wykonane: 1 z 2"
    )
    saved = fresh(db, mine)
    assert saved.state is TaskState.done and saved.done_by_id == world.parent_user.id
    plain = client.post(f"/tasks/{theirs.id}/done", data={"revision": "1"}, follow_redirects=False)
    assert plain.status_code == 403  # the assistant's task is not theirs to tick
    assert fresh(db, theirs).state is TaskState.open


def test_a_family_member_ticks_without_javascript_and_lands_on_their_plan(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    _plan, _goal, [task] = agreed_plan(db, world, task_form(world.parent))
    sign_in(world.parent_user.user)
    response = client.post(f"/tasks/{task.id}/done", data={"revision": "1"}, follow_redirects=False)
    assert (
        response.status_code == 303
        and response.headers["location"] == f"/family/plan#task-{task.id}"
    )
    saved = fresh(db, task)
    assert saved.state is TaskState.done and saved.done_by_id == world.parent_user.id
    assert audit_actions(db, world.family).count("task.done") == 1


def test_a_family_member_cannot_touch_another_familys_task(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    other = plan_world(db)
    _plan, _goal, [task] = agreed_plan(db, other, task_form(other.parent))
    sign_in(world.parent_user.user)
    response = client.post(f"/tasks/{task.id}/done", data={"revision": "1"}, headers=HTMX)
    assert response.status_code == 404 and task.action not in response.text
    assert fresh(db, task).state is TaskState.open


def test_only_staff_reopen_and_drop_tasks(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    _plan, _goal, [task] = agreed_plan(db, world, task_form(world.parent))
    sign_in(world.parent_user.user)
    assert (
        client.post(f"/tasks/{task.id}/drop", data={"revision": "1", "reason": "x"}).status_code
        == 403
    )
    assert client.post(f"/tasks/{task.id}/reopen", data={"revision": "1"}).status_code == 403
    assert fresh(db, task).state is TaskState.open


def test_the_assistant_drops_a_task_with_a_reason_and_reopens_it(
    client: TestClient, db: Session, sign_in, world: PlanWorld
):
    _plan, goal, [task, _other] = agreed_plan(db, world, task_form(), task_form(action="Drugie"))
    sign_in(world.assistant.user)
    dropped = client.post(
        f"/tasks/{task.id}/drop", data={"revision": "1", "reason": "Basen zamknięty"}, headers=HTMX
    )
    assert dropped.status_code == 200
    html = parse(dropped.text)
    assert "Powód: Basen zamknięty" in html.css_first(f"li#task-{task.id} .task-state").text()
    assert html.css_first(f"#progress-{goal.id}").text(strip=True) == "Wykonane: 0 z 1"
    saved = fresh(db, task)
    assert saved.state is TaskState.dropped and saved.drop_reason == "Basen zamknięty"
    reopened = client.post(
        f"/tasks/{task.id}/reopen", data={"revision": str(saved.revision)}, headers=HTMX
    )
    assert reopened.status_code == 200 and fresh(db, task).state is TaskState.open
    assert audit_actions(db).count("task.drop") == 1 and audit_actions(db).count("task.reopen") == 1


@MODES
def test_a_drop_without_a_reason_is_refused_next_to_the_field(
    client: TestClient, db: Session, sign_in, world: PlanWorld, headers: dict[str, str]
):
    _plan, _goal, [task] = agreed_plan(db, world)
    db.commit()
    sign_in(world.assistant.user)
    response = client.post(
        f"/tasks/{task.id}/drop", data={"revision": "1", "reason": " "}, headers=headers
    )
    assert response.status_code == 422
    assert (
        text(response.text, f"#drop-{task.id}-reason-error") == "Podaj powód rezygnacji z zadania."
    )
    assert "open" in parse(response.text).css_first(f"li#task-{task.id} details").attributes
    assert fresh(db, task).state is TaskState.open
