"""Sign-in guards used by every route: who is asking, and may they ask at all."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pwa import i18n
from pwa.domain.kernel import audit
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Forbidden
from pwa.domain.people import sessions
from pwa.domain.people.passkeys import RelyingParty
from pwa.models import Role, User, UserSession
from pwa.web.middleware import build_cookie, cookie_names
from pwa.web.render import path_for, redirect

# The centre's staff: every page about families that the families themselves do not see.
STAFF = (Role.coordinator, Role.assistant)


class SignInRequired(Exception):
    """Nobody is signed in (or the session ended): send them to the sign-in page."""


def current_user(request: Request) -> User | None:
    return getattr(request.state, "user", None)


def current_session(request: Request) -> UserSession | None:
    return getattr(request.state, "user_session", None)


def require_user(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise SignInRequired
    return user


def require_role(request: Request, *roles: Role) -> User:
    """The signed-in user, if their role is one of `roles`."""
    user = require_user(request)
    if user.role not in roles:
        raise Forbidden(i18n.gettext("This page is not available for your role."))
    return user


def require_actor(request: Request, *roles: Role) -> Actor:
    """The signed-in user (of one of `roles`, when given) with their session, for the domain."""
    user = require_role(request, *roles) if roles else require_user(request)
    row = current_session(request)
    return Actor(user=user, session_id=row.id if row else None)


def relying_party(request: Request) -> RelyingParty:
    settings = request.app.state.settings
    return RelyingParty(id=settings.rp_id, name="Asysta", origin=settings.origin)


def client_address(request: Request) -> str:
    """The client's address (uvicorn sets it from X-Forwarded-For behind the trusted proxy)."""
    return request.client.host if request.client else "unknown"


HOME_BY_ROLE = {  # the name of each role's home page
    Role.coordinator: "coordinator_home",
    Role.assistant: "assistant_home",
    Role.family: "family_home",
}


def home_url(request: Request, user: User) -> str:
    return path_for(request, HOME_BY_ROLE[user.role])


def sign_in(
    request: Request, user: User, *, next_url: str | None = None, as_json: bool = False
) -> Response:
    """Start a server-side session for `user` and send them to their home page."""
    settings = request.app.state.settings
    previous = current_session(request)
    if previous is not None:
        sessions.end_session(request.state.db, row=previous, reason="signed in again")
    row, token = sessions.start_session(
        request.state.db,
        user=user,
        policy=sessions.SessionPolicy(
            idle_timeout=settings.session_idle_timeout, max_age=settings.session_max_age
        ),
        user_agent=request.headers.get("user-agent", ""),
    )
    audit.record(
        request.state.db, actor=Actor(user=user, session_id=row.id), action="session.sign_in",
        family_id=user.family_id,
    )  # fmt: skip
    target = next_url or home_url(request, user)
    response = JSONResponse({"redirect": target}) if as_json else redirect(request, target)
    response.headers.append(
        "set-cookie",
        build_cookie(
            settings, cookie_names(settings)["session"], token, max_age=settings.session_max_age
        ),
    )
    return response


def sign_out(request: Request) -> Response:
    """End the session; tell the browser to drop this site's cache and storage."""
    settings = request.app.state.settings
    row = current_session(request)
    if row is not None:
        sessions.end_session(request.state.db, row=row, reason="signed out")
    response = redirect(request, path_for(request, "sign_in", query={"signed_out": "1"}))
    response.headers.append(
        "set-cookie", build_cookie(settings, cookie_names(settings)["session"], "", max_age=0)
    )
    response.headers["clear-site-data"] = '"cache", "storage"'
    return response
