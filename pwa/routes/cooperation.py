"""Cooperation with institutions over HTTP: the family's log of contacts and, for a "Za życiem"
family, the items of the support catalogue requested for it (staff only)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.cases import cooperation, support_catalogue
from pwa.domain.cases.cooperation import ContactForm
from pwa.domain.cases.support_catalogue import SupportRequestForm
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid, NotFound
from pwa.i18n import local_today
from pwa.models import SupportRequest
from pwa.web.auth import STAFF, require_actor
from pwa.web.forms import form_fields, path_uuid
from pwa.web.pages import NO_REFUSAL, Refusal, refuse
from pwa.web.render import path_for, redirect, render
from pwa.web.routing import post

CONTACT_FIELDS = ("contact_on", "kind", "name", "purpose", "outcome")
REQUEST_FIELDS = ("service_id", "requested_on", "outcome")
PAGE = "cooperation/index.html"


def _page(
    request: Request,
    actor: Actor,
    family_id: uuid.UUID,
    *,
    refusal: Refusal = NO_REFUSAL,
    **extra: Any,
) -> Response:
    """The log with its forms; after a refusal, the refused form with its messages."""
    found = cooperation.family_contacts(request.state.db, actor=actor, family_id=family_id)
    context: dict[str, Any] = {
        "found": found,
        "family": found.family,
        "kinds": cooperation.institution_choices(),
        "contact": {"contact_on": local_today().isoformat()},
        "support": {"requested_on": local_today().isoformat()},
        "form": refusal.form,
        **refusal.messages(),
        "outcome_for": "",
        "saved": request.query_params.get("saved", ""),
        **extra,
    }
    block = {"contact": "contact_form", "support": "support_form"}.get(refusal.form)
    return render(request, PAGE, context, block=block, status_code=refusal.status_code)


def _saved(request: Request, family_id: uuid.UUID, saved: str, anchor: str = "") -> Response:
    return redirect(
        request, path_for(request, "institution_contacts", family_id=family_id,
                          query={"saved": saved}, anchor=anchor),
    )  # fmt: skip


async def institution_contacts(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    family_id = path_uuid(request, "family_id")
    if request.method == "GET":
        return _page(request, actor, family_id)
    return await _record(
        request, actor, family_id, form="contact", fields=CONTACT_FIELDS,
        record=cooperation.record_contact, form_type=ContactForm,
    )  # fmt: skip


async def record_support_request(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    return await _record(
        request, actor, path_uuid(request, "family_id"), form="support", fields=REQUEST_FIELDS,
        record=support_catalogue.record_support_request, form_type=SupportRequestForm,
        anchor="support",
    )  # fmt: skip


async def _record(
    request: Request,
    actor: Actor,
    family_id: uuid.UUID,
    *,
    form: str,
    fields: tuple[str, ...],
    record: Callable[..., object],
    form_type: Callable[..., object],
    anchor: str = "",
) -> Response:
    """Record a contact or a support request; refused, the page with that form again."""
    values = await form_fields(request, *fields)
    try:
        record(request.state.db, actor=actor, family_id=family_id, form=form_type(**values))
    except (Invalid, Conflict) as error:
        refusal = refuse(request, error, form, values)
        return _page(request, actor, family_id, refusal=refusal, **{form: values})
    return _saved(request, family_id, form, anchor)


async def update_support_request(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    request_id = path_uuid(request, "support_request_id")
    values = await form_fields(request, "outcome")
    db = request.state.db
    try:
        updated = support_catalogue.record_outcome(
            db, actor=actor, support_request_id=request_id, outcome=values["outcome"]
        )
    except Invalid as error:
        refusal = refuse(request, error, "outcome")
        stored = db.get(SupportRequest, request_id)
        if stored is None:  # pragma: no cover - record_outcome found it a moment ago
            raise NotFound from None
        return _page(request, actor, stored.family_id, refusal=refusal, outcome_for=str(request_id))
    return _saved(request, updated.family_id, "outcome", "support")


routes = [
    Route(
        "/families/{family_id}/contacts",
        institution_contacts,
        methods=["GET", "POST"],
        name="institution_contacts",
    ),
    post(
        "/families/{family_id}/support-requests",
        record_support_request,
        name="record_support_request",
    ),
    post(
        "/support-requests/{support_request_id}",
        update_support_request,
        name="update_support_request",
    ),
]
