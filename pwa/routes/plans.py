"""The work plan over HTTP: the staff page (the version in force and the draft), starting a
version, the family's page and their agreement, the history, the differences, the printout.

Changes made in place (sign-offs, goals, tasks, ticks) are in plan_tasks; both answer through
`web.pages.plan`, which gives a plain form a 303 back to the plan and htmx only its own block.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.cases import intake, intake_rules
from pwa.domain.kernel import policy
from pwa.domain.kernel.errors import Conflict
from pwa.domain.kernel.forms import parse_uuid
from pwa.domain.plans import agreement as plan_agreement
from pwa.domain.plans import editing, views
from pwa.domain.plans import history as plan_diff
from pwa.models import PlanStatus, Role
from pwa.web.auth import STAFF, require_actor
from pwa.web.forms import form_fields, path_uuid
from pwa.web.pages.plan import (
    STAFF_PAGE,
    plan_page_for_family,
    plan_url,
    staff_context,
)
from pwa.web.render import path_for, redirect, render
from pwa.web.routing import post


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
    return redirect(request, plan_url(request, family_id, "draft"))


# --- the family's page, and their agreement ------------------------------------------------


async def family_plan_view(request: Request) -> Response:
    return plan_page_for_family(request, require_actor(request, Role.family))


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
        return plan_page_for_family(
            request, actor, block="agreement", status_code=409,
            message=error.message, message_for="agreement",
        )  # fmt: skip
    return redirect(request, path_for(request, "family_plan_view", query={"agreed": "1"}))


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
        return redirect(request, path_for(request, "plan_history", family_id=family.id))
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
    post("/families/{family_id}/plan", start_plan, name="start_plan"),
    Route("/families/{family_id}/plan/history", plan_history, name="plan_history"),
    Route("/plans/{plan_id}/compare", compare_plans, name="compare_plans"),
    Route("/plans/{plan_id}/print", print_plan, name="print_plan"),
    post("/plans/{plan_id}/agree", agree_to_plan, name="agree_to_plan"),
    Route("/family/plan", family_plan_view, name="family_plan_view"),
]
