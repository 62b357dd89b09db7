"""What changed between two plan versions: goals and tasks matched by lineage (no database)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from pwa.domain.plans.history import diff_versions
from pwa.domain.plans.views import fingerprint
from pwa.models import Goal, GoalArea, Task, TaskState

OLD_PLAN, NEW_PLAN = uuid.uuid4(), uuid.uuid4()
PARENT, CHILD = uuid.uuid4(), uuid.uuid4()


def goal(plan_id: uuid.UUID = OLD_PLAN, **values: object) -> Goal:
    values.setdefault("area", GoalArea.school)
    values.setdefault("wording", "Kuba chodzi do szkoły codziennie")
    return Goal(plan_id=plan_id, **values)  # type: ignore[arg-type]


def task(of: Goal, **values: object) -> Task:
    values.setdefault("action", "Odprowadzać Kubę do szkoły")
    values.setdefault("owner_member_id", PARENT)
    values.setdefault("due_on", date(2026, 12, 18))
    values.setdefault("expected_effect", "Kuba nie ma nieusprawiedliwionych nieobecności")
    return Task(goal_id=of.id, **values)  # type: ignore[arg-type]


def copy_goal(old: Goal, **changes: object) -> Goal:
    """The same goal in the next version: a new row with the same lineage."""
    values = old.model_dump(exclude={"id", "plan_id"}) | changes
    return Goal(plan_id=NEW_PLAN, **values)


def copy_task(old: Task, of: Goal, **changes: object) -> Task:
    values = old.model_dump(exclude={"id", "goal_id"}) | changes
    return Task(goal_id=of.id, **values)


def test_a_copy_without_changes_differs_in_nothing():
    g = goal()
    t = task(g)
    g2 = copy_goal(g)
    diff = diff_versions([g], [t], [g2], [copy_task(t, g2)])
    assert diff.is_empty


def test_goals_added_and_removed():
    kept, dropped = goal(), goal(wording="Rachunki są płacone", area=GoalArea.budget)
    kept2 = copy_goal(kept)
    new = goal(NEW_PLAN, wording="Mama ma pracę", area=GoalArea.work)
    diff = diff_versions([kept, dropped], [], [kept2, new], [])
    assert [g.wording for g in diff.goals_added] == ["Mama ma pracę"]
    assert [g.wording for g in diff.goals_removed] == ["Rachunki są płacone"]
    assert diff.goals_changed == []
    assert not diff.is_empty


def test_a_reworded_goal_is_changed_not_removed_and_added():
    g = goal()
    g2 = copy_goal(g, wording="Kuba chodzi do szkoły i odrabia lekcje", area=GoalArea.care)
    diff = diff_versions([g], [], [g2], [])
    assert diff.goals_added == diff.goals_removed == []
    [changed] = diff.goals_changed
    assert (changed.before, changed.after, changed.fields) == (g, g2, ("area", "wording"))


def test_rows_are_matched_by_lineage_not_by_wording():
    g = goal()
    same_words_other_goal = goal(NEW_PLAN)  # a new lineage with the very same words
    diff = diff_versions([g], [], [same_words_other_goal], [])
    assert diff.goals_added == [same_words_other_goal]
    assert diff.goals_removed == [g]


def test_tasks_added_and_removed():
    g = goal()
    kept, gone = task(g), task(g, action="Zapisać Kubę na basen")
    g2 = copy_goal(g)
    new = task(g2, action="Porozmawiać z wychowawczynią")
    diff = diff_versions([g], [kept, gone], [g2], [copy_task(kept, g2), new])
    assert diff.tasks_added == [new]
    assert diff.tasks_removed == [gone]
    assert diff.tasks_changed == []


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"action": "Odwozić Kubę do szkoły"}, ("action",)),
        ({"owner_member_id": CHILD}, ("owner",)),
        ({"owner_member_id": None, "owner_is_assistant": True}, ("owner",)),
        ({"due_on": date(2027, 1, 15)}, ("due_on",)),
        ({"expected_effect": "Frekwencja powyżej 90%"}, ("expected_effect",)),
        ({"state": TaskState.done}, ("state",)),
        ({"state": TaskState.dropped, "drop_reason": "Kuba zmienił szkołę"}, ("state",)),
        (
            {"action": "Inaczej", "due_on": date(2027, 2, 1), "state": TaskState.done},
            ("action", "due_on", "state"),
        ),
    ],
)
def test_a_changed_task_lists_which_fields_changed(changes: dict[str, object], fields: tuple):  # type: ignore[type-arg]
    g = goal()
    t = task(g)
    g2 = copy_goal(g)
    t2 = copy_task(t, g2, **changes)
    diff = diff_versions([g], [t], [g2], [t2])
    [changed] = diff.tasks_changed
    assert (changed.before, changed.after, changed.fields) == (t, t2, fields)
    assert diff.tasks_added == diff.tasks_removed == diff.goals_changed == []


def test_unchanged_position_or_revision_is_not_a_change():
    g = goal()
    t = task(g, revision=3, position=1)
    g2 = copy_goal(g, position=5)
    diff = diff_versions([g], [t], [g2], [copy_task(t, g2, revision=1, position=2)])
    assert diff.is_empty


def test_the_fingerprint_follows_what_the_plan_says_not_its_progress():
    g = goal()
    t = task(g)
    before = fingerprint([g], [t])
    t.state = TaskState.done
    assert fingerprint([g], [t]) == before
    t.due_on = date(2027, 1, 8)
    moved = fingerprint([g], [t])
    assert moved != before
    g.wording = "Inne słowa"
    assert fingerprint([g], [t]) not in (before, moved)
