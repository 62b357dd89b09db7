"""Ticking plan tasks: done, reopened, dropped; each answer carries its goal's progress.

The caller sends the task's `revision` it saw. A task changed meanwhile (dropped, edited,
its plan replaced) is refused with a Conflict instead of being overwritten, and the write
itself is a compare-and-set on the revision, so a change that lands between our read and
our write is refused too. Asking for the state a task is already in is a success that
changes nothing: that is how a tick replayed by the phone's offline outbox is answered.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Forbidden
from pwa.domain.kernel.forms import FormErrors
from pwa.domain.kernel.policy import Access
from pwa.domain.plans.editing import (
    ENDED_STATES,
    TEXT_LIMIT,
    changed_meanwhile,
    ended,
    load_task,
    lock_plan,
    replaced,
)
from pwa.domain.plans.views import Progress, current_draft, progress_of
from pwa.i18n import gettext as _
from pwa.models import Goal, PlanStatus, Task, TaskState, utcnow

ACTIONS = {
    TaskState.done: "task.done",
    TaskState.open: "task.reopen",
    TaskState.dropped: "task.drop",
}


@dataclass(frozen=True)
class TaskResult:
    """A task after a tick, with its goal's progress so the page can update."""

    task: Task
    progress: Progress
    changed: bool  # False when the task already was as asked (a replayed tick)


def mark_done(
    db: Session, *, actor: Actor, task_id: uuid.UUID, revision: int, now: datetime | None = None
) -> TaskResult:
    """Staff, or the family member who owns the task, mark it done."""
    return change_state(
        db, actor, task_id, revision, TaskState.done, done_at=now or utcnow(), by=actor.id
    )


def reopen_task(db: Session, *, actor: Actor, task_id: uuid.UUID, revision: int) -> TaskResult:
    """Staff reopen a done or dropped task."""
    return change_state(db, actor, task_id, revision, TaskState.open)


def drop_task(
    db: Session, *, actor: Actor, task_id: uuid.UUID, revision: int, reason: str
) -> TaskResult:
    """Staff drop a task, with a reason."""
    errors = FormErrors()
    reason = errors.text(
        "reason", reason, limit=TEXT_LIMIT, missing=_("Give the reason for dropping the task.")
    )
    load_task(db, actor, task_id, need=Access.shared)  # who may not see it learns nothing
    errors.raise_any()
    return change_state(db, actor, task_id, revision, TaskState.dropped, reason=reason)


def change_state(
    db: Session,
    actor: Actor,
    task_id: uuid.UUID,
    revision: int,
    state: TaskState,
    *,
    done_at: datetime | None = None,
    by: uuid.UUID | None = None,
    reason: str = "",
) -> TaskResult:
    """The one way a task's state changes (the plan page and a visit's ticks alike)."""
    task, goal, plan, family = load_task(db, actor, task_id, need=Access.shared)
    staff = policy.family_access(db, actor=actor, family=family) is Access.full
    if not staff and state is not TaskState.done:
        raise Forbidden(_("Only the assistant can reopen or drop a task."))
    if not staff and task.owner_member_id != actor.user.family_member_id:
        raise Forbidden(_("You can mark only your own tasks as done."))
    db.refresh(task)
    if task.state is state:
        return TaskResult(task, _progress(db, goal), changed=False)
    if family.status in ENDED_STATES:
        raise ended()
    locked = lock_plan(db, plan.id)
    if locked.status is PlanStatus.superseded:
        raise replaced()
    if not staff and locked.status is not PlanStatus.agreed:
        raise Forbidden(_("Tasks can be marked as done once the family has agreed to the plan."))
    db.refresh(task)
    if task.revision != revision:
        if task.state is TaskState.dropped:
            raise Conflict(_("This task was dropped in the meantime. Reload the page."))
        raise changed_meanwhile()
    if task.state is TaskState.dropped and state is TaskState.done:
        raise Conflict(_("A dropped task cannot be marked as done: reopen it first."))
    before = task.state
    values = {"state": state, "done_at": done_at, "done_by_id": by, "drop_reason": reason}
    if not _swap(db, col(Task.id) == task.id, col(Task.revision) == revision, values=values):
        raise changed_meanwhile()  # changed between our read and our write
    draft = current_draft(db, family_id=family.id) if locked.status is PlanStatus.agreed else None
    if draft is not None:  # the draft made from the plan in force keeps in step with it
        _swap(
            db,
            col(Task.lineage_id) == task.lineage_id,
            col(Task.goal_id).in_(select(Goal.id).where(Goal.plan_id == draft.id)),
            col(Task.state) == before,  # unless the draft changed the state on purpose
            values=values,
        )
    db.refresh(task)
    audit.record(
        db,
        actor=actor,
        action=ACTIONS[state],
        family_id=family.id,
        obj=task,
        revision=task.revision,
    )
    return TaskResult(task, _progress(db, goal), changed=True)


def _swap(db: Session, *where: sa.ColumnElement[bool], values: Mapping[str, object]) -> int:
    """Update the tasks matching `where` (a compare-and-set); how many were updated."""
    update = (
        sa.update(Task)
        .where(*where)
        .values(revision=col(Task.revision) + 1, **values)
        .execution_options(synchronize_session=False)
    )
    result: sa.CursorResult = db.execute(update)  # type: ignore[assignment]
    return int(result.rowcount)


def _progress(db: Session, goal: Goal) -> Progress:
    tasks = db.exec(
        select(Task).where(Task.goal_id == goal.id).execution_options(populate_existing=True)
    ).all()
    return progress_of(tasks)
