"""The work plan, read: the staff page, the family's page and the printable plan.

The family's page and the printout are built from dataclasses of their own, not from the
Plan row, so that nothing staff-only (the consultation remarks) can ever reach them.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from pwa.domain.cases import caseload
from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import NotFound
from pwa.domain.kernel.policy import Access
from pwa.i18n import local_today
from pwa.models import (
    AgreementMethod,
    Centre,
    Family,
    FamilyMember,
    Goal,
    GoalArea,
    Plan,
    PlanStatus,
    Relation,
    Task,
    TaskState,
    User,
)

DUE_SOON = timedelta(days=14)


# --- progress and contents --------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Tasks done out of those that count (dropped tasks do not count)."""

    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress_of(tasks: Iterable[Task]) -> Progress:
    counted = [task for task in tasks if task.state is not TaskState.dropped]
    return Progress(sum(task.state is TaskState.done for task in counted), len(counted))


@dataclass(frozen=True)
class PlanContents:
    """One plan version with its goals (in order), their tasks and progress."""

    plan: Plan
    goals: list[Goal]
    tasks_by_goal: dict[uuid.UUID, list[Task]]

    @property
    def tasks(self) -> list[Task]:
        return [task for goal in self.goals for task in self.tasks_by_goal[goal.id]]

    def progress(self, goal_id: uuid.UUID) -> Progress:
        return progress_of(self.tasks_by_goal.get(goal_id, []))


def contents(db: Session, *, plan: Plan) -> PlanContents:
    """The goals and tasks of `plan`, fresh from the database (two queries)."""
    goals = db.exec(
        select(Goal)
        .where(Goal.plan_id == plan.id)
        .order_by(col(Goal.position), col(Goal.id))
        .execution_options(populate_existing=True)
    ).all()
    tasks = db.exec(
        select(Task)
        .where(col(Task.goal_id).in_([goal.id for goal in goals]))
        .order_by(col(Task.position), col(Task.id))
        .execution_options(populate_existing=True)
    ).all()
    by_goal: dict[uuid.UUID, list[Task]] = {goal.id: [] for goal in goals}
    for task in tasks:
        by_goal[task.goal_id].append(task)
    return PlanContents(plan=plan, goals=list(goals), tasks_by_goal=by_goal)


def fingerprint(goals: Sequence[Goal], tasks: Sequence[Task]) -> str:
    """A digest of what a version says (not of its progress): agreeing needs a fresh one."""
    said = [
        [str(goal.lineage_id), goal.area.value, goal.wording, goal.position]
        + [
            [
                str(task.lineage_id),
                task.action,
                str(task.owner_member_id or ""),
                task.owner_is_assistant,
                task.due_on.isoformat(),
                task.expected_effect,
                task.position,
            ]
            for task in tasks
            if task.goal_id == goal.id
        ]
        for goal in goals
    ]
    return hashlib.sha256(json.dumps(said, ensure_ascii=False).encode()).hexdigest()[:16]


def get_plan(
    db: Session, *, actor: Actor, plan_id: uuid.UUID, need: Access = Access.full
) -> tuple[Plan, Family]:
    """A plan version and its family, if `actor` may see them at the level `need`."""
    plan = db.get(Plan, plan_id)
    if plan is None:
        raise NotFound
    return plan, policy.get_family(db, actor=actor, family_id=plan.family_id, need=need)


def tasks_in_force(*where: Any) -> SelectOfScalar[Task]:
    """A query of the tasks of plans in force, narrowed by `where` (on Task or Plan)."""
    return (
        select(Task)
        .join(Goal, col(Goal.id) == col(Task.goal_id))
        .join(Plan, col(Plan.id) == col(Goal.plan_id))
        .where(Plan.status == PlanStatus.agreed, *where)
    )


def plan_in_force(db: Session, *, family_id: uuid.UUID) -> Plan | None:
    """The agreed version (at most one per family)."""
    return db.exec(
        select(Plan).where(Plan.family_id == family_id, Plan.status == PlanStatus.agreed)
    ).first()


def current_draft(db: Session, *, family_id: uuid.UUID) -> Plan | None:
    """The version being prepared (at most one per family: always the newest)."""
    return db.exec(
        select(Plan).where(Plan.family_id == family_id, Plan.status == PlanStatus.draft)
    ).first()


def members_of(db: Session, *, family_id: uuid.UUID) -> list[FamilyMember]:
    """Everyone of the family, adults first, then by name."""
    members = db.exec(select(FamilyMember).where(FamilyMember.family_id == family_id)).all()
    return sorted(members, key=lambda m: (m.relation is Relation.child, m.last_name, m.first_name))


# --- the staff page ----------------------------------------------------------------------


@dataclass(frozen=True)
class StaffPlanView:
    """What the assistant and the coordinator see: the version in force and the draft."""

    family: Family
    members: list[FamilyMember]
    in_force: PlanContents | None
    draft: PlanContents | None


def staff_plan(db: Session, *, actor: Actor, family_id: uuid.UUID) -> StaffPlanView:
    """The family's plan for its assistant or a coordinator (audited as a read)."""
    family = policy.get_family(db, actor=actor, family_id=family_id, need=Access.full)
    in_force = plan_in_force(db, family_id=family.id)
    draft = current_draft(db, family_id=family.id)
    audit.record(db, actor=actor, action="plan.read", family_id=family.id, obj=in_force or draft)
    return StaffPlanView(
        family=family,
        members=members_of(db, family_id=family.id),
        in_force=contents(db, plan=in_force) if in_force else None,
        draft=contents(db, plan=draft) if draft else None,
    )


# --- what is shared with the family: its page and the printout ---------------------------


@dataclass(frozen=True)
class SharedTask:
    """A task as the family sees it (and as it is printed)."""

    id: uuid.UUID
    revision: int
    goal_wording: str
    action: str
    owner_name: str  # "" when the assistant owns it
    owner_is_assistant: bool
    is_mine: bool
    due_on: date
    expected_effect: str
    state: TaskState
    drop_reason: str
    may_tick: bool


@dataclass(frozen=True)
class SharedGoal:
    id: uuid.UUID
    area: GoalArea
    wording: str
    progress: Progress
    tasks: list[SharedTask]


@dataclass(frozen=True)
class SharedVersion:
    """One version as the family sees it; `fingerprint` goes back with their agreement."""

    id: uuid.UUID
    version: int
    status: PlanStatus
    goals: list[SharedGoal]
    agreed_at: datetime | None
    agreement_method: AgreementMethod | None
    agreed_by_name: str
    fingerprint: str


def shared_version(
    db: Session, *, plan: Plan, members: dict[uuid.UUID, FamilyMember], me: FamilyMember | None
) -> SharedVersion:
    """`plan` without its staff-only fields; `me` may tick own open tasks of the plan in force."""
    found = contents(db, plan=plan)
    in_force = plan.status is PlanStatus.agreed
    goals = []
    for goal in found.goals:
        tasks = []
        for task in found.tasks_by_goal[goal.id]:
            mine = me is not None and task.owner_member_id == me.id
            member = members.get(task.owner_member_id) if task.owner_member_id else None
            tasks.append(
                SharedTask(
                    id=task.id,
                    revision=task.revision,
                    goal_wording=goal.wording,
                    action=task.action,
                    owner_name=member.full_name if member else "",
                    owner_is_assistant=task.owner_is_assistant,
                    is_mine=mine,
                    due_on=task.due_on,
                    expected_effect=task.expected_effect,
                    state=task.state,
                    drop_reason=task.drop_reason,
                    may_tick=in_force and mine and task.state is TaskState.open,
                )
            )
        goals.append(SharedGoal(goal.id, goal.area, goal.wording, found.progress(goal.id), tasks))
    agreed_by = members.get(plan.agreed_by_member_id) if plan.agreed_by_member_id else None
    return SharedVersion(
        id=plan.id,
        version=plan.version,
        status=plan.status,
        goals=goals,
        agreed_at=plan.agreed_at,
        agreement_method=plan.agreement_method,
        agreed_by_name=agreed_by.full_name if agreed_by else "",
        fingerprint=fingerprint(found.goals, found.tasks),
    )


@dataclass(frozen=True)
class FamilyPlanView:
    """The family's page: own tasks first, what is due soon, progress, the agreed version."""

    family_name: str
    member_name: str
    in_force: SharedVersion | None
    tasks: list[SharedTask]  # of the plan in force, the signed-in member's own first
    due_soon: list[SharedTask]  # open tasks due within 14 days (or overdue)
    awaiting_agreement: SharedVersion | None  # a draft with goals, for the family to agree to
    may_agree: bool  # the signed-in member is an adult


def family_view(db: Session, *, actor: Actor, today: date | None = None) -> FamilyPlanView:
    """The plan page of a signed-in family member (audited as a read)."""
    today = today or local_today()
    if actor.user.family_id is None:
        raise NotFound
    family = policy.get_family(db, actor=actor, family_id=actor.user.family_id, need=Access.shared)
    members = {member.id: member for member in members_of(db, family_id=family.id)}
    me = members.get(actor.user.family_member_id) if actor.user.family_member_id else None
    in_force = plan_in_force(db, family_id=family.id)
    draft = current_draft(db, family_id=family.id)
    shown = shared_version(db, plan=in_force, members=members, me=me) if in_force else None
    proposed = shared_version(db, plan=draft, members=members, me=me) if draft else None
    tasks = [task for goal in (shown.goals if shown else []) for task in goal.tasks]
    tasks.sort(key=lambda task: (not task.is_mine, task.state is not TaskState.open, task.due_on))
    due_soon = sorted(
        (t for t in tasks if t.state is TaskState.open and t.due_on <= today + DUE_SOON),
        key=lambda task: (task.due_on, not task.is_mine),
    )
    audit.record(db, actor=actor, action="plan.read", family_id=family.id, obj=in_force or draft)
    return FamilyPlanView(
        family_name=family.name,
        member_name=me.full_name if me else actor.user.full_name,
        in_force=shown,
        tasks=tasks,
        due_soon=due_soon,
        awaiting_agreement=proposed if proposed and proposed.goals else None,
        may_agree=me is not None and me.relation is not Relation.child,
    )


@dataclass(frozen=True)
class PrintablePlan:
    """Everything a printed plan shows (never the consultation remarks)."""

    centre: Centre
    family_name: str
    case_number: str
    address: str
    members: list[FamilyMember]  # adults first
    assistant_name: str
    version: SharedVersion  # goals, tasks, deadlines, expected effects, who agreed
    created_at: datetime
    consulted_on: date | None
    consulted_with: str
    foster_coordination_with: str
    foster_coordination_reference: str
    foster_coordination_on: date | None
    recorded_by_name: str  # who recorded a paper agreement
    signatories: list[str]  # adults in the household: signature lines for a paper copy


def printable_plan(db: Session, *, actor: Actor, plan_id: uuid.UUID) -> PrintablePlan:
    """A plan version ready to print (for staff, and for the family's own plan)."""
    plan, family = get_plan(db, actor=actor, plan_id=plan_id, need=Access.shared)
    centre = db.get(Centre, family.centre_id)
    if centre is None:  # pragma: no cover - a family always belongs to a centre
        raise NotFound
    everyone = members_of(db, family_id=family.id)
    assistant = caseload.current_assistant(db, family_id=family.id)
    recorder = db.get(User, plan.recorded_by_id) if plan.recorded_by_id else None
    audit.record(db, actor=actor, action="plan.print", family_id=family.id, obj=plan)
    return PrintablePlan(
        centre=centre,
        family_name=family.name,
        case_number=family.case_number,
        address=family.address,
        members=everyone,
        assistant_name=assistant.full_name if assistant else "",
        version=shared_version(db, plan=plan, members={m.id: m for m in everyone}, me=None),
        created_at=plan.created_at,
        consulted_on=plan.consulted_on,
        consulted_with=plan.consulted_with,
        foster_coordination_with=plan.foster_coordination_with,
        foster_coordination_reference=plan.foster_coordination_reference,
        foster_coordination_on=plan.foster_coordination_on,
        recorded_by_name=recorder.full_name if recorder else "",
        signatories=[
            m.full_name for m in everyone if m.relation is not Relation.child and m.in_household
        ],
    )
