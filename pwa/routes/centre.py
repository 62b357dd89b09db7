"""The centre's settings over HTTP: its public details (the public page at "/") and whether
an assistant waits for the multiprofessional team's decision (coordinators only)."""

from __future__ import annotations

from dataclasses import asdict, fields

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.centre import public_page
from pwa.domain.kernel.errors import Invalid
from pwa.models import Role
from pwa.web.auth import require_actor
from pwa.web.forms import form_fields
from pwa.web.render import path_for, redirect, render

PAGE = "centre/settings.html"
FIELDS = tuple(field.name for field in fields(public_page.CentreSettingsForm))


async def centre_settings(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    if request.method == "GET":
        form = public_page.settings_form(request.state.centre)
        saved = request.query_params.get("done") == "saved"
        return render(request, PAGE, {"form": asdict(form), "errors": {}, "saved": saved})
    values = await form_fields(request, *FIELDS)
    try:
        public_page.update_settings(
            request.state.db, actor=actor, form=public_page.CentreSettingsForm(**values)
        )
    except Invalid as error:
        request.state.db.rollback()
        context = {"form": values, "errors": error.errors, "saved": False}
        return render(request, PAGE, context, block="settings_form", status_code=422)
    return redirect(request, path_for(request, "centre_settings", query={"done": "saved"}))


routes = [
    Route("/centre/settings", centre_settings, methods=["GET", "POST"], name="centre_settings"),
]
