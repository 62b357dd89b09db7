"""Court opinions over HTTP: the family's opinions and the court's request, editing a draft,
marking it final, superseding a final one, and the printable A4 view (staff only)."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.assessments import opinions
from pwa.domain.assessments.opinions import OpinionEditForm, OpinionRequestForm
from pwa.domain.kernel import policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid
from pwa.i18n import local_today
from pwa.models import OpinionStatus
from pwa.web.auth import STAFF, require_actor
from pwa.web.forms import form_fields, path_uuid
from pwa.web.pages import NO_REFUSAL, Refusal, refuse
from pwa.web.render import path_for, redirect, render
from pwa.web.routing import post

REQUEST_FIELDS = ("court", "case_reference", "requested_on", "deadline")
EDIT_FIELDS = (*REQUEST_FIELDS, "body")


def _family_page(request: Request, actor: Actor, *, refusal: Refusal = NO_REFUSAL) -> Response:
    """The family's opinions; after a refused request, its form with the messages."""
    found = opinions.family_opinions(
        request.state.db, actor=actor, family_id=path_uuid(request, "family_id")
    )
    context: dict[str, Any] = {
        "found": found,
        "family": found.family,
        "values": refusal.values or {"requested_on": local_today().isoformat()},
        **refusal.messages(),
        "status_label": opinions.status_label,
    }
    return render(
        request, "opinions/index.html", context, block="request_form",
        status_code=refusal.status_code,
    )  # fmt: skip


async def family_opinions(request: Request) -> Response:
    return _family_page(request, require_actor(request, *STAFF))


async def request_opinion(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    values = await form_fields(request, *REQUEST_FIELDS)
    try:
        opinion = opinions.request_opinion(
            request.state.db, actor=actor, family_id=path_uuid(request, "family_id"),
            form=OpinionRequestForm(**values),
        )  # fmt: skip
    except (Invalid, Conflict) as error:
        return _family_page(request, actor, refusal=refuse(request, error, values=values))
    return redirect(request, path_for(request, "opinion", opinion_id=opinion.id))


def _opinion_page(request: Request, actor: Actor, *, refusal: Refusal = NO_REFUSAL) -> Response:
    """One opinion; after a refused change, its form with the messages (and what was typed)."""
    view = opinions.get_opinion(
        request.state.db, actor=actor, opinion_id=path_uuid(request, "opinion_id")
    )
    opinion = view.opinion
    stored = {
        "court": opinion.court,
        "case_reference": opinion.case_reference,
        "requested_on": opinion.requested_on.isoformat(),
        "deadline": opinion.deadline.isoformat(),
        "body": opinion.body,
    }
    context: dict[str, Any] = {
        "view": view,
        "family": view.family,
        "values": refusal.values or stored,
        "may_supersede": policy.may_supersede_opinion(opinion),
        **refusal.messages(),
        "saved": request.query_params.get("saved", ""),
    }
    return render(
        request, "opinions/show.html", context, block="opinion_form",
        status_code=refusal.status_code,
    )  # fmt: skip


def _saved(request: Request, opinion_id: uuid.UUID, saved: str) -> Response:
    return redirect(
        request, path_for(request, "opinion", opinion_id=opinion_id, query={"saved": saved})
    )


async def opinion_page(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    if request.method == "GET":
        return _opinion_page(request, actor)
    opinion_id = path_uuid(request, "opinion_id")
    values = await form_fields(request, *EDIT_FIELDS)
    try:
        opinions.edit_draft(
            request.state.db, actor=actor, opinion_id=opinion_id, form=OpinionEditForm(**values)
        )
    except (Invalid, Conflict) as error:
        return _opinion_page(request, actor, refusal=refuse(request, error, values=values))
    return _saved(request, opinion_id, "draft")


async def finalise_opinion(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    opinion_id = path_uuid(request, "opinion_id")
    values = await form_fields(request, *EDIT_FIELDS)
    # Sent from the draft's form: its last changes are saved with it.
    form = OpinionEditForm(**values) if values["body"] or values["court"] else None
    try:
        opinions.finalise(request.state.db, actor=actor, opinion_id=opinion_id, form=form)
    except (Invalid, Conflict) as error:
        refusal = refuse(request, error, values=values if form else None)
        return _opinion_page(request, actor, refusal=refusal)
    return _saved(request, opinion_id, "final")


async def supersede_opinion(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    try:
        draft = opinions.supersede(
            request.state.db, actor=actor, opinion_id=path_uuid(request, "opinion_id")
        )
    except Conflict as error:
        return _opinion_page(request, actor, refusal=refuse(request, error))
    return _saved(request, draft.id, "supersede")


async def print_opinion(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    view = opinions.get_opinion(
        request.state.db, actor=actor, opinion_id=path_uuid(request, "opinion_id"), printing=True
    )
    context = {
        "view": view,
        "today": local_today(),
        "printing_draft": view.opinion.status is OpinionStatus.draft,
    }
    return render(request, "opinions/print.html", context)


routes = [
    Route("/families/{family_id}/opinions", family_opinions, name="opinions"),
    post("/families/{family_id}/opinions", request_opinion, name="request_opinion"),
    Route("/opinions/{opinion_id}", opinion_page, methods=["GET", "POST"], name="opinion"),
    post("/opinions/{opinion_id}/final", finalise_opinion, name="finalise_opinion"),
    post("/opinions/{opinion_id}/supersede", supersede_opinion, name="supersede_opinion"),
    Route("/opinions/{opinion_id}/print", print_opinion, name="print_opinion"),
]
