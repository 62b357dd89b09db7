"""The versions of a family's plan: their history, and what changed between two of them.

Goals and tasks are matched across versions by their lineage id (kept when a version is
copied), so a reworded goal is "changed", not "removed and added".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlmodel import Session, col, select

from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import NotFound
from pwa.domain.kernel.policy import Access
from pwa.domain.plans import views
from pwa.models import AgreementMethod, FamilyMember, Goal, Plan, PlanStatus, Task, User

Row = TypeVar("Row", Goal, Task)

# The fields a reader compares, in the order a page lists them.
GOAL_FIELDS: dict[str, Callable[[Goal], Any]] = {
    "area": lambda goal: goal.area,
    "wording": lambda goal: goal.wording,
}
TASK_FIELDS: dict[str, Callable[[Task], Any]] = {
    "action": lambda task: task.action,
    "owner": lambda task: (task.owner_member_id, task.owner_is_assistant),
    "due_on": lambda task: task.due_on,
    "expected_effect": lambda task: task.expected_effect,
    "state": lambda task: (task.state, task.drop_reason),
}


@dataclass(frozen=True)
class Changed(Generic[Row]):
    """The same goal or task in two versions, and which of its fields differ."""

    before: Row
    after: Row
    fields: tuple[str, ...]


@dataclass(frozen=True)
class PlanDiff:
    """Goals and tasks added, removed and changed from an older version to a newer one."""

    goals_added: list[Goal]
    goals_removed: list[Goal]
    goals_changed: list[Changed[Goal]]
    tasks_added: list[Task]
    tasks_removed: list[Task]
    tasks_changed: list[Changed[Task]]

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.goals_added,
                self.goals_removed,
                self.goals_changed,
                self.tasks_added,
                self.tasks_removed,
                self.tasks_changed,
            )
        )


def _match(
    older: Sequence[Row], newer: Sequence[Row], fields: dict[str, Callable[[Row], Any]]
) -> tuple[list[Row], list[Row], list[Changed[Row]]]:
    before = {row.lineage_id: row for row in older}
    after = {row.lineage_id: row for row in newer}
    added = [row for row in newer if row.lineage_id not in before]
    removed = [row for row in older if row.lineage_id not in after]
    changed = []
    for row in newer:
        old = before.get(row.lineage_id)
        if old is not None:
            differ = tuple(name for name, value in fields.items() if value(old) != value(row))
            if differ:
                changed.append(Changed(old, row, differ))
    return added, removed, changed


def diff_versions(
    older_goals: Sequence[Goal],
    older_tasks: Sequence[Task],
    newer_goals: Sequence[Goal],
    newer_tasks: Sequence[Task],
) -> PlanDiff:
    """What changed from the older version to the newer one (pure: no database)."""
    goals_added, goals_removed, goals_changed = _match(older_goals, newer_goals, GOAL_FIELDS)
    tasks_added, tasks_removed, tasks_changed = _match(older_tasks, newer_tasks, TASK_FIELDS)
    return PlanDiff(
        goals_added, goals_removed, goals_changed, tasks_added, tasks_removed, tasks_changed
    )


# --- the history of versions -------------------------------------------------------------


@dataclass(frozen=True)
class VersionSummary:
    """One line of the history: which version, its state, who made and who agreed to it."""

    id: uuid.UUID
    version: int
    status: PlanStatus
    created_at: datetime
    created_by_name: str
    consulted_on: date | None
    agreed_at: datetime | None
    agreement_method: AgreementMethod | None
    agreed_by_name: str  # the family member who agreed
    recorded_by_name: str  # the staff member who recorded a paper agreement


def _summaries(db: Session, plans: Sequence[Plan]) -> list[VersionSummary]:
    user_ids = {p.created_by_id for p in plans} | {p.recorded_by_id for p in plans}
    member_ids = {p.agreed_by_member_id for p in plans}
    users = db.exec(select(User).where(col(User.id).in_(user_ids - {None}))).all()
    members = db.exec(
        select(FamilyMember).where(col(FamilyMember.id).in_(member_ids - {None}))
    ).all()
    names = {user.id: user.full_name for user in users}
    names.update({member.id: member.full_name for member in members})
    return [
        VersionSummary(
            id=plan.id,
            version=plan.version,
            status=plan.status,
            created_at=plan.created_at,
            created_by_name=names.get(plan.created_by_id, "") if plan.created_by_id else "",
            consulted_on=plan.consulted_on,
            agreed_at=plan.agreed_at,
            agreement_method=plan.agreement_method,
            agreed_by_name=names.get(plan.agreed_by_member_id, "")
            if plan.agreed_by_member_id
            else "",
            recorded_by_name=names.get(plan.recorded_by_id, "") if plan.recorded_by_id else "",
        )
        for plan in plans
    ]


def history(db: Session, *, actor: Actor, family_id: uuid.UUID) -> list[VersionSummary]:
    """Every version of the family's plan, newest first (staff and the family itself)."""
    family = policy.get_family(db, actor=actor, family_id=family_id, need=Access.shared)
    plans = db.exec(
        select(Plan).where(Plan.family_id == family.id).order_by(col(Plan.version).desc())
    ).all()
    audit.record(db, actor=actor, action="plan.history", family_id=family.id, obj=family)
    return _summaries(db, plans)


@dataclass(frozen=True)
class VersionComparison:
    older: VersionSummary
    newer: VersionSummary
    diff: PlanDiff


def compare(
    db: Session, *, actor: Actor, plan_id: uuid.UUID, other_id: uuid.UUID
) -> VersionComparison:
    """What changed between two versions of the same family's plan (in either order)."""
    one, family = views.get_plan(db, actor=actor, plan_id=plan_id, need=Access.shared)
    other = db.get(Plan, other_id)
    if other is None or other.family_id != family.id:
        raise NotFound
    older, newer = sorted((one, other), key=lambda plan: plan.version)
    before = views.contents(db, plan=older)
    after = views.contents(db, plan=newer)
    audit.record(
        db,
        actor=actor,
        action="plan.compare",
        family_id=family.id,
        obj=newer,
        older_version=older.version,
    )
    summary_old, summary_new = _summaries(db, [older, newer])
    return VersionComparison(
        older=summary_old,
        newer=summary_new,
        diff=diff_versions(before.goals, before.tasks, after.goals, after.tasks),
    )
