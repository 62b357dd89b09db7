"""Demo sign-in: only when ASYSTA_DEMO=1; otherwise every URL here is a 404."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.kernel.errors import NotFound
from pwa.domain.people import users
from pwa.web.auth import sign_in
from pwa.web.forms import path_uuid
from pwa.web.render import render
from pwa.web.routing import post


def _require_demo_mode(request: Request) -> None:
    if not request.app.state.settings.demo:
        raise NotFound


async def demo_page(request: Request) -> Response:
    _require_demo_mode(request)
    accounts = users.demo_accounts(request.state.db)
    return render(request, "demo/index.html", {"accounts": accounts})


async def demo_sign_in(request: Request) -> Response:
    _require_demo_mode(request)
    user = users.get_demo_user(request.state.db, user_id=path_uuid(request, "user_id"))
    return sign_in(request, user)


routes = [
    Route("/demo", demo_page, name="demo"),
    post("/demo/{user_id}/signin", demo_sign_in, name="demo_sign_in"),
]
