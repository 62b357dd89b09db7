"""Usernameless sign-in with a passkey."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pwa.domain.kernel.errors import DomainError
from pwa.domain.people import passkeys, rate_limits
from pwa.web.attempts import sign_in_with_passkey
from pwa.web.auth import client_address, current_user, home_url, relying_party
from pwa.web.json import json_error, options_response
from pwa.web.render import render
from pwa.web.routing import post


async def sign_in_page(request: Request) -> Response:
    user = current_user(request)
    if user is not None:
        return RedirectResponse(home_url(request, user), status_code=303)
    signed_out = request.query_params.get("signed_out") == "1"
    return render(request, "signin/index.html", {"signed_out": signed_out})


async def sign_in_options(request: Request) -> Response:
    try:
        rate_limits.check(
            request.state.db, key=f"signin:{client_address(request)}", limit=rate_limits.SIGN_IN
        )
    except DomainError as error:
        return json_error(error)
    options = passkeys.authentication_options(request.state.db, rp=relying_party(request))
    return options_response(options)


async def sign_in_verify(request: Request) -> Response:
    return await sign_in_with_passkey(
        request,
        lambda credential_json: passkeys.authenticate(
            request.state.db, rp=relying_party(request), credential_json=credential_json
        ),
    )


routes = [
    Route("/signin", sign_in_page, name="sign_in"),
    post("/signin/options", sign_in_options, name="sign_in_options"),
    post("/signin/verify", sign_in_verify, name="sign_in_verify"),
]
