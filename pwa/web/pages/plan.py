"""The plan's two pages, which the forms of `routes.plans` and `routes.plan_tasks` answer with:
the staff page (the version in force and the draft) and the family's own plan page.

Both answer through `staff_answer` / `plan_page_for_family`: a plain form gets a 303 back to
the plan, htmx only its own block, and a refused form the page with its messages beside it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import DomainError
from pwa.domain.plans import editing, views
from pwa.domain.plans.views import PlanContents, StaffPlanView
from pwa.i18n import local_today
from pwa.models import Family, GoalArea, Relation
from pwa.web.htmx import HtmxDetails
from pwa.web.pages import refuse
from pwa.web.render import path_for, redirect, render

STAFF_PAGE = "plans/show.html"
FAMILY_PAGE = "plans/family.html"


def plan_url(request: Request, family_id: uuid.UUID, anchor: str = "") -> str:
    return path_for(request, "family_plan", family_id=family_id, anchor=anchor)


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
        return redirect(request, plan_url(request, family_id, anchor))
    view = views.staff_plan(request.state.db, actor=actor, family_id=family_id)
    found = locate(view, **(where or {}))
    if found is None and status_code < 400:
        return redirect(request, plan_url(request, family_id, anchor))
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
    refusal = refuse(request, error, key, values)
    if plan_id is not None:
        family = family_of_plan(request, actor, plan_id)
    elif task_id is not None:
        family = editing.load_task(request.state.db, actor, task_id)[3]
    else:  # a form that does not say which page it was on: the plain error page
        raise error
    return staff_answer(
        request, actor, family.id, block=block, anchor=message_for or key,
        status_code=refusal.status_code, where=where, form_key=refusal.form,
        errors=refusal.errors, values=refusal.values, message=refusal.alert,
        message_for=message_for or key,
    )  # fmt: skip


# --- the family's own plan page ------------------------------------------------------


def _shared_task(view: views.FamilyPlanView, task_id: uuid.UUID) -> dict[str, Any] | None:
    """A task of the plan in force as the family sees it, with its goal."""
    for goal in view.in_force.goals if view.in_force else []:
        for task in goal.tasks:
            if task.id == task_id:
                return {"task": task, "goal": goal}
    return None


def plan_page_for_family(
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
            return redirect(request, path_for(request, "family_plan_view"))
        block, context["page_message"] = None, context["message"]
        if request.state.htmx.wants_fragment:
            headers["HX-Refresh"] = "true"
    context.update(found or {})
    return render(
        request, FAMILY_PAGE, context, block=block, status_code=status_code, headers=headers,
        offline=True,
    )  # fmt: skip
