"""The work plan, changed: versions, and goals and tasks one small edit at a time.

A plan starts as a draft; the family agrees to a version, which is then in force. Changing
an agreed plan makes a new draft (goals and tasks copied with their lineage ids); the agreed
version stays in force until the draft is agreed, and then becomes superseded. There is at
most one draft per family and it is always the newest version, so the unique (family,
version) pair stops two drafts from being made at once.

Row locks (PostgreSQL): a change of a draft locks the draft; a tick locks its task's plan;
making a draft locks the agreed version it copies; an agreement locks the draft, then the
version it supersedes. Nothing locks an agreed version and then a draft: no deadlock.

Consultation and agreement are in plan_agreement, ticking tasks in plan_tasks, what pages
show in plan_views, the history and the differences between versions in plan_diff.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from pwa.domain.cases import consents, intake_rules
from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, NotFound
from pwa.domain.kernel.forms import FormErrors, parse_uuid
from pwa.domain.kernel.policy import Access
from pwa.domain.plans.views import contents, current_draft, get_plan, plan_in_force
from pwa.i18n import gettext as _
from pwa.i18n import local_today
from pwa.models import (
    CaseStatus,
    Family,
    FamilyMember,
    Goal,
    GoalArea,
    GoalProgress,
    Plan,
    PlanStatus,
    Task,
    utcnow,
)

ASSISTANT = "assistant"  # TaskForm.owner for the assistant's own tasks
TEXT_LIMIT = 500  # Goal.wording, Task.action, Task.expected_effect, Task.drop_reason
ENDED_STATES = (CaseStatus.ended, CaseStatus.closed)


@dataclass(frozen=True)
class GoalForm:
    area: str = ""  # a GoalArea value
    wording: str = ""


@dataclass(frozen=True)
class TaskForm:
    action: str = ""
    owner: str = ""  # "assistant" or a family member's id
    due_on: str = ""  # yyyy-mm-dd
    expected_effect: str = ""


# --- validation (shared by the plan modules) ---------------------------------------------


def family_member(db: Session, family_id: uuid.UUID, member_id: str) -> FamilyMember | None:
    """The member of `family_id` whose id the form sent, if any."""
    chosen = parse_uuid(member_id)
    member = db.get(FamilyMember, chosen) if chosen is not None else None
    return member if member is not None and member.family_id == family_id else None


def _goal_values(form: GoalForm) -> dict[str, object]:
    errors = FormErrors()
    area = form.area.strip()
    if area not in {choice.value for choice in GoalArea}:
        errors["area"] = _("Choose the area of the family's life this goal is about.")
    wording = errors.text(
        "wording", form.wording, limit=TEXT_LIMIT,
        missing=_("Write the goal in words the family understands."),
    )  # fmt: skip
    errors.raise_any()
    return {"area": GoalArea(area), "wording": wording}


def _task_values(
    db: Session, form: TaskForm, *, family_id: uuid.UUID, today: date, existing: Task | None
) -> dict[str, object]:
    errors = FormErrors()
    values: dict[str, object] = {
        "action": errors.text(
            "action", form.action, limit=TEXT_LIMIT, missing=_("Describe what is to be done.")
        ),
        "expected_effect": errors.text(
            "expected_effect",
            form.expected_effect,
            limit=TEXT_LIMIT,
            missing=_("Describe the expected effect: what will be different when this is done."),
        ),
        "due_on": _due_on(errors, form.due_on, today=today, new=existing is None),
        "owner_is_assistant": form.owner.strip() == ASSISTANT,
        "owner_member_id": None,
    }
    if not values["owner_is_assistant"]:
        member = family_member(db, family_id, form.owner)
        # Someone who has left the household keeps the tasks they had, but gets no new ones.
        kept = existing is not None and member is not None and existing.owner_member_id == member.id
        if member is None or not (member.in_household or kept):
            errors["owner"] = _("Choose who does this: a member of the family or the assistant.")
        else:
            values["owner_member_id"] = member.id
    errors.raise_any()
    return values


def _due_on(errors: FormErrors, value: str, *, today: date, new: bool) -> date | None:
    due_on = errors.day("due_on", value, missing=_("Enter the due date."))
    if due_on is not None and new and due_on < today:
        errors["due_on"] = _("The due date of a new task cannot be in the past.")
    return due_on


# --- versions ----------------------------------------------------------------------------


def ended() -> Conflict:
    return Conflict(_("The work with this family has ended: its plan can no longer be changed."))


def replaced() -> Conflict:
    return Conflict(
        _("This version of the plan has been replaced by a newer one. Reload the page.")
    )


def changed_meanwhile() -> Conflict:
    return Conflict(
        _("This task was changed in the meantime (by someone else or on another device). "
          "Reload the page to see it as it is now.")
    )  # fmt: skip


def require_open(db: Session, family: Family) -> None:
    """A plan changes only while the work goes on, and only with the family's consent."""
    if family.status in ENDED_STATES:
        raise ended()
    consents.require_consent(db, family_id=family.id)


def lock_plan(db: Session, plan_id: uuid.UUID) -> Plan:
    """The plan's row, fresh and locked until the unit of work ends."""
    statement = select(Plan).where(Plan.id == plan_id).with_for_update()
    return db.exec(statement.execution_options(populate_existing=True)).one()


def _new_version(
    db: Session, *, actor: Actor, family: Family, base: Plan | None, now: datetime
) -> Plan:
    """A new draft: empty, or a copy of the agreed `base` (same lineages, fresh rows)."""
    # Counted from the base, not from the newest row: two drafts made at once from the same
    # version get the same number, and the unique (family, version) pair refuses the second.
    version = base.version + 1 if base is not None else 1
    draft = Plan(family_id=family.id, version=version, created_by_id=actor.id, created_at=now)
    if base is not None:  # the coordination refers to the child's plan, which is unchanged
        draft.based_on_id = base.id
        draft.foster_coordination_with = base.foster_coordination_with
        draft.foster_coordination_reference = base.foster_coordination_reference
        draft.foster_coordination_on = base.foster_coordination_on
    try:
        with db.begin_nested():
            db.add(draft)
            db.flush()
    except IntegrityError as error:
        raise Conflict(
            _("Someone has just started a new version of this plan. Reload the page.")
        ) from error
    if base is not None:
        copied = contents(db, plan=base)
        for goal in copied.goals:
            new_goal = Goal(plan_id=draft.id, **goal.model_dump(exclude={"id", "plan_id"}))
            db.add(new_goal)
            for task in copied.tasks_by_goal[goal.id]:
                fields = task.model_dump(exclude={"id", "goal_id", "revision"})
                db.add(Task(goal_id=new_goal.id, **fields))
        db.flush()
    audit.record(
        db,
        actor=actor,
        action="plan.create",
        family_id=family.id,
        obj=draft,
        version=draft.version,
        based_on=base.version if base else None,
    )
    return draft


def start_plan(
    db: Session, *, actor: Actor, family_id: uuid.UUID, now: datetime | None = None
) -> Plan:
    """A new draft: the first plan, or a new version of the agreed one (one draft at a time)."""
    family = policy.get_family(db, actor=actor, family_id=family_id, need=Access.full)
    require_open(db, family)
    agreed = plan_in_force(db, family_id=family.id)
    base = lock_plan(db, agreed.id) if agreed is not None else None
    if base is not None and base.status is not PlanStatus.agreed:
        raise replaced()
    if current_draft(db, family_id=family.id) is not None:  # looked for under the lock
        raise Conflict(_("A new version of the plan is already being prepared: change that one."))
    if base is None and not intake_rules.has_initial_assessment(db, family=family):
        raise Conflict(
            _(
                "The first plan is prepared after the initial assessment of the family's "
                "situation: write the initial assessment first."
            )
        )
    return _new_version(db, actor=actor, family=family, base=base, now=now or utcnow())


def draft_to_change(
    db: Session, *, actor: Actor, plan: Plan, family: Family, now: datetime | None = None
) -> Plan:
    """The locked draft a change goes to: `plan` itself, or the new version of agreed `plan`."""
    require_open(db, family)
    if plan.status is PlanStatus.superseded:
        raise replaced()
    if plan.status is PlanStatus.agreed:
        draft = current_draft(db, family_id=family.id)
        if draft is None:
            base = lock_plan(db, plan.id)
            if base.status is not PlanStatus.agreed:
                raise replaced()
            # A draft made while we waited makes this one a duplicate, refused as a Conflict
            # (locking that draft now would take the locks in the order agreements do not).
            return _new_version(db, actor=actor, family=family, base=base, now=now or utcnow())
        plan = draft
    locked = lock_plan(db, plan.id)
    if locked.status is not PlanStatus.draft:  # agreed while we waited for the lock
        raise replaced()
    return locked


def _goal_in(db: Session, draft: Plan, goal: Goal) -> Goal:
    """`goal`, or its copy in `draft`, fresh from the database."""
    found = db.exec(
        select(Goal)
        .where(Goal.plan_id == draft.id, Goal.lineage_id == goal.lineage_id)
        .execution_options(populate_existing=True)
    ).first()
    if found is None:
        raise Conflict(_("This goal is no longer in the plan. Reload the page."))
    return found


def _task_in(db: Session, draft: Plan, task: Task) -> Task:
    """`task`, or its copy in `draft`, fresh from the database."""
    found = db.exec(
        select(Task)
        .join(Goal, col(Goal.id) == col(Task.goal_id))
        .where(Goal.plan_id == draft.id, Task.lineage_id == task.lineage_id)
        .execution_options(populate_existing=True)
    ).first()
    if found is None:
        raise Conflict(_("This task is no longer in the plan. Reload the page."))
    return found


def _load_goal(db: Session, actor: Actor, goal_id: uuid.UUID) -> tuple[Goal, Plan, Family]:
    goal = db.get(Goal, goal_id)
    if goal is None:
        raise NotFound
    plan, family = get_plan(db, actor=actor, plan_id=goal.plan_id, need=Access.full)
    return goal, plan, family


def load_task(
    db: Session, actor: Actor, task_id: uuid.UUID, need: Access = Access.full
) -> tuple[Task, Goal, Plan, Family]:
    """A task with its goal, plan and family, if `actor` may see them at the level `need`."""
    task = db.get(Task, task_id)
    goal = db.get(Goal, task.goal_id) if task else None
    if task is None or goal is None:
        raise NotFound
    plan, family = get_plan(db, actor=actor, plan_id=goal.plan_id, need=need)
    return task, goal, plan, family


# --- goals and tasks, one small edit at a time -------------------------------------------


def add_goal(
    db: Session, *, actor: Actor, plan_id: uuid.UUID, form: GoalForm, now: datetime | None = None
) -> Goal:
    """A new goal at the end of the plan (of its new draft, if the plan was agreed)."""
    plan, family = get_plan(db, actor=actor, plan_id=plan_id)
    values = _goal_values(form)
    draft = draft_to_change(db, actor=actor, plan=plan, family=family, now=now)
    last = db.exec(select(sa.func.max(Goal.position)).where(Goal.plan_id == draft.id)).one()
    goal = Goal(plan_id=draft.id, position=(last or 0) + 1, **values)  # type: ignore[arg-type]
    return audit.save(db, goal, actor=actor, action="goal.create", family_id=family.id)


def edit_goal(
    db: Session, *, actor: Actor, goal_id: uuid.UUID, form: GoalForm, now: datetime | None = None
) -> Goal:
    """Change a goal's area and wording."""
    goal, plan, family = _load_goal(db, actor, goal_id)
    values = _goal_values(form)
    draft = draft_to_change(db, actor=actor, plan=plan, family=family, now=now)
    goal = _goal_in(db, draft, goal)
    for name, value in values.items():
        setattr(goal, name, value)
    return audit.save(db, goal, actor=actor, action="goal.update", family_id=family.id)


def remove_goal(
    db: Session, *, actor: Actor, goal_id: uuid.UUID, now: datetime | None = None
) -> Plan:
    """Take a goal and its tasks out of the draft; returns the draft."""
    goal, plan, family = _load_goal(db, actor, goal_id)
    draft = draft_to_change(db, actor=actor, plan=plan, family=family, now=now)
    goal = _goal_in(db, draft, goal)
    if db.exec(select(GoalProgress.id).where(GoalProgress.goal_id == goal.id)).first():
        raise Conflict(_("This goal has been rated in an assessment, so it cannot be removed."))
    for task in db.exec(select(Task).where(Task.goal_id == goal.id)).all():
        db.delete(task)
    db.flush()
    db.delete(goal)
    db.flush()
    audit.record(db, actor=actor, action="goal.delete", family_id=family.id, obj=goal)
    return draft


def add_task(
    db: Session, *, actor: Actor, goal_id: uuid.UUID, form: TaskForm, now: datetime | None = None
) -> Task:
    """A new task at the end of a goal; its due date cannot be in the past."""
    now = now or utcnow()
    goal, plan, family = _load_goal(db, actor, goal_id)
    values = _task_values(db, form, family_id=family.id, today=local_today(now), existing=None)
    goal = _goal_in(db, draft_to_change(db, actor=actor, plan=plan, family=family, now=now), goal)
    last = db.exec(select(sa.func.max(Task.position)).where(Task.goal_id == goal.id)).one()
    task = Task(goal_id=goal.id, position=(last or 0) + 1, **values)  # type: ignore[arg-type]
    return audit.save(db, task, actor=actor, action="task.create", family_id=family.id)


def edit_task(
    db: Session,
    *,
    actor: Actor,
    task_id: uuid.UUID,
    form: TaskForm,
    revision: int | None = None,
    now: datetime | None = None,
) -> Task:
    """Change a task's action, owner, due date (a past one is allowed) and expected effect."""
    now = now or utcnow()
    task, _goal, _plan, family = load_task(db, actor, task_id)
    values = _task_values(db, form, family_id=family.id, today=local_today(now), existing=task)
    return _change_task(db, actor, task_id, revision, values, now)


def change_due_date(
    db: Session,
    *,
    actor: Actor,
    task_id: uuid.UUID,
    due_on: str,
    revision: int | None = None,
    now: datetime | None = None,
) -> Task:
    """The inline edit of one task's due date (an existing task's may be in the past)."""
    now = now or utcnow()
    errors = FormErrors()
    values = {"due_on": _due_on(errors, due_on, today=local_today(now), new=False)}
    load_task(db, actor, task_id)
    errors.raise_any()
    return _change_task(db, actor, task_id, revision, values, now)


def _change_task(
    db: Session,
    actor: Actor,
    task_id: uuid.UUID,
    revision: int | None,
    values: Mapping[str, object],
    now: datetime,
) -> Task:
    task, _goal, plan, family = load_task(db, actor, task_id)
    draft = draft_to_change(db, actor=actor, plan=plan, family=family, now=now)
    db.refresh(task)
    if revision is not None and task.revision != revision:
        raise changed_meanwhile()
    target = _task_in(db, draft, task)
    changed = [name for name, value in values.items() if getattr(target, name) != value]
    for name, value in values.items():
        setattr(target, name, value)
    # Counted by the database: a tick may bump the same row (see plan_tasks).
    target.revision = col(Task.revision) + 1  # type: ignore[assignment]
    db.add(target)
    db.flush()
    db.refresh(target)
    audit.record(
        db, actor=actor, action="task.update", family_id=family.id, obj=target, fields=changed
    )
    return target


def remove_task(
    db: Session, *, actor: Actor, task_id: uuid.UUID, now: datetime | None = None
) -> Goal:
    """Take a task out of the draft; returns its goal (in the draft)."""
    task, _goal, plan, family = load_task(db, actor, task_id)
    draft = draft_to_change(db, actor=actor, plan=plan, family=family, now=now)
    task = _task_in(db, draft, task)
    goal = db.get(Goal, task.goal_id)
    assert goal is not None  # the foreign key guarantees it
    db.delete(task)
    db.flush()
    audit.record(db, actor=actor, action="task.delete", family_id=family.id, obj=task)
    return goal
