"""The audit log, for the coordinator: who read or changed what, per family and per user."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.kernel import audit
from pwa.domain.kernel.forms import parse_date, parse_page, parse_uuid
from pwa.models import Role
from pwa.web.auth import require_actor
from pwa.web.render import render

PAGE_SIZE = 100


async def audit_log(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    query = request.query_params
    where = audit.AuditFilter(
        family_id=parse_uuid(query.get("family", "")),
        actor_id=parse_uuid(query.get("user", "")),
        day=parse_date(query.get("day", "")),
    )
    page = parse_page(query.get("page"))
    rows = audit.search(
        request.state.db,
        centre_id=actor.centre_id,
        where=where,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "audit/index.html",
        {"rows": rows[:PAGE_SIZE], "has_more": len(rows) > PAGE_SIZE, "page": page, "where": where},
        block="results",
    )


routes = [Route("/audit", audit_log, name="audit_log")]
