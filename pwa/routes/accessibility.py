"""The accessibility statement (deklaracja dostępności): public, signed in or not."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.centre import accessibility
from pwa.web.auth import current_user
from pwa.web.render import render


async def accessibility_statement(request: Request) -> Response:
    user = current_user(request)
    statement = accessibility.accessibility_statement(
        request.state.db,
        centre_id=user.centre_id if user else None,
        base_url=request.app.state.settings.base_url,
    )
    return render(request, "accessibility/statement.html", {"statement": statement})


routes = [Route("/dostepnosc", accessibility_statement, name="accessibility_statement")]
