"""The family's data rights over HTTP (coordinators): the export of everything the centre
holds about a family, the closed cases past retention, and their anonymisation."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.cases import data_export, data_rights
from pwa.domain.kernel.errors import Conflict
from pwa.i18n import local_today
from pwa.models import Role, utcnow
from pwa.web.auth import require_actor
from pwa.web.forms import path_uuid
from pwa.web.render import path_for, redirect, render
from pwa.web.routing import post


async def family_export(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    export = data_export.export_family(
        request.state.db, actor=actor, family_id=path_uuid(request, "family_id"), now=utcnow()
    )
    return Response(
        export.data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )


def _retention_page(request: Request, *, error: str = "", status_code: int = 200) -> Response:
    actor = require_actor(request, Role.coordinator)
    overview = data_rights.retention_overview(
        request.state.db, actor=actor, today=local_today(utcnow())
    )
    context = {
        "overview": overview,
        "error": error,
        "done": request.query_params.get("done") == "anonymised",
    }
    return render(request, "data_rights/retention.html", context, status_code=status_code)


async def retention(request: Request) -> Response:
    return _retention_page(request)


async def anonymise_family(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    now = utcnow()
    try:
        data_rights.anonymise_family(
            request.state.db, actor=actor, family_id=path_uuid(request, "family_id"), now=now,
            today=local_today(now),
        )  # fmt: skip
    except Conflict as refused:
        request.state.db.rollback()
        return _retention_page(request, error=refused.message, status_code=refused.status_code)
    return redirect(request, path_for(request, "retention", query={"done": "anonymised"}))


routes = [
    Route("/families/{family_id}/export.zip", family_export, name="family_export"),
    Route("/retention", retention, name="retention"),
    post("/families/{family_id}/anonymise", anonymise_family, name="anonymise_family"),
]
