"""The work plan over HTTP: the staff page (the version in force and the draft), starting a
version, the family's page and their agreement, the history, the differences, the printout.

Changes made in place (sign-offs, goals, tasks, ticks) are in plan_tasks; both answer through
`staff_answer`, which gives a plain form a 303 back to the plan and htmx only its own block.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.cases import intake, intake_rules
from pwa.domain.kernel import policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, DomainError, Invalid
from pwa.domain.kernel.forms import parse_uuid
from pwa.domain.plans import agreement as plan_agreement
from pwa.domain.plans import editing, views
from pwa.domain.plans import history as plan_diff
from pwa.domain.plans.views import PlanContents, StaffPlanView
from pwa.i18n import local_today
from pwa.models import Family, GoalArea, PlanStatus, Relation, Role
from pwa.web.auth import require_actor
from pwa.web.forms import form_fields, path_uuid
from pwa.web.htmx import HtmxDetails
from pwa.web.render import redirect, render

STAFF = (Role.assistant, Role.coordinator)
STAFF_PAGE = "plans/show.html"
FAMILY_PAGE = "plans/family.html"


def plan_url(family_id: uuid.UUID, anchor: str = "") -> str:
    return f"/families/{family_id}/plan" + (f"#{anchor}" if anchor else "")


def family_of_plan(request: Request, actor: Actor, plan_id: uuid.UUID) -> Family:
    _plan, family = views.get_plan(request.state.db, actor=actor, plan_id=plan_id)
    return family


# --- the staff page and its blocks -------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One version on the staff page: the one in force is ticked, the draft is edited."""

    contents: PlanContents
    editable: bool

    @property
    def plan_id(self) -> uuid.UUID:
        return self.contents.plan.id


def parts_of(view: StaffPlanView) -> list[Part]:
    found = [Part(view.in_force, editable=False)] if view.in_force else []
    return found + ([Part(view.draft, editable=True)] if view.draft else [])


def locate(
    view: StaffPlanView,
    *,
    plan_id: uuid.UUID | None = None,
    goal_id: uuid.UUID | None = None,
    task_id: uuid.UUID | None = None,
) -> dict[str, Any] | None:
    """The version, goal and task a block shows, found on the page as it is now."""
    for part in parts_of(view):
        contents = part.contents
        if plan_id is not None and contents.plan.id != plan_id:
            continue
        if goal_id is None and task_id is None:
            return {"part": part}
        for goal in contents.goals:
            if goal.id == goal_id:
                return {"part": part, "goal": goal}
            for task in contents.tasks_by_goal[goal.id]:
                if task.id == task_id:
                    return {"part": part, "goal": goal, "task": task}
    return None


def staff_context(view: StaffPlanView, **extra: object) -> dict[str, Any]:
    names = {member.id: member.full_name for member in view.members}
    context: dict[str, Any] = {
        "view": view,
        "family": view.family,
        "parts": parts_of(view),
        "member_names": names,
        "members": view.members,
        "adults": [m for m in view.members if m.relation is not Relation.child and m.in_household],
        "areas": list(GoalArea),
        "today": local_today(),
        "form_key": "",
        "errors": {},
        "values": {},
        "message": "",
        "message_for": "",
        "page_message": "",
        "saved": "",
        "findings": [],  # the initial assessment's findings, offered as goal drafts
    }
    context.update(extra)
    return context


def staff_answer(
    request: Request,
    actor: Actor,
    family_id: uuid.UUID,
    *,
    block: str,
    anchor: str = "",
    status_code: int = 200,
    same_page: bool = True,
    where: Mapping[str, uuid.UUID | None] | None = None,
    **extra: object,
) -> Response:
    """After a change (or its refusal): a plain form goes back to the plan page (303, or the
    page with the message next to the form); htmx gets `block` alone.

    When the change went elsewhere than the page shows (the draft was agreed meanwhile and a
    new version was made), htmx reloads the whole page instead of swapping a stale block.
    """
    htmx: HtmxDetails = request.state.htmx
    fragment = htmx.wants_fragment
    if status_code < 400 and (not fragment or not same_page):
        return redirect(request, plan_url(family_id, anchor))
    view = views.staff_plan(request.state.db, actor=actor, family_id=family_id)
    found = locate(view, **(where or {}))
    if found is None and status_code < 400:
        return redirect(request, plan_url(family_id, anchor))
    context = staff_context(view, **(found or {}), **extra)
    headers = {}
    if found is None or not fragment:
        # The form is not on the page as it is now (or this is a plain form): the whole page,
        # with the refusal on top too, since the version shown may no longer offer the form
        # (e.g. a goal added to a version agreed meanwhile).
        errors: Mapping[str, str] = context["errors"]
        summary = context["message"] or " ".join(errors.values())
        context["page_message"] = summary if status_code >= 400 else ""
        if fragment:
            headers["HX-Refresh"] = "true"
        return render(
            request, STAFF_PAGE, context, status_code=status_code, headers=headers, offline=True
        )
    return render(request, STAFF_PAGE, context, block=block, status_code=status_code)


def refused(
    request: Request,
    actor: Actor,
    error: DomainError,
    *,
    block: str,
    key: str,
    message_for: str | None = None,
    values: Mapping[str, str] | None = None,
    where: Mapping[str, uuid.UUID | None] | None = None,
    plan_id: uuid.UUID | None = None,
    task_id: uuid.UUID | None = None,
) -> Response:
    """Invalid input or a conflict: nothing saved, the form again with the messages (422/409).

    The family is found through the plan (or the task) the form was about, after the roll back.
    """
    request.state.db.rollback()
    if plan_id is not None:
        family = family_of_plan(request, actor, plan_id)
    elif task_id is not None:
        family = editing.load_task(request.state.db, actor, task_id)[3]
    else:  # a form that does not say which page it was on: the plain error page
        raise error
    return staff_answer(
        request,
        actor,
        family.id,
        block=block,
        anchor=message_for or key,
        status_code=error.status_code,
        where=where,
        form_key=key,
        errors=error.errors if isinstance(error, Invalid) else {},
        values=dict(values or {}),
        message="" if isinstance(error, Invalid) else error.message,
        message_for=message_for or key,
    )


async def family_plan(request: Request) -> Response:
    """The staff page; `?finding=<area>` copies that finding of the initial assessment into
    the draft's new-goal form (a goal draft the assistant words with the family, then adds)."""
    actor = require_actor(request, *STAFF)
    db = request.state.db
    view = views.staff_plan(db, actor=actor, family_id=path_uuid(request, "family_id"))
    extra: dict[str, Any] = {}
    if view.draft is not None:
        found = intake.findings(intake_rules.initial_assessment(db, family=view.family))
        extra["findings"] = found
        chosen = next((f for f in found if f.area == request.query_params.get("finding")), None)
        if chosen is not None:
            extra["form_key"] = f"add-goal-{view.draft.plan.id}"
            extra["values"] = {"area": chosen.goal_area.value, "wording": chosen.goal_wording}
    return render(request, STAFF_PAGE, staff_context(view, **extra), offline=True)


async def start_plan(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    family_id = path_uuid(request, "family_id")
    try:
        editing.start_plan(request.state.db, actor=actor, family_id=family_id)
    except Conflict as error:
        request.state.db.rollback()
        view = views.staff_plan(request.state.db, actor=actor, family_id=family_id)
        context = staff_context(view, page_message=error.message)
        return render(request, STAFF_PAGE, context, status_code=409)
    return redirect(request, plan_url(family_id, "draft"))


# --- the family's page, and their agreement ------------------------------------------------


def _shared_task(view: views.FamilyPlanView, task_id: uuid.UUID) -> dict[str, Any] | None:
    """A task of the plan in force as the family sees it, with its goal."""
    for goal in view.in_force.goals if view.in_force else []:
        for task in goal.tasks:
            if task.id == task_id:
                return {"task": task, "goal": goal}
    return None


def family_page(
    request: Request,
    actor: Actor,
    *,
    block: str | None = None,
    status_code: int = 200,
    task_id: uuid.UUID | None = None,
    **extra: object,
) -> Response:
    """The family's plan page, or one block of it (a task row, the agreement)."""
    view = views.family_view(request.state.db, actor=actor, today=local_today())
    context: dict[str, Any] = {
        "view": view,
        "today": local_today(),
        "agreed": request.query_params.get("agreed") == "1",
        "message": "",
        "message_for": "",
        "page_message": "",
    }
    context.update(extra)
    headers = {}
    found = _shared_task(view, task_id) if task_id is not None else {}
    if found is None:  # no longer in the plan in force: the whole page, as it is now
        if status_code < 400:
            return redirect(request, "/family/plan")
        block, context["page_message"] = None, context["message"]
        if request.state.htmx.wants_fragment:
            headers["HX-Refresh"] = "true"
    context.update(found or {})
    return render(
        request, FAMILY_PAGE, context, block=block, status_code=status_code, headers=headers,
        offline=True,
    )  # fmt: skip


async def family_plan_view(request: Request) -> Response:
    return family_page(request, require_actor(request, Role.family))


async def agree_to_plan(request: Request) -> Response:
    actor = require_actor(request, Role.family)
    fields = await form_fields(request, "fingerprint")
    try:
        plan_agreement.agree_on_phone(
            request.state.db, actor=actor, plan_id=path_uuid(request, "plan_id"),
            fingerprint=fields["fingerprint"],
        )  # fmt: skip
    except Conflict as error:
        request.state.db.rollback()
        return family_page(
            request, actor, block="agreement", status_code=409,
            message=error.message, message_for="agreement",
        )  # fmt: skip
    return redirect(request, "/family/plan?agreed=1")


# --- versions: the history, what changed, the printout -------------------------------------


async def plan_history(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    family_id = path_uuid(request, "family_id")
    versions = plan_diff.history(request.state.db, actor=actor, family_id=family_id)
    family = policy.get_family(request.state.db, actor=actor, family_id=family_id)
    in_force = next((v for v in versions if v.status is PlanStatus.agreed), None)
    context = {"family": family, "versions": versions, "in_force": in_force}
    return render(request, "plans/history.html", context)


async def compare_plans(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    db = request.state.db
    plan, family = views.get_plan(db, actor=actor, plan_id=path_uuid(request, "plan_id"))
    other_id = parse_uuid(request.query_params.get("with", "")) or plan.based_on_id
    if other_id is None:  # the first version: nothing before it to compare with
        return redirect(request, f"/families/{family.id}/plan/history")
    comparison = plan_diff.compare(db, actor=actor, plan_id=plan.id, other_id=other_id)
    members = views.members_of(db, family_id=family.id)
    context = {
        "family": family,
        "comparison": comparison,
        "diff": comparison.diff,
        "member_names": {member.id: member.full_name for member in members},
    }
    return render(request, "plans/compare.html", context)


async def print_plan(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    printable = views.printable_plan(
        request.state.db, actor=actor, plan_id=path_uuid(request, "plan_id")
    )
    return render(request, "plans/print.html", {"plan": printable})


routes = [
    Route("/families/{family_id}/plan", family_plan, name="family_plan"),
    Route("/families/{family_id}/plan", start_plan, methods=["POST"], name="start_plan"),
    Route("/families/{family_id}/plan/history", plan_history, name="plan_history"),
    Route("/plans/{plan_id}/compare", compare_plans, name="compare_plans"),
    Route("/plans/{plan_id}/print", print_plan, name="print_plan"),
    Route("/plans/{plan_id}/agree", agree_to_plan, methods=["POST"], name="agree_to_plan"),
    Route("/family/plan", family_plan_view, name="family_plan_view"),
]
