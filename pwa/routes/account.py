"""The signed-in user's own account: passkeys, sessions, signing out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pwa.domain.cases import readers
from pwa.domain.kernel import policy
from pwa.domain.kernel.errors import Conflict, DomainError, Refused
from pwa.domain.people import accounts, passkeys, users
from pwa.models import Role
from pwa.web.auth import relying_party, require_actor, sign_out
from pwa.web.forms import path_uuid
from pwa.web.json import credential_body, json_error, options_response
from pwa.web.pages import refuse
from pwa.web.render import path_for, redirect, render
from pwa.web.routing import post


def _account_context(request: Request, **extra: object) -> dict[str, object]:
    actor = require_actor(request)
    db = request.state.db
    return {
        "role_label": users.role_label(actor.user.role, actor.user.gender),
        "passkeys": passkeys.list_passkeys(db, user=actor.user),
        "sessions": accounts.live_sessions(db, user_id=actor.id),
        "current_session_id": actor.session_id,
        "passkey_error": "",
        "may_see_who_read": policy.may_see_who_read(actor.role),
        **extra,
    }


async def account_page(request: Request) -> Response:
    return render(request, "account/index.html", _account_context(request))


async def who_read(request: Request) -> Response:
    """ "Kto oglądał dane Państwa rodziny": staff reads of the family's file, last 12 months."""
    actor = require_actor(request, Role.family)
    readings = readers.family_readers(request.state.db, actor=actor)
    return render(request, "account/who_read.html", {"readings": readings})


async def add_passkey_options(request: Request) -> Response:
    actor = require_actor(request)
    options = passkeys.account_registration_options(
        request.state.db, rp=relying_party(request), user=actor.user
    )
    return options_response(options)


async def add_passkey(request: Request) -> Response:
    actor = require_actor(request)
    try:
        sent = await credential_body(request)
        passkey = passkeys.register_for_account(
            request.state.db, rp=relying_party(request), actor=actor,
            credential_json=sent.credential_json, label=sent.label,
        )  # fmt: skip
    except DomainError as error:
        return json_error(error)
    return JSONResponse({"redirect": path_for(request, "account"), "passkey": str(passkey.id)})


async def remove_passkey(request: Request) -> Response:
    actor = require_actor(request)
    try:
        passkeys.remove_passkey(
            request.state.db, actor=actor, passkey_id=path_uuid(request, "passkey_id")
        )
    except (Conflict, Refused) as error:
        refusal = refuse(request, error, "passkeys")
        context = _account_context(request, passkey_error=refusal.message)
        return render(
            request, "account/index.html", context, block="passkeys",
            status_code=refusal.status_code,
        )  # fmt: skip
    return redirect(request, path_for(request, "account"))


async def end_session(request: Request) -> Response:
    actor = require_actor(request)
    accounts.end_own_session(
        request.state.db, actor=actor, session_id=path_uuid(request, "session_id")
    )
    return redirect(request, path_for(request, "account"))


async def logout(request: Request) -> Response:
    require_actor(request)
    return sign_out(request)


routes = [
    Route("/account", account_page, name="account"),
    Route("/account/who-read", who_read, name="who_read"),
    post("/account/passkeys/options", add_passkey_options, name="add_passkey_options"),
    post("/account/passkeys", add_passkey, name="add_passkey"),
    post("/account/passkeys/{passkey_id}/remove", remove_passkey, name="remove_passkey"),
    post("/account/sessions/{session_id}/end", end_session, name="end_session"),
    post("/logout", logout, name="logout"),
]
