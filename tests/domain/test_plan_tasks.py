"""Ticking plan tasks: who may, stale ticks, replays, progress per goal, the draft in step."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from pwa import i18n
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from pwa.domain.plans import editing
from pwa.domain.plans import tasks as plan_tasks
from pwa.models import CaseStatus, Goal, Task, TaskState, User
from tests.conftest import on_postgres
from tests.support.audit import audit_actions
from tests.support.clock import NOW
from tests.support.factories.plans import (
    agree_on_paper,
    agreed_plan,
    draft_plan,
    plan_world,
    plans_of,
    staff_user,
    task_form,
)

pytestmark = pytest.mark.usefixtures("english")  # messages matched in English


def copy_in(db: Session, plan_id, task: Task) -> Task:  # type: ignore[no-untyped-def]
    """The task of the same lineage in another version."""
    return db.exec(
        select(Task)
        .join(Goal, col(Goal.id) == col(Task.goal_id))
        .where(Goal.plan_id == plan_id, Task.lineage_id == task.lineage_id)
        .execution_options(populate_existing=True)
    ).one()


def test_the_assistant_marks_a_task_done_and_gets_the_goals_progress(db: Session):
    world = plan_world(db)
    _plan, _goal, [first, second, third] = agreed_plan(
        db, world, task_form(), task_form(action="Drugie"), task_form(action="Trzecie")
    )
    plan_tasks.drop_task(db, actor=world.assistant, task_id=third.id, revision=1, reason="Zbędne")
    result = plan_tasks.mark_done(db, actor=world.assistant, task_id=first.id, revision=1, now=NOW)
    assert result.changed
    assert (result.task.state, result.task.revision) == (TaskState.done, 2)
    assert (result.task.done_at, result.task.done_by_id) == (NOW, world.assistant.id)
    assert (result.progress.done, result.progress.total) == (1, 2)  # the dropped one not counted
    assert result.progress.percent == 50
    assert second.state is TaskState.open
    assert {"task.done", "task.drop"} <= set(audit_actions(db, world.family))


def test_a_coordinator_may_tick_a_task(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = agreed_plan(db, world)
    result = plan_tasks.mark_done(db, actor=world.coordinator, task_id=task.id, revision=1, now=NOW)
    assert result.task.done_by_id == world.coordinator.id


def test_a_family_member_ticks_their_own_task(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = agreed_plan(db, world, task_form(world.parent))
    result = plan_tasks.mark_done(db, actor=world.parent_user, task_id=task.id, revision=1, now=NOW)
    assert (result.task.state, result.task.done_by_id) == (TaskState.done, world.parent_user.id)
    assert "task.done" in audit_actions(db, world.family)


def test_a_family_member_cannot_tick_a_task_of_someone_else(db: Session):
    world = plan_world(db)
    _plan, _goal, [assistants, childs] = agreed_plan(db, world, task_form(), task_form(world.child))
    for task in (assistants, childs):
        with pytest.raises(Forbidden, match="only your own tasks"):
            plan_tasks.mark_done(db, actor=world.parent_user, task_id=task.id, revision=1, now=NOW)
        assert task.state is TaskState.open


def test_only_staff_reopen_or_drop_a_task(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = agreed_plan(db, world, task_form(world.parent))
    plan_tasks.mark_done(db, actor=world.parent_user, task_id=task.id, revision=1, now=NOW)
    with pytest.raises(Forbidden):
        plan_tasks.reopen_task(db, actor=world.parent_user, task_id=task.id, revision=2)
    with pytest.raises(Forbidden):
        plan_tasks.drop_task(
            db, actor=world.parent_user, task_id=task.id, revision=2, reason="Nie chcę"
        )


def test_an_assistant_of_another_family_cannot_tick(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = agreed_plan(db, world)
    stranger = Actor(staff_user(db, world))
    with pytest.raises(NotFound):
        plan_tasks.mark_done(db, actor=stranger, task_id=task.id, revision=1, now=NOW)
    with pytest.raises(NotFound):
        plan_tasks.drop_task(db, actor=stranger, task_id=task.id, revision=1, reason="")


def test_the_assistant_reopens_a_done_task(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = agreed_plan(db, world)
    plan_tasks.mark_done(db, actor=world.assistant, task_id=task.id, revision=1, now=NOW)
    result = plan_tasks.reopen_task(db, actor=world.assistant, task_id=task.id, revision=2)
    assert (result.task.state, result.task.done_at, result.task.done_by_id) == (
        TaskState.open,
        None,
        None,
    )
    assert (result.progress.done, result.progress.total, result.task.revision) == (0, 1, 3)
    assert "task.reopen" in audit_actions(db, world.family)


def test_dropping_a_task_needs_a_reason(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = agreed_plan(db, world)
    with pytest.raises(Invalid) as refused:
        plan_tasks.drop_task(db, actor=world.assistant, task_id=task.id, revision=1, reason=" ")
    assert set(refused.value.errors) == {"reason"}
    result = plan_tasks.drop_task(
        db, actor=world.assistant, task_id=task.id, revision=1, reason=" Rodzina się wyprowadza "
    )
    assert (result.task.state, result.task.drop_reason) == (
        TaskState.dropped,
        "Rodzina się wyprowadza",
    )
    assert (result.progress.done, result.progress.total) == (0, 0)


def test_a_replayed_tick_of_a_done_task_succeeds_without_change(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = agreed_plan(db, world, task_form(world.parent))
    plan_tasks.mark_done(db, actor=world.parent_user, task_id=task.id, revision=1, now=NOW)
    replay = plan_tasks.mark_done(db, actor=world.parent_user, task_id=task.id, revision=1, now=NOW)
    assert not replay.changed
    assert (replay.task.state, replay.task.revision) == (TaskState.done, 2)
    assert (replay.progress.done, replay.progress.total) == (1, 1)
    assert audit_actions(db, world.family).count("task.done") == 1


def test_a_tick_on_a_task_edited_meanwhile_is_a_conflict(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = draft_plan(db, world)
    editing.change_due_date(
        db, actor=world.assistant, task_id=task.id, due_on="2027-01-04", now=NOW
    )
    with pytest.raises(Conflict, match="changed in the meantime"):
        plan_tasks.mark_done(db, actor=world.assistant, task_id=task.id, revision=1, now=NOW)
    assert task.state is TaskState.open


def test_a_tick_on_a_task_dropped_meanwhile_says_so(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = agreed_plan(db, world, task_form(world.parent))
    plan_tasks.drop_task(db, actor=world.assistant, task_id=task.id, revision=1, reason="Zbędne")
    with pytest.raises(Conflict, match="dropped in the meantime"):
        plan_tasks.mark_done(db, actor=world.parent_user, task_id=task.id, revision=1, now=NOW)
    with pytest.raises(Conflict, match="reopen it first"):
        plan_tasks.mark_done(db, actor=world.assistant, task_id=task.id, revision=2, now=NOW)


def test_a_tick_on_a_version_replaced_meanwhile_is_a_conflict(db: Session):
    world = plan_world(db)
    _first, _goal, [task] = agreed_plan(db, world, task_form(world.parent))
    second = editing.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    agree_on_paper(db, world, second)
    with pytest.raises(Conflict, match="replaced by a newer one"):
        plan_tasks.mark_done(db, actor=world.parent_user, task_id=task.id, revision=1, now=NOW)


def test_a_family_member_ticks_only_in_the_plan_in_force(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = draft_plan(db, world, task_form(world.parent))
    with pytest.raises(Forbidden, match="agreed"):
        plan_tasks.mark_done(db, actor=world.parent_user, task_id=task.id, revision=1, now=NOW)


def test_no_ticks_once_the_work_has_ended(db: Session):
    world = plan_world(db)
    _plan, _goal, [task] = agreed_plan(db, world)
    world.family.status = CaseStatus.closed
    db.add(world.family)
    with pytest.raises(Conflict, match="has ended"):
        plan_tasks.mark_done(db, actor=world.assistant, task_id=task.id, revision=1, now=NOW)


def test_a_tick_in_the_plan_in_force_keeps_the_new_draft_in_step(db: Session):
    world = plan_world(db)
    agreed, _goal, [ticked, dropped_in_draft] = agreed_plan(
        db, world, task_form(world.parent), task_form(action="Drugie")
    )
    draft = editing.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    on_purpose = copy_in(db, draft.id, dropped_in_draft)
    plan_tasks.drop_task(
        db, actor=world.assistant, task_id=on_purpose.id, revision=1, reason="Już niepotrzebne"
    )
    plan_tasks.mark_done(db, actor=world.parent_user, task_id=ticked.id, revision=1, now=NOW)
    plan_tasks.mark_done(
        db, actor=world.assistant, task_id=dropped_in_draft.id, revision=1, now=NOW
    )
    followed = copy_in(db, draft.id, ticked)
    assert (followed.state, followed.done_at, followed.revision) == (TaskState.done, NOW, 2)
    kept = copy_in(db, draft.id, dropped_in_draft)
    assert (kept.state, kept.drop_reason) == (TaskState.dropped, "Już niepotrzebne")
    assert copy_in(db, agreed.id, dropped_in_draft).state is TaskState.done


def test_a_phone_that_read_the_task_before_it_was_dropped_cannot_tick_it(
    engine: Engine, db: Session
):
    """The phone's session still holds the task as it was: the tick must not trust that."""
    world = plan_world(db)
    _plan, _goal, [task] = agreed_plan(db, world, task_form(world.parent))
    db.commit()
    with Session(engine, expire_on_commit=False) as phone:
        parent = phone.get(User, world.parent_user.id)
        stale = phone.get(Task, task.id)
        assert parent is not None and stale is not None and stale.state is TaskState.open
        phone.commit()
        plan_tasks.drop_task(
            db, actor=world.assistant, task_id=task.id, revision=1, reason="Zbędne"
        )
        db.commit()
        with pytest.raises(Conflict, match="dropped in the meantime"):
            plan_tasks.mark_done(phone, actor=Actor(parent), task_id=task.id, revision=1, now=NOW)
        phone.rollback()
    db.expire_all()
    assert db.get(Task, task.id).state is TaskState.dropped  # type: ignore[union-attr]


# --- what only PostgreSQL can show: row locks ---------------------------------------------


def _wait_until_blocked(engine: Engine, application_name: str) -> None:
    """Poll until the other session waits on a lock (bounded; not a timing assertion)."""
    with engine.connect() as watcher:
        for _attempt in range(3000):
            waiting = watcher.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE application_name = :name AND wait_event_type = 'Lock'"
                ),
                {"name": application_name},
            ).scalar_one()
            watcher.rollback()  # pg_stat_activity is a snapshot per transaction
            if waiting:
                return
            time.sleep(0.01)
    raise AssertionError(f"{application_name} never waited on a lock")


def _in_thread(engine: Engine, name: str, work) -> tuple[threading.Thread, list[object]]:  # type: ignore[no-untyped-def]
    outcome: list[object] = []

    def run() -> None:
        with Session(engine, expire_on_commit=False) as session:
            session.connection().execute(
                sa.text("SELECT set_config('application_name', :name, false)"), {"name": name}
            )
            try:
                outcome.append(work(session))
                session.commit()
            except Exception as error:  # handed to the test, which says what it expected
                session.rollback()
                outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.postgres_only
def test_a_tick_waits_for_a_concurrent_drop_and_is_then_refused(engine: Engine, db: Session):
    assert on_postgres(), "row locks can only be shown on PostgreSQL"
    world = plan_world(db)
    _plan, _goal, [task] = agreed_plan(db, world, task_form(world.parent))
    db.commit()
    plan_tasks.drop_task(db, actor=world.assistant, task_id=task.id, revision=1, reason="Zbędne")
    parent_id = world.parent_user.id

    def tick(session: Session) -> object:
        parent = session.get(User, parent_id)
        assert parent is not None
        with i18n.use_locale("en"):  # a new thread starts with the default locale
            return plan_tasks.mark_done(session, actor=Actor(parent), task_id=task.id, revision=1)

    thread, outcome = _in_thread(engine, "asysta-tick", tick)
    try:
        _wait_until_blocked(engine, "asysta-tick")
    finally:
        db.commit()
        thread.join()
    [error] = outcome
    assert isinstance(error, Conflict) and "dropped in the meantime" in error.message


@pytest.mark.postgres_only
def test_two_new_versions_started_at_once_make_one_draft(engine: Engine, db: Session):
    assert on_postgres(), "concurrent inserts can only be shown on PostgreSQL"
    world = plan_world(db)
    agreed_plan(db, world)
    db.commit()
    editing.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    coordinator_id = world.coordinator.id

    def start(session: Session) -> object:
        coordinator = session.get(User, coordinator_id)
        assert coordinator is not None
        return editing.start_plan(
            session, actor=Actor(coordinator), family_id=world.family.id, now=NOW
        )

    thread, outcome = _in_thread(engine, "asysta-start", start)
    try:
        _wait_until_blocked(engine, "asysta-start")
    finally:
        db.commit()
        thread.join()
    [error] = outcome
    assert isinstance(error, Conflict)
    assert [p.version for p in plans_of(db, world.family)] == [1, 2]
