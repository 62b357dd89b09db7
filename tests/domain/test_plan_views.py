"""What the pages show: the staff page, the family's page, the printable plan, the history."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlmodel import Session

from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import NotFound
from pwa.domain.kernel.policy import Access
from pwa.domain.plans import agreement, editing, views
from pwa.domain.plans import history as plan_diff
from pwa.domain.plans import tasks as plan_tasks
from pwa.models import AgreementMethod, PlanStatus, Role, Task, TaskState
from tests.support.audit import audit_actions
from tests.support.clock import NOW, TODAY
from tests.support.factories.core import make_family_user, make_member
from tests.support.factories.plans import agreed_plan, draft_plan, plan_world, staff_user, task_form

REMARKS = "Matka nadużywa alkoholu — notatka tylko dla zespołu."


pytestmark = pytest.mark.usefixtures("english")  # messages matched in English


def field_names(value: object) -> set[str]:
    """Every field name of a dataclass, and of the dataclasses inside it."""
    names: set[str] = set()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            names.add(field.name)
            names |= field_names(getattr(value, field.name))
    elif isinstance(value, list):
        for item in value:
            names |= field_names(item)
    return names


def consulted(db: Session, world, plan) -> None:  # type: ignore[no-untyped-def]
    form = agreement.ConsultationForm("2026-11-20", "Ewa Kaczmarek", REMARKS)
    agreement.record_consultation(db, actor=world.assistant, plan_id=plan.id, form=form, now=NOW)


# --- the family's page ---------------------------------------------------------------------


def test_the_family_sees_own_tasks_first_and_what_is_due_within_14_days(db: Session):
    world = plan_world(db)
    _plan, _goal, [soon, far, mine_far, mine_soon] = agreed_plan(
        db,
        world,
        task_form(due_on=TODAY + timedelta(days=3), action="Asystentka dzwoni do szkoły"),
        task_form(world.child, due_on=TODAY + timedelta(days=30), action="Kuba odrabia lekcje"),
        task_form(world.parent, due_on=TODAY + timedelta(days=15), action="Mama idzie do PUP"),
        task_form(world.parent, due_on=TODAY + timedelta(days=14), action="Mama płaci czynsz"),
    )
    view = views.family_view(db, actor=world.parent_user, today=TODAY)
    assert [t.id for t in view.tasks] == [mine_soon.id, mine_far.id, soon.id, far.id]
    assert [t.is_mine for t in view.tasks] == [True, True, False, False]
    assert [t.id for t in view.due_soon] == [soon.id, mine_soon.id]
    assert [t.may_tick for t in view.tasks] == [True, True, False, False]
    assert view.tasks[3].owner_name == world.child.full_name
    assert view.tasks[2].owner_is_assistant and view.tasks[2].owner_name == ""
    assert view.member_name == world.parent.full_name
    assert "plan.read" in audit_actions(db, world.family)


def test_overdue_open_tasks_are_due_soon_and_done_ones_are_not(db: Session):
    world = plan_world(db)
    _plan, _goal, [overdue, done] = agreed_plan(
        db, world, task_form(world.parent), task_form(world.parent, action="Drugie")
    )
    plan_tasks.mark_done(db, actor=world.parent_user, task_id=done.id, revision=1, now=NOW)
    view = views.family_view(db, actor=world.parent_user, today=TODAY + timedelta(days=20))
    assert [t.id for t in view.due_soon] == [overdue.id]
    assert [t.id for t in view.tasks] == [overdue.id, done.id]  # open ones before done ones


def test_the_family_sees_progress_and_the_version_it_agreed_to(db: Session):
    world = plan_world(db)
    plan, goal, [done, _open, dropped] = draft_plan(
        db, world, task_form(), task_form(action="Drugie"), task_form(action="Trzecie")
    )
    agreement.agree_on_phone(
        db,
        actor=world.parent_user,
        plan_id=plan.id,
        fingerprint=views.family_view(db, actor=world.parent_user).awaiting_agreement.fingerprint,  # type: ignore[union-attr]
        now=NOW,
    )
    plan_tasks.mark_done(db, actor=world.assistant, task_id=done.id, revision=1, now=NOW)
    plan_tasks.drop_task(db, actor=world.assistant, task_id=dropped.id, revision=1, reason="Zbędne")
    view = views.family_view(db, actor=world.parent_user, today=TODAY)
    assert view.in_force is not None and view.awaiting_agreement is None
    assert (view.in_force.version, view.in_force.status) == (1, PlanStatus.agreed)
    assert (view.in_force.agreed_at, view.in_force.agreement_method) == (NOW, AgreementMethod.phone)
    assert view.in_force.agreed_by_name == world.parent.full_name
    [shown] = view.in_force.goals
    assert (shown.id, shown.wording) == (goal.id, "Kuba chodzi do szkoły")
    assert (shown.progress.done, shown.progress.total) == (1, 2)


def test_the_family_sees_a_new_version_to_agree_to_next_to_the_one_in_force(db: Session):
    world = plan_world(db)
    agreed, _goal, [task] = agreed_plan(db, world)
    editing.change_due_date(
        db, actor=world.assistant, task_id=task.id, due_on="2027-01-11", now=NOW
    )
    view = views.family_view(db, actor=world.parent_user, today=TODAY)
    assert view.in_force is not None and view.in_force.id == agreed.id
    assert view.awaiting_agreement is not None and view.awaiting_agreement.version == 2
    assert view.may_agree
    assert not any(t.may_tick for g in view.awaiting_agreement.goals for t in g.tasks)
    agreed_now = agreement.agree_on_phone(
        db,
        actor=world.parent_user,
        plan_id=view.awaiting_agreement.id,
        fingerprint=view.awaiting_agreement.fingerprint,
        now=NOW,
    )
    assert agreed_now.version == 2


def test_an_empty_draft_is_not_offered_for_agreement_and_a_child_may_not_agree(db: Session):
    world = plan_world(db)
    editing.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    child = world.member_user(db, world.child)
    view = views.family_view(db, actor=child, today=TODAY)
    assert (view.in_force, view.awaiting_agreement, view.tasks, view.may_agree) == (
        None,
        None,
        [],
        False,
    )


def test_the_familys_page_never_carries_the_consultation_remarks(db: Session):
    world = plan_world(db, foster_care=True)
    plan, _goal, _tasks = draft_plan(db, world)
    consulted(db, world, plan)
    view = views.family_view(db, actor=world.parent_user, today=TODAY)
    assert view.awaiting_agreement is not None
    assert not {"consultation_remarks", "plan", "remarks"} & field_names(view)
    assert REMARKS not in repr(view)


def test_staff_have_no_family_page(db: Session):
    world = plan_world(db)
    with pytest.raises(NotFound):
        views.family_view(db, actor=world.assistant, today=TODAY)


# --- the printable plan --------------------------------------------------------------------


def test_the_printable_plan_has_everything_a_printout_needs(db: Session):
    world = plan_world(db, foster_care=True)
    plan, _goal, [task] = draft_plan(db, world, task_form(world.parent))
    consulted(db, world, plan)
    agreement.record_paper_agreement(
        db,
        actor=world.assistant,
        plan_id=plan.id,
        form=agreement.PaperAgreementForm("2026-11-23", str(world.parent.id)),
        now=NOW,
    )
    printout = views.printable_plan(db, actor=world.assistant, plan_id=plan.id)
    assert printout.centre.id == world.centre.id
    assert (printout.family_name, printout.case_number) == (
        world.family.name,
        world.family.case_number,
    )
    assert [m.id for m in printout.members] == [world.parent.id, world.child.id]
    assert printout.assistant_name == world.assistant.user.full_name
    assert (printout.consulted_on, printout.consulted_with) == (
        TODAY - timedelta(days=3),
        "Ewa Kaczmarek",
    )
    [goal] = printout.version.goals
    [printed] = goal.tasks
    assert (printed.action, printed.owner_name, printed.due_on, printed.expected_effect) == (
        task.action,
        world.parent.full_name,
        task.due_on,
        task.expected_effect,
    )
    assert (printout.version.agreement_method, printout.version.agreed_by_name) == (
        AgreementMethod.paper,
        world.parent.full_name,
    )
    assert printout.recorded_by_name == world.assistant.user.full_name
    assert printout.signatories == [world.parent.full_name]
    assert REMARKS not in repr(printout)
    assert "plan.print" in audit_actions(db, world.family)


def test_the_family_may_print_its_own_plan_but_not_another_familys(db: Session):
    world = plan_world(db)
    other = plan_world(db)
    plan, _goal, _tasks = agreed_plan(db, world)
    assert views.printable_plan(db, actor=world.parent_user, plan_id=plan.id).version.id == (
        plan.id
    )
    with pytest.raises(NotFound):
        views.printable_plan(db, actor=other.parent_user, plan_id=plan.id)


# --- history and comparison ---------------------------------------------------------------


def test_the_history_lists_every_version_with_who_agreed_and_when(db: Session):
    world = plan_world(db)
    first, _goal, [task] = agreed_plan(db, world)
    editing.change_due_date(
        db, actor=world.coordinator, task_id=task.id, due_on="2027-01-11", now=NOW
    )
    later = NOW + timedelta(days=1)
    second = views.current_draft(db, family_id=world.family.id)
    assert second is not None
    fingerprint = views.family_view(db, actor=world.parent_user).awaiting_agreement.fingerprint  # type: ignore[union-attr]
    agreement.agree_on_phone(
        db, actor=world.parent_user, plan_id=second.id, fingerprint=fingerprint, now=later
    )
    newest, oldest = plan_diff.history(db, actor=world.parent_user, family_id=world.family.id)
    assert (newest.version, newest.status, newest.agreement_method) == (
        2,
        PlanStatus.agreed,
        AgreementMethod.phone,
    )
    assert (newest.agreed_at, newest.agreed_by_name, newest.recorded_by_name) == (
        later,
        world.parent.full_name,
        "",
    )
    assert newest.created_by_name == world.coordinator.user.full_name
    assert (oldest.id, oldest.status, oldest.agreement_method) == (
        first.id,
        PlanStatus.superseded,
        AgreementMethod.paper,
    )
    assert oldest.recorded_by_name == world.assistant.user.full_name
    assert "plan.history" in audit_actions(db, world.family)


def test_two_versions_are_compared_by_lineage(db: Session):
    world = plan_world(db)
    first, goal, [moved, removed] = agreed_plan(db, world, task_form(), task_form(action="Usuń"))
    editing.change_due_date(
        db, actor=world.assistant, task_id=moved.id, due_on="2027-01-11", now=NOW
    )
    editing.remove_task(db, actor=world.assistant, task_id=removed.id, now=NOW)
    added = editing.add_task(
        db, actor=world.assistant, goal_id=goal.id, form=task_form(world.parent), now=NOW
    )
    second = views.current_draft(db, family_id=world.family.id)
    assert second is not None
    comparison = plan_diff.compare(db, actor=world.assistant, plan_id=second.id, other_id=first.id)
    assert (comparison.older.version, comparison.newer.version) == (1, 2)
    diff = comparison.diff
    assert [t.id for t in diff.tasks_added] == [added.id]
    assert [t.id for t in diff.tasks_removed] == [removed.id]
    assert [(c.before.id, c.fields) for c in diff.tasks_changed] == [(moved.id, ("due_on",))]
    assert diff.goals_added == diff.goals_removed == diff.goals_changed == []
    assert "plan.compare" in audit_actions(db, world.family)


def test_versions_of_another_family_cannot_be_compared(db: Session):
    world = plan_world(db)
    mine, _goal, _tasks = agreed_plan(db, world)
    other = plan_world(db)
    theirs, _goal, _tasks = agreed_plan(db, other)
    with pytest.raises(NotFound):
        plan_diff.compare(db, actor=world.assistant, plan_id=mine.id, other_id=theirs.id)
    stranger = make_family_user(db, other.family, make_member(db, other.family))
    with pytest.raises(NotFound):
        plan_diff.history(db, actor=Actor(stranger), family_id=world.family.id)


@pytest.mark.parametrize("role", [Role.assistant, Role.coordinator])
def test_staff_of_the_family_see_the_plan_in_force_and_the_draft(db: Session, role: Role):
    world = plan_world(db)
    agreed, _goal, _tasks = agreed_plan(db, world)
    draft = editing.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    actor = world.assistant if role is Role.assistant else world.coordinator
    view = views.staff_plan(db, actor=actor, family_id=world.family.id)
    assert view.in_force is not None and view.in_force.plan.id == agreed.id
    assert view.draft is not None and view.draft.plan.id == draft.id
    assert [m.id for m in view.members] == [world.parent.id, world.child.id]
    assert "plan.read" in audit_actions(db, world.family)


def test_the_staff_page_is_not_for_the_family_or_other_assistants(db: Session):
    world = plan_world(db)
    agreed, _goal, _tasks = agreed_plan(db, world)
    stranger = Actor(staff_user(db, world))
    for actor in (world.parent_user, stranger):
        with pytest.raises(NotFound):
            views.staff_plan(db, actor=actor, family_id=world.family.id)
        with pytest.raises(NotFound):
            views.get_plan(db, actor=actor, plan_id=agreed.id, need=Access.full)


def test_done_tasks_count_toward_progress_and_dropped_ones_do_not():
    tasks = [
        Task(action="a", due_on=TODAY, state=TaskState.done, goal_id=None),  # type: ignore[arg-type]
        Task(action="b", due_on=TODAY, state=TaskState.open, goal_id=None),  # type: ignore[arg-type]
        Task(action="c", due_on=TODAY, state=TaskState.dropped, goal_id=None),  # type: ignore[arg-type]
    ]
    progress = views.progress_of(tasks)
    assert (progress.done, progress.total, progress.percent) == (1, 2, 50)
    assert views.progress_of([]).percent == 0
