"""Assessments over HTTP: the family's history, a new initial or periodic assessment, one
assessment, and the end of the work with its final assessment (staff only)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.assessments import situation, views
from pwa.domain.assessments.situation import AREAS, AssessmentForm, GoalProgressForm
from pwa.domain.cases.lifecycle import EndWorkForm
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid
from pwa.i18n import local_today
from pwa.models import AssessmentKind, Recommendation
from pwa.web.auth import STAFF, require_actor
from pwa.web.forms import path_uuid
from pwa.web.pages import NO_REFUSAL, Refusal, refuse
from pwa.web.render import path_for, redirect, render

END_FIELDS = ("reason", "ended_on", "detail")


async def posted(request: Request) -> dict[str, str]:
    """Every text field of the posted form (the first of duplicates; NUL characters dropped)."""
    values: dict[str, str] = {}
    async with request.form() as form:
        for name, value in form.multi_items():
            if isinstance(value, str):
                values.setdefault(name, value.replace("\x00", ""))
    return values


def assessment_form(values: dict[str, str]) -> AssessmentForm:
    """The assessment as posted; each goal's rating and comment come as rating-<id>, comment-<id>."""
    goal_ids = {
        name.split("-", 1)[1] for name in values if name.startswith(("rating-", "comment-"))
    }
    progress = tuple(
        GoalProgressForm(
            goal_id, values.get(f"rating-{goal_id}", ""), values.get(f"comment-{goal_id}", "")
        )
        for goal_id in sorted(goal_ids)
    )
    return AssessmentForm(
        assessed_on=values.get("assessed_on", ""),
        recommendation=values.get("recommendation", ""),
        progress=progress,
        **{name: values.get(name, "") for name in AREAS},
    )


def _kind(request: Request, values: dict[str, str] | None = None) -> AssessmentKind:
    raw = (values or {}).get("kind") or request.query_params.get("kind", "")
    return (
        AssessmentKind.initial if raw == AssessmentKind.initial.value else AssessmentKind.periodic
    )


def _form_page(
    request: Request,
    actor: Actor,
    *,
    kind: AssessmentKind,
    template: str,
    values: Mapping[str, str],
    refusal: Refusal = NO_REFUSAL,
) -> Response:
    """The assessment's form; after a refusal, with its messages beside what was typed."""
    view = views.form_view(
        request.state.db, actor=actor, family_id=path_uuid(request, "family_id"), kind=kind,
        today=local_today(),
    )  # fmt: skip
    context: dict[str, Any] = {
        "view": view,
        "family": view.family,
        "values": values,
        **refusal.messages(),
        "areas": [(name, situation.area_label(name)) for name in AREAS],
        "ratings": [(rating, situation.rating_label(rating)) for rating in situation.RATINGS],
        "recommendations": list(Recommendation),
        "end_reasons": situation.END_REASONS,
    }
    return render(
        request, template, context, block="assessment_form", status_code=refusal.status_code
    )


def _saved(request: Request, family_id: uuid.UUID, saved: str) -> Response:
    """Back to the family's assessments, which say what was saved."""
    query = {"saved": saved}
    return redirect(request, path_for(request, "assessments", family_id=family_id, query=query))


async def assessment_history(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    history = views.assessment_history(
        request.state.db,
        actor=actor,
        family_id=path_uuid(request, "family_id"),
        today=local_today(),
    )
    context = {
        "history": history,
        "family": history.family,
        "saved": request.query_params.get("saved", ""),
    }
    return render(request, "assessments/history.html", context)


async def new_assessment(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    family_id = path_uuid(request, "family_id")
    if request.method == "GET":
        kind = _kind(request)
        values = {"assessed_on": local_today().isoformat(), "kind": kind.value}
        return _form_page(request, actor, kind=kind, template="assessments/new.html", values=values)
    values = await posted(request)
    kind = _kind(request, values)
    try:
        situation.record_assessment(
            request.state.db, actor=actor, family_id=family_id, kind=kind,
            form=assessment_form(values),
        )  # fmt: skip
    except (Invalid, Conflict) as error:
        return _form_page(
            request, actor, kind=kind, template="assessments/new.html", values=values,
            refusal=refuse(request, error),
        )  # fmt: skip
    return _saved(request, family_id, kind.value)


async def assessment_page(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    detail = views.get_assessment(
        request.state.db, actor=actor, assessment_id=path_uuid(request, "assessment_id")
    )
    return render(request, "assessments/show.html", {"detail": detail, "family": detail.family})


async def end_work_with_assessment(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    family_id: uuid.UUID = path_uuid(request, "family_id")
    template = "assessments/end_work.html"
    final = AssessmentKind.final
    if request.method == "GET":
        values = {"ended_on": local_today().isoformat()}
        return _form_page(request, actor, kind=final, template=template, values=values)
    values = await posted(request)
    end = EndWorkForm(**{name: values.get(name, "") for name in END_FIELDS})
    try:
        situation.end_work_with_final_assessment(
            request.state.db, actor=actor, family_id=family_id, end=end,
            assessment=assessment_form(values),
        )  # fmt: skip
    except (Invalid, Conflict) as error:
        return _form_page(
            request, actor, kind=final, template=template, values=values,
            refusal=refuse(request, error),
        )  # fmt: skip
    return _saved(request, family_id, "final")


routes = [
    Route("/families/{family_id}/assessments", assessment_history, name="assessments"),
    Route(
        "/families/{family_id}/assessments/new",
        new_assessment,
        methods=["GET", "POST"],
        name="new_assessment",
    ),
    Route("/assessments/{assessment_id}", assessment_page, name="assessment"),
    Route(
        "/families/{family_id}/end-work",
        end_work_with_assessment,
        methods=["GET", "POST"],
        name="end_work_with_assessment",
    ),
]
