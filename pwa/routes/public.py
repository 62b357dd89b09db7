"""Pages anyone may open: the front page (the centre's public page), the health check."""

from __future__ import annotations

from datetime import date, timedelta

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from pwa.db import database_answers
from pwa.domain.centre import public_page
from pwa.i18n import format_weekday
from pwa.web.auth import current_user, home_url
from pwa.web.render import render

A_MONDAY = date(2024, 1, 1)


async def front_page(request: Request) -> Response:
    """The centre's public page: what an assistant does, how to apply, where and when."""
    user = current_user(request)
    if user is not None and "centre" not in request.query_params:  # ?centre= previews the page
        return RedirectResponse(home_url(request, user), status_code=303)
    page = public_page.public_page(
        request.state.db, centre_param=request.query_params.get("centre", "")[:64]
    )
    context = {"page": page, "weekday_names": weekday_names()}
    return render(request, "public/front.html", context)


def weekday_names() -> list[str]:
    """Monday … Sunday in the current language (index = OfficeHours.weekday)."""
    return [format_weekday(A_MONDAY + timedelta(days=n)) for n in range(7)]


async def healthz(request: Request) -> Response:
    """200 when the database answers, 503 when it does not (for the load balancer)."""
    if database_answers(request.state.db):
        return PlainTextResponse("ok")
    return PlainTextResponse("database unavailable", status_code=503)


routes = [
    Route("/", front_page, name="front_page"),
    Route("/healthz", healthz, name="healthz"),
]
