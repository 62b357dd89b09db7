"""The signed-in user's own account: who they are, signing out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain import users
from pwa.web.auth import require_user, sign_out
from pwa.web.render import render


async def account_page(request: Request) -> Response:
    user = require_user(request)
    return render(
        request, "account/index.html", {"role_label": users.role_label(user.role, user.gender)}
    )


async def logout(request: Request) -> Response:
    require_user(request)
    return sign_out(request)


routes = [
    Route("/account", account_page, name="account"),
    Route("/logout", logout, methods=["POST"], name="logout"),
]
