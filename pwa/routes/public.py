"""Pages anyone may open: the front page, sign-in, the health check."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from pwa.db import database_answers
from pwa.web.auth import current_user, home_url
from pwa.web.render import render


async def front_page(request: Request) -> Response:
    user = current_user(request)
    if user is not None:
        return RedirectResponse(home_url(user), status_code=303)
    return render(request, "public/front.html")


async def healthz(request: Request) -> Response:
    """200 when the database answers, 503 when it does not (for the load balancer)."""
    if database_answers(request.state.db):
        return PlainTextResponse("ok")
    return PlainTextResponse("database unavailable", status_code=503)


routes = [
    Route("/", front_page, name="front_page"),
    Route("/healthz", healthz, name="healthz"),
]
