"""The "Za życiem" support catalogue over HTTP: the centre's catalogue (the coordinator keeps it,
assistants read it) and the page a "Za życiem" family sees on its phone."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.cases import support_catalogue
from pwa.domain.cases.support_catalogue import ServiceForm
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Invalid
from pwa.models import Role, SupportCategory
from pwa.web.auth import STAFF, require_actor
from pwa.web.forms import form_fields, path_uuid
from pwa.web.render import path_for, redirect, render
from pwa.web.routing import post

SERVICE_FIELDS = ("category", "name", "description", "address", "phone", "hours", "website")
CATALOGUE = "/support-catalogue"


def _catalogue_page(
    request: Request,
    actor: Actor,
    *,
    new: dict[str, str] | None = None,
    edit_id: str = "",
    edit: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The catalogue; after a refusal, the refused form (new, or the item `edit_id`) again."""
    view = support_catalogue.staff_catalogue(request.state.db, actor=actor)
    context: dict[str, Any] = {
        "catalogue": view,
        "categories": list(SupportCategory),
        "new": new or {},
        "edit_id": edit_id,
        "edit": edit or {},
        "errors": errors or {},
        "saved": request.query_params.get("saved", ""),
    }
    block = "new_service" if new is not None and status_code >= 400 else None
    return render(request, "support/catalogue.html", context, block=block, status_code=status_code)


def _saved(request: Request, saved: str, service_id: uuid.UUID) -> Response:
    """Back to the catalogue at the service, which says what was saved."""
    return redirect(
        request, path_for(request, "support_catalogue", query={"saved": saved},
                          anchor=f"service-{service_id}"),
    )  # fmt: skip


async def catalogue_page(request: Request) -> Response:
    return _catalogue_page(request, require_actor(request, *STAFF))


async def add_service(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    values = await form_fields(request, *SERVICE_FIELDS)
    try:
        service = support_catalogue.add_service(
            request.state.db, actor=actor, form=ServiceForm(**values)
        )
    except Invalid as error:
        request.state.db.rollback()
        return _catalogue_page(
            request, actor, new=values, errors=error.errors, status_code=error.status_code
        )
    return _saved(request, "added", service.id)


async def edit_service(request: Request) -> Response:
    """Save the item's changes, or deactivate it, or bring it back (the button says which)."""
    actor = require_actor(request, Role.coordinator)
    service_id = path_uuid(request, "service_id")
    values = await form_fields(request, "action", *SERVICE_FIELDS)
    action = values.pop("action")
    db = request.state.db
    try:
        if action in ("deactivate", "activate"):
            support_catalogue.set_service_active(
                db, actor=actor, service_id=service_id, active=action == "activate"
            )
        else:
            support_catalogue.update_service(
                db, actor=actor, service_id=service_id, form=ServiceForm(**values)
            )
    except Invalid as error:
        db.rollback()
        return _catalogue_page(
            request, actor, edit_id=str(service_id), edit=values, errors=error.errors,
            status_code=error.status_code,
        )  # fmt: skip
    saved = action if action in ("deactivate", "activate") else "changed"
    return _saved(request, saved, service_id)


async def family_support(request: Request) -> Response:
    actor = require_actor(request, Role.family)
    page = support_catalogue.family_catalogue(request.state.db, actor=actor)
    return render(request, "support/family.html", {"page": page}, offline=True)


routes = [
    Route(CATALOGUE, catalogue_page, name="support_catalogue"),
    post(CATALOGUE, add_service, name="add_support_service"),
    post(CATALOGUE + "/{service_id}", edit_service, name="edit_support_service"),
    Route("/family/support", family_support, name="family_support"),
]
