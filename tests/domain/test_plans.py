"""The work plan's versions and its small edits: goals, tasks, due dates, new drafts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid, NotFound
from pwa.domain.plans import agreement, editing
from pwa.models import (
    Assessment,
    AssessmentKind,
    CaseStatus,
    Goal,
    GoalArea,
    GoalProgress,
    PlanStatus,
    Task,
    TaskState,
)
from tests.support.audit import audit_actions, audit_details
from tests.support.clock import NOW, TODAY
from tests.support.factories.core import make_family, make_member
from tests.support.factories.plans import (
    agree_on_paper,
    agreed_plan,
    draft_plan,
    goal_form,
    plan_world,
    plans_of,
    staff_user,
    task_form,
)

pytestmark = pytest.mark.usefixtures("english")  # messages matched in English


def tasks_of(db: Session, plan_id) -> list[Task]:  # type: ignore[no-untyped-def]
    db.flush()
    return list(
        db.exec(
            select(Task)
            .join(Goal, col(Goal.id) == col(Task.goal_id))
            .where(Goal.plan_id == plan_id)
            .order_by(col(Task.position))
        ).all()
    )


# --- starting a plan ---------------------------------------------------------------------


def test_a_first_plan_starts_as_an_empty_draft_numbered_one(db: Session):
    world = plan_world(db)
    plan = editing.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    assert (plan.version, plan.status, plan.based_on_id) == (1, PlanStatus.draft, None)
    assert plan.created_by_id == world.assistant.id
    assert plan.created_at == NOW
    assert "plan.create" in audit_actions(db, world.family)


def test_no_plan_without_the_familys_consent(db: Session):
    world = plan_world(db, consent=False)
    with pytest.raises(Conflict, match="consent"):
        editing.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    assert plans_of(db, world.family) == []


def test_only_one_draft_at_a_time(db: Session):
    world = plan_world(db)
    editing.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    with pytest.raises(Conflict, match="already being prepared"):
        editing.start_plan(db, actor=world.coordinator, family_id=world.family.id, now=NOW)
    assert len(plans_of(db, world.family)) == 1


@pytest.mark.parametrize("status", [CaseStatus.ended, CaseStatus.closed])
def test_plans_of_families_whose_work_ended_cannot_be_changed(db: Session, status: CaseStatus):
    world = plan_world(db)
    plan, _goal, [task] = draft_plan(db, world)
    world.family.status = status
    db.add(world.family)
    db.flush()
    with pytest.raises(Conflict, match="has ended"):
        editing.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    with pytest.raises(Conflict, match="has ended"):
        editing.add_goal(db, actor=world.assistant, plan_id=plan.id, form=goal_form(), now=NOW)
    with pytest.raises(Conflict, match="has ended"):
        editing.change_due_date(
            db, actor=world.assistant, task_id=task.id, due_on="2026-12-31", now=NOW
        )


def test_a_family_in_monitoring_can_still_change_its_plan(db: Session):
    world = plan_world(db, status=CaseStatus.monitoring)
    plan, _goal, _tasks = draft_plan(db, world)
    assert plan.status is PlanStatus.draft


def test_an_assistant_not_assigned_to_the_family_sees_no_plan(db: Session):
    world = plan_world(db)
    plan, goal, _tasks = draft_plan(db, world)
    stranger = Actor(staff_user(db, world))
    with pytest.raises(NotFound):
        editing.start_plan(db, actor=stranger, family_id=world.family.id, now=NOW)
    with pytest.raises(NotFound):
        editing.add_goal(db, actor=stranger, plan_id=plan.id, form=goal_form(), now=NOW)
    with pytest.raises(NotFound):
        editing.add_task(db, actor=stranger, goal_id=goal.id, form=task_form(), now=NOW)


def test_a_family_member_cannot_edit_the_plan(db: Session):
    world = plan_world(db)
    plan, _goal, [task] = draft_plan(db, world)
    with pytest.raises(NotFound):
        editing.add_goal(db, actor=world.parent_user, plan_id=plan.id, form=goal_form(), now=NOW)
    with pytest.raises(NotFound):
        editing.change_due_date(
            db, actor=world.parent_user, task_id=task.id, due_on="2026-12-31", now=NOW
        )


def test_a_coordinator_of_the_centre_may_edit_the_plan(db: Session):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    goal = editing.add_goal(
        db, actor=world.coordinator, plan_id=plan.id, form=goal_form("Rachunki są płacone"), now=NOW
    )
    assert goal.plan_id == plan.id


def test_a_family_of_another_centre_is_not_found(db: Session):
    world = plan_world(db)
    other = plan_world(db)
    with pytest.raises(NotFound):
        editing.start_plan(db, actor=world.assistant, family_id=other.family.id, now=NOW)


# --- goals -------------------------------------------------------------------------------


def test_goals_are_added_in_order_with_an_area_and_a_wording(db: Session):
    world = plan_world(db)
    plan, first, _tasks = draft_plan(db, world)
    second = editing.add_goal(
        db,
        actor=world.assistant,
        plan_id=plan.id,
        form=editing.GoalForm(area="budget", wording="  Rachunki są płacone na czas  "),
        now=NOW,
    )
    assert (second.area, second.wording) == (GoalArea.budget, "Rachunki są płacone na czas")
    assert second.position > first.position
    assert audit_actions(db, world.family).count("goal.create") == 2


def test_a_goal_needs_an_area_and_a_wording_all_reported_at_once(db: Session):
    world = plan_world(db)
    plan, _goal, _tasks = draft_plan(db, world)
    with pytest.raises(Invalid) as refused:
        editing.add_goal(
            db,
            actor=world.assistant,
            plan_id=plan.id,
            form=editing.GoalForm(area="happiness", wording="  "),
            now=NOW,
        )
    assert set(refused.value.errors) == {"area", "wording"}


def test_a_goal_is_reworded(db: Session):
    world = plan_world(db)
    _plan, goal, _tasks = draft_plan(db, world)
    changed = editing.edit_goal(
        db,
        actor=world.assistant,
        goal_id=goal.id,
        form=editing.GoalForm("health", "Kuba ma aktualne szczepienia"),
        now=NOW,
    )
    assert (changed.id, changed.area, changed.wording) == (
        goal.id,
        GoalArea.health,
        "Kuba ma aktualne szczepienia",
    )
    assert "goal.update" in audit_actions(db, world.family)


def test_removing_a_goal_removes_its_tasks(db: Session):
    world = plan_world(db)
    plan, goal, _tasks = draft_plan(db, world, task_form(), task_form(action="Drugie"))
    returned = editing.remove_goal(db, actor=world.assistant, goal_id=goal.id, now=NOW)
    assert returned.id == plan.id
    assert db.get(Goal, goal.id) is None
    assert tasks_of(db, plan.id) == []
    assert "goal.delete" in audit_actions(db, world.family)


def test_a_goal_rated_in_an_assessment_cannot_be_removed(db: Session):
    world = plan_world(db)
    _plan, goal, _tasks = draft_plan(db, world)
    assessment = Assessment(
        family_id=world.family.id, kind=AssessmentKind.periodic, assessed_on=TODAY
    )
    db.add(assessment)
    db.flush()
    db.add(GoalProgress(assessment_id=assessment.id, goal_id=goal.id, rating=2))
    db.flush()
    with pytest.raises(Conflict, match="rated in an assessment"):
        editing.remove_goal(db, actor=world.assistant, goal_id=goal.id, now=NOW)


# --- tasks -------------------------------------------------------------------------------


def test_a_task_has_an_action_an_owner_a_due_date_and_an_expected_effect(db: Session):
    world = plan_world(db)
    _plan, goal, [for_assistant] = draft_plan(db, world)
    for_parent = editing.add_task(
        db, actor=world.assistant, goal_id=goal.id, form=task_form(world.parent), now=NOW
    )
    assert for_assistant.owner_is_assistant and for_assistant.owner_member_id is None
    assert for_parent.owner_member_id == world.parent.id and not for_parent.owner_is_assistant
    assert for_parent.due_on == TODAY + timedelta(days=7)
    assert for_parent.expected_effect == "Dziecko ma termin wizyty"
    assert (for_parent.state, for_parent.revision) == (TaskState.open, 1)
    assert for_parent.position > for_assistant.position
    assert "task.create" in audit_actions(db, world.family)


def test_a_child_of_the_family_may_own_a_task(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = draft_plan(db, world, task_form(world.child))
    assert task.owner_member_id == world.child.id


def test_a_task_without_an_expected_effect_or_a_due_date_is_invalid(db: Session):
    world = plan_world(db)
    _plan, goal, _tasks = draft_plan(db, world)
    with pytest.raises(Invalid) as refused:
        editing.add_task(
            db,
            actor=world.assistant,
            goal_id=goal.id,
            form=editing.TaskForm(action="", owner="", due_on="", expected_effect=" "),
            now=NOW,
        )
    assert set(refused.value.errors) == {"action", "owner", "due_on", "expected_effect"}
    assert refused.value.message


@pytest.mark.parametrize(
    ("field", "form"),
    [
        ("due_on", editing.TaskForm("Działanie", "assistant", "23/11/2026", "Efekt")),
        ("due_on", editing.TaskForm("Działanie", "assistant", "2026-02-30", "Efekt")),
        ("owner", editing.TaskForm("Działanie", "not-a-uuid", "2026-12-01", "Efekt")),
        ("action", editing.TaskForm("x" * 501, "assistant", "2026-12-01", "Efekt")),
        ("expected_effect", editing.TaskForm("Działanie", "assistant", "2026-12-01", "y" * 501)),
    ],
)
def test_a_task_with_a_bad_field_is_refused_for_that_field(
    db: Session, field: str, form: editing.TaskForm
):
    world = plan_world(db)
    _plan, goal, _tasks = draft_plan(db, world)
    with pytest.raises(Invalid) as refused:
        editing.add_task(db, actor=world.assistant, goal_id=goal.id, form=form, now=NOW)
    assert set(refused.value.errors) == {field}


def test_a_member_of_another_family_cannot_own_a_task(db: Session):
    world = plan_world(db)
    _plan, goal, _tasks = draft_plan(db, world)
    stranger = make_member(db, make_family(db, world.centre))
    with pytest.raises(Invalid) as refused:
        editing.add_task(
            db, actor=world.assistant, goal_id=goal.id, form=task_form(stranger), now=NOW
        )
    assert set(refused.value.errors) == {"owner"}


def test_a_new_task_cannot_be_due_before_today(db: Session):
    world = plan_world(db)
    _plan, goal, _tasks = draft_plan(db, world)
    with pytest.raises(Invalid) as refused:
        editing.add_task(
            db,
            actor=world.assistant,
            goal_id=goal.id,
            form=task_form(due_on=TODAY - timedelta(days=1)),
            now=NOW,
        )
    assert set(refused.value.errors) == {"due_on"}
    today = editing.add_task(
        db, actor=world.assistant, goal_id=goal.id, form=task_form(due_on=TODAY), now=NOW
    )
    assert today.due_on == TODAY


def test_today_is_the_day_in_warsaw(db: Session):
    world = plan_world(db)
    _plan, goal, _tasks = draft_plan(db, world)
    late_evening_utc = NOW.replace(hour=23, minute=30)  # already 24.11 in Warsaw
    with pytest.raises(Invalid):
        editing.add_task(
            db,
            actor=world.assistant,
            goal_id=goal.id,
            form=task_form(due_on=TODAY),
            now=late_evening_utc,
        )


def test_an_existing_task_may_be_moved_to_a_past_due_date(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = draft_plan(db, world)
    moved = editing.change_due_date(
        db,
        actor=world.assistant,
        task_id=task.id,
        due_on=(TODAY - timedelta(days=3)).isoformat(),
        revision=1,
        now=NOW,
    )
    assert (moved.id, moved.due_on, moved.revision) == (task.id, TODAY - timedelta(days=3), 2)
    assert moved.action == "Umówić wizytę w poradni"
    assert audit_details(db, world.family, "task.update") == [{"fields": ["due_on"]}]


def test_a_due_date_change_needs_a_valid_date(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = draft_plan(db, world)
    with pytest.raises(Invalid) as refused:
        editing.change_due_date(db, actor=world.assistant, task_id=task.id, due_on="", now=NOW)
    assert set(refused.value.errors) == {"due_on"}


def test_editing_a_task_with_a_stale_revision_is_a_conflict(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = draft_plan(db, world)
    editing.edit_task(
        db,
        actor=world.assistant,
        task_id=task.id,
        form=task_form(world.parent, action="Zapisać Kubę do poradni"),
        revision=1,
        now=NOW,
    )
    with pytest.raises(Conflict, match="changed in the meantime"):
        editing.change_due_date(
            db, actor=world.assistant, task_id=task.id, due_on="2026-12-30", revision=1, now=NOW
        )
    assert db.get(Task, task.id).due_on == TODAY + timedelta(days=7)  # type: ignore[union-attr]


def test_a_member_who_left_the_household_keeps_old_tasks_but_gets_no_new_ones(db: Session):
    world = plan_world(db)
    father = make_member(db, world.family, first_name="Jan")
    _plan, goal, [task] = draft_plan(db, world, task_form(father))
    father.in_household = False
    db.add(father)
    db.flush()
    kept = editing.edit_task(
        db,
        actor=world.assistant,
        task_id=task.id,
        form=task_form(father, action="Zapłacić alimenty"),
        now=NOW,
    )
    assert (kept.owner_member_id, kept.action) == (father.id, "Zapłacić alimenty")
    with pytest.raises(Invalid) as refused:
        editing.add_task(
            db, actor=world.assistant, goal_id=goal.id, form=task_form(father), now=NOW
        )
    assert set(refused.value.errors) == {"owner"}


def test_removing_a_task_returns_its_goal(db: Session):
    world = plan_world(db)
    plan, goal, [first, second] = draft_plan(db, world, task_form(), task_form(action="Drugie"))
    returned = editing.remove_task(db, actor=world.assistant, task_id=first.id, now=NOW)
    assert returned.id == goal.id
    assert [task.id for task in tasks_of(db, plan.id)] == [second.id]
    assert "task.delete" in audit_actions(db, world.family)


# --- changing an agreed plan makes a new draft version ------------------------------------


def test_changing_an_agreed_plan_makes_a_new_draft_and_the_agreed_one_stays_in_force(
    db: Session,
):
    world = plan_world(db)
    agreed, goal, [task] = agreed_plan(db, world, task_form(world.parent))
    moved = editing.change_due_date(
        db, actor=world.assistant, task_id=task.id, due_on="2027-01-15", revision=1, now=NOW
    )
    first, second = plans_of(db, world.family)
    assert (first.id, first.status) == (agreed.id, PlanStatus.agreed)
    assert (second.version, second.status, second.based_on_id) == (2, PlanStatus.draft, agreed.id)
    assert moved.id != task.id and moved.lineage_id == task.lineage_id
    assert str(moved.due_on) == "2027-01-15"
    assert db.get(Task, task.id).due_on == TODAY + timedelta(days=7)  # type: ignore[union-attr]
    [copied_goal] = db.exec(select(Goal).where(Goal.plan_id == second.id)).all()
    assert (copied_goal.lineage_id, copied_goal.wording) == (goal.lineage_id, goal.wording)
    [copied] = tasks_of(db, second.id)
    assert (copied.owner_member_id, copied.expected_effect) == (
        world.parent.id,
        "Dziecko ma termin wizyty",
    )


def test_a_second_change_from_the_agreed_plans_page_goes_to_the_same_draft(db: Session):
    world = plan_world(db)
    agreed, goal, [task] = agreed_plan(db, world)
    editing.change_due_date(
        db, actor=world.assistant, task_id=task.id, due_on="2027-01-15", revision=1, now=NOW
    )
    added = editing.add_goal(
        db, actor=world.assistant, plan_id=agreed.id, form=goal_form("Nowy cel"), now=NOW
    )
    editing.edit_goal(
        db, actor=world.assistant, goal_id=goal.id, form=goal_form("Inaczej ujęty"), now=NOW
    )
    versions = plans_of(db, world.family)
    assert [plan.version for plan in versions] == [1, 2]
    assert added.plan_id == versions[1].id
    draft_goals = db.exec(select(Goal).where(Goal.plan_id == versions[1].id)).all()
    assert {g.wording for g in draft_goals} == {"Nowy cel", "Inaczej ujęty"}
    assert db.get(Goal, goal.id).wording == "Kuba chodzi do szkoły"  # type: ignore[union-attr]


def test_starting_a_new_version_copies_goals_tasks_and_their_states(db: Session):
    world = plan_world(db)
    agreed, _goal, [task] = agreed_plan(db, world)
    task.state = TaskState.done
    db.add(task)
    db.flush()
    draft = editing.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    assert (draft.version, draft.based_on_id) == (2, agreed.id)
    [copied] = tasks_of(db, draft.id)
    assert (copied.lineage_id, copied.state, copied.revision) == (
        task.lineage_id,
        TaskState.done,
        1,
    )


def test_a_superseded_version_cannot_be_changed(db: Session):
    world = plan_world(db)
    first, _goal, [task] = agreed_plan(db, world)
    second = editing.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    agree_on_paper(db, world, second)
    with pytest.raises(Conflict, match="replaced by a newer one"):
        editing.add_goal(db, actor=world.assistant, plan_id=first.id, form=goal_form(), now=NOW)
    with pytest.raises(Conflict, match="replaced by a newer one"):
        editing.change_due_date(
            db, actor=world.assistant, task_id=task.id, due_on="2027-01-01", now=NOW
        )
    assert [p.status for p in plans_of(db, world.family)] == [
        PlanStatus.superseded,
        PlanStatus.agreed,
    ]


def test_a_change_to_a_goal_removed_from_the_new_draft_is_a_conflict(db: Session):
    world = plan_world(db)
    agreed, goal, _tasks = agreed_plan(db, world)
    draft = editing.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    [copy] = db.exec(select(Goal).where(Goal.plan_id == draft.id)).all()
    editing.remove_goal(db, actor=world.assistant, goal_id=copy.id, now=NOW)
    with pytest.raises(Conflict, match="no longer in the plan"):
        editing.edit_goal(db, actor=world.assistant, goal_id=goal.id, form=goal_form(), now=NOW)
    assert agreed.status is PlanStatus.agreed


def test_consultation_and_coordination_of_an_agreed_plan_go_to_its_new_draft(db: Session):
    world = plan_world(db, foster_care=True)
    agreed, _goal, _tasks = agreed_plan(db, world)
    form = agreement.ConsultationForm("2026-11-20", "Ewa Kaczmarek", "Uwagi")
    draft = agreement.record_consultation(
        db, actor=world.assistant, plan_id=agreed.id, form=form, now=NOW
    )
    assert (draft.version, agreed.consulted_on) == (2, None)
