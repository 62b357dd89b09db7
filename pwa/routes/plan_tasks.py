"""Changes to a plan in place: the sign-offs of a draft (consultation, foster care, a signed
paper copy), its goals and tasks one small edit at a time, and ticking tasks.

Every form here works without JavaScript (a 303 back to the plan page) and with htmx (only
its own block: a goal card, a task row, the add form). The forms carry the id of the version
the page shows (`plan_id`), so that a change which landed in another version (the draft was
agreed meanwhile and a new one made) reloads the page instead of swapping a stale block.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid
from pwa.domain.kernel.forms import parse_uuid
from pwa.domain.plans import agreement as plan_agreement
from pwa.domain.plans import editing
from pwa.domain.plans import tasks as plan_tasks
from pwa.domain.plans.tasks import TaskResult
from pwa.models import Role, Task
from pwa.web.auth import STAFF, require_actor
from pwa.web.forms import form_fields, path_uuid
from pwa.web.htmx import HtmxDetails
from pwa.web.pages import refuse
from pwa.web.pages.plan import (
    family_of_plan,
    plan_page_for_family,
    plan_url,
    refused,
    staff_answer,
)
from pwa.web.render import path_for, redirect, vary_on_htmx
from pwa.web.routing import post

GOAL_FIELDS = ("area", "wording")
TASK_FIELDS = ("action", "owner", "due_on", "expected_effect")
STALE_REVISION = 0  # a form without a readable revision: refused as changed meanwhile


def _revision(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return STALE_REVISION


def _fragment(request: Request) -> bool:
    htmx: HtmxDetails = request.state.htmx
    return htmx.wants_fragment


# --- sign-offs: consultation, foster care, the paper copy --------------------------------


async def _sign_off(
    request: Request,
    *,
    block: str,
    key: str,
    names: tuple[str, ...],
    record: Any,
    form_type: Any,
) -> Response:
    actor = require_actor(request, *STAFF)
    plan_id = path_uuid(request, "plan_id")
    fields = await form_fields(request, *names)
    try:
        plan = record(request.state.db, actor=actor, plan_id=plan_id, form=form_type(**fields))
    except (Invalid, Conflict) as error:
        return refused(
            request, actor, error, block=block, key=key, values=fields,
            where={"plan_id": plan_id}, plan_id=plan_id,
        )  # fmt: skip
    return staff_answer(
        request, actor, plan.family_id, block=block, anchor=key, same_page=plan.id == plan_id,
        where={"plan_id": plan.id}, saved=key,
    )  # fmt: skip


async def record_consultation(request: Request) -> Response:
    return await _sign_off(
        request, block="consultation", key="consultation",
        names=("consulted_on", "consulted_with", "remarks"),
        record=plan_agreement.record_consultation, form_type=plan_agreement.ConsultationForm,
    )  # fmt: skip


async def record_foster_coordination(request: Request) -> Response:
    return await _sign_off(
        request, block="foster_care", key="foster-care",
        names=("coordinator", "reference", "coordinated_on"),
        record=plan_agreement.record_foster_coordination,
        form_type=plan_agreement.FosterCoordinationForm,
    )  # fmt: skip


async def record_paper_agreement(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    plan_id = path_uuid(request, "plan_id")
    fields = await form_fields(request, "signed_on", "member_id")
    try:
        plan = plan_agreement.record_paper_agreement(
            request.state.db, actor=actor, plan_id=plan_id,
            form=plan_agreement.PaperAgreementForm(**fields),
        )  # fmt: skip
    except (Invalid, Conflict) as error:
        return refused(
            request, actor, error, block="paper_agreement", key="paper-agreement",
            values=fields, where={"plan_id": plan_id}, plan_id=plan_id,
        )  # fmt: skip
    # The draft is now the plan in force: the whole page changes.
    return redirect(request, plan_url(request, plan.family_id, "in-force"))


# --- goals ----------------------------------------------------------------------------------


async def add_goal(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    plan_id = path_uuid(request, "plan_id")
    fields = await form_fields(request, *GOAL_FIELDS)
    key = f"add-goal-{plan_id}"
    try:
        goal = editing.add_goal(
            request.state.db, actor=actor, plan_id=plan_id, form=editing.GoalForm(**fields)
        )
    except (Invalid, Conflict) as error:
        return refused(
            request, actor, error, block="add_goal", key=key, values=fields,
            where={"plan_id": plan_id}, plan_id=plan_id,
        )  # fmt: skip
    family = family_of_plan(request, actor, goal.plan_id)
    return staff_answer(
        request, actor, family.id, block="add_goal", anchor=f"goal-{goal.id}",
        same_page=goal.plan_id == plan_id, where={"plan_id": goal.plan_id}, added_goal=goal,
        goal=goal,
    )  # fmt: skip


async def edit_goal(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    goal_id = path_uuid(request, "goal_id")
    fields = await form_fields(request, *GOAL_FIELDS, "plan_id")
    form = editing.GoalForm(area=fields["area"], wording=fields["wording"])
    key = f"goal-{goal_id}"
    try:
        goal = editing.edit_goal(request.state.db, actor=actor, goal_id=goal_id, form=form)
    except (Invalid, Conflict) as error:
        return refused(
            request, actor, error, block="goal_card", key=key, values=fields,
            where={"goal_id": goal_id}, plan_id=parse_uuid(fields["plan_id"]),
        )  # fmt: skip
    family = family_of_plan(request, actor, goal.plan_id)
    return staff_answer(
        request, actor, family.id, block="goal_card", anchor=f"goal-{goal.id}",
        same_page=goal.id == goal_id, where={"goal_id": goal.id},
    )  # fmt: skip


async def remove_goal(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    goal_id = path_uuid(request, "goal_id")
    fields = await form_fields(request, "plan_id")
    page_plan = parse_uuid(fields["plan_id"])
    try:
        draft = editing.remove_goal(request.state.db, actor=actor, goal_id=goal_id)
    except Conflict as error:
        return refused(
            request, actor, error, block="goal_card", key=f"goal-{goal_id}",
            where={"goal_id": goal_id}, plan_id=page_plan,
        )  # fmt: skip
    if _fragment(request) and draft.id == page_plan:
        return vary_on_htmx(Response(status_code=200))  # an empty swap takes the card away
    return redirect(request, plan_url(request, draft.family_id, "draft"))


# --- tasks ----------------------------------------------------------------------------------


async def add_task(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    goal_id = path_uuid(request, "goal_id")
    fields = await form_fields(request, *TASK_FIELDS, "plan_id")
    form = editing.TaskForm(**{name: fields[name] for name in TASK_FIELDS})
    key = f"add-task-{goal_id}"
    try:
        task = editing.add_task(request.state.db, actor=actor, goal_id=goal_id, form=form)
    except (Invalid, Conflict) as error:
        return refused(
            request, actor, error, block="add_task", key=key, values=fields,
            where={"goal_id": goal_id}, plan_id=parse_uuid(fields["plan_id"]),
        )  # fmt: skip
    family = editing.load_task(request.state.db, actor, task.id)[3]
    return staff_answer(
        request, actor, family.id, block="add_task", anchor=f"task-{task.id}",
        same_page=task.goal_id == goal_id, where={"goal_id": task.goal_id}, added_task=task,
        task=task,
    )  # fmt: skip


async def _change_task(
    request: Request,
    *,
    key_prefix: str,
    names: tuple[str, ...],
    change: Callable[[Actor, uuid.UUID, dict[str, str]], Task],
) -> Response:
    actor = require_actor(request, *STAFF)
    task_id = path_uuid(request, "task_id")
    fields = await form_fields(request, *names, "revision")
    try:
        task = change(actor, task_id, fields)
    except (Invalid, Conflict) as error:
        return refused(
            request, actor, error, block="task_row", key=f"{key_prefix}-{task_id}",
            message_for=f"task-{task_id}", values=fields, where={"task_id": task_id},
            task_id=task_id,
        )  # fmt: skip
    family = editing.load_task(request.state.db, actor, task.id)[3]
    return staff_answer(
        request, actor, family.id, block="task_row", anchor=f"task-{task.id}",
        same_page=task.id == task_id, where={"task_id": task.id},
    )  # fmt: skip


async def edit_task(request: Request) -> Response:
    def change(actor: Actor, task_id: uuid.UUID, fields: dict[str, str]) -> Task:
        return editing.edit_task(
            request.state.db, actor=actor, task_id=task_id,
            form=editing.TaskForm(**{name: fields[name] for name in TASK_FIELDS}),
            revision=_revision(fields["revision"]),
        )  # fmt: skip

    return await _change_task(request, key_prefix="task", names=TASK_FIELDS, change=change)


async def change_due_date(request: Request) -> Response:
    def change(actor: Actor, task_id: uuid.UUID, fields: dict[str, str]) -> Task:
        return editing.change_due_date(
            request.state.db, actor=actor, task_id=task_id, due_on=fields["due_on"],
            revision=_revision(fields["revision"]),
        )  # fmt: skip

    return await _change_task(request, key_prefix="due", names=("due_on",), change=change)


async def remove_task(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    task_id = path_uuid(request, "task_id")
    fields = await form_fields(request, "plan_id")
    try:
        goal = editing.remove_task(request.state.db, actor=actor, task_id=task_id)
    except Conflict as error:
        return refused(
            request, actor, error, block="task_row", key=f"task-{task_id}",
            where={"task_id": task_id}, task_id=task_id,
        )  # fmt: skip
    family = family_of_plan(request, actor, goal.plan_id)
    # The row goes (an empty swap); the goal's progress changes out of band.
    return staff_answer(
        request, actor, family.id, block="task_removed", anchor=f"goal-{goal.id}",
        same_page=goal.plan_id == parse_uuid(fields["plan_id"]), where={"goal_id": goal.id},
    )  # fmt: skip


# --- ticking: done, reopened, dropped ---------------------------------------------------------


async def _tick(
    request: Request,
    actor: Actor,
    change: Callable[..., TaskResult],
    *names: str,
) -> Response:
    """One tap on a task: its row again, with its goal's progress (out of band).

    `change` is the domain's (db, actor=, task_id=, revision=, and the fields `names`).
    """
    task_id = path_uuid(request, "task_id")
    key = f"task-{task_id}"
    fields = await form_fields(request, "revision", *names)
    try:
        change(
            request.state.db, actor=actor, task_id=task_id, revision=_revision(fields["revision"]),
            **{name: fields[name] for name in names},
        )  # fmt: skip
    except (Invalid, Conflict) as error:
        if actor.role is Role.family:
            refusal = refuse(request, error, key)
            return plan_page_for_family(
                request, actor, block="family_tick_result", status_code=refusal.status_code,
                task_id=task_id, message=refusal.message, message_for=key,
            )  # fmt: skip
        form_key = f"drop-{task_id}" if isinstance(error, Invalid) else key
        return refused(
            request, actor, error, block="task_tick_result", key=form_key, message_for=key,
            values=fields, where={"task_id": task_id}, task_id=task_id,
        )  # fmt: skip
    if actor.role is Role.family:
        if not _fragment(request):
            return redirect(request, path_for(request, "family_plan_view", anchor=key))
        return plan_page_for_family(request, actor, block="family_tick_result", task_id=task_id)
    family = editing.load_task(request.state.db, actor, task_id)[3]
    return staff_answer(
        request, actor, family.id, block="task_tick_result", anchor=key,
        where={"task_id": task_id},
    )  # fmt: skip


async def tick_task(request: Request) -> Response:
    """Done: staff, or the family member who owns the task (a replayed tick is a success)."""
    return await _tick(request, require_actor(request), plan_tasks.mark_done)


async def reopen_task(request: Request) -> Response:
    return await _tick(request, require_actor(request, *STAFF), plan_tasks.reopen_task)


async def drop_task(request: Request) -> Response:
    return await _tick(request, require_actor(request, *STAFF), plan_tasks.drop_task, "reason")


routes = [
    post("/plans/{plan_id}/consultation", record_consultation, name="record_consultation"),
    post(
        "/plans/{plan_id}/foster-care",
        record_foster_coordination,
        name="record_foster_coordination",
    ),
    post("/plans/{plan_id}/paper-agreement", record_paper_agreement, name="record_paper_agreement"),
    post("/plans/{plan_id}/goals", add_goal, name="add_goal"),
    post("/goals/{goal_id}", edit_goal, name="edit_goal"),
    post("/goals/{goal_id}/remove", remove_goal, name="remove_goal"),
    post("/goals/{goal_id}/tasks", add_task, name="add_task"),
    post("/tasks/{task_id}", edit_task, name="edit_task"),
    post("/tasks/{task_id}/due", change_due_date, name="change_due_date"),
    post("/tasks/{task_id}/remove", remove_task, name="remove_task"),
    post("/tasks/{task_id}/done", tick_task, name="tick_task"),
    post("/tasks/{task_id}/reopen", reopen_task, name="reopen_task"),
    post("/tasks/{task_id}/drop", drop_task, name="drop_task"),
]
