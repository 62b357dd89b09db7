"""The ASGI middleware of the frame: unit of work, signed-in user, locale, CSRF, headers.

Pure ASGI (not BaseHTTPMiddleware) so that they compose without buffering responses and
so that request state set here is seen by the route.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any

from sqlmodel import Session
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pwa import i18n
from pwa.domain.people import sessions
from pwa.models import Centre
from pwa.settings import Settings
from pwa.web.htmx import HtmxDetails

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
MAX_FORM_BYTES = 1024 * 1024  # 1 MiB: no form of Asysta needs more
KEEP_CHANGES_ON_ERROR = "keep_changes_on_error"
# The CSRF cookie outlives the browser session (30 days, in seconds): the offline outbox
# replays forms long after the page that made them was closed.
CSRF_COOKIE_MAX_AGE = 30 * 24 * 3600


def cookie_names(settings: Settings) -> dict[str, str]:
    """`__Host-` prefixed names where cookies are Secure (they then bind to this host)."""
    prefix = "__Host-" if settings.secure_cookies else ""
    return {
        "session": f"{prefix}asysta_session",
        "csrf": f"{prefix}asysta_csrf",
        "lang": "asysta_lang",
    }


def build_cookie(
    settings: Settings, name: str, value: str, *, max_age: int | None = None, http_only: bool = True
) -> str:
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = value
    morsel = cookie[name]
    morsel["path"] = "/"
    morsel["samesite"] = "Lax"
    if http_only:
        morsel["httponly"] = True
    if settings.secure_cookies:
        morsel["secure"] = True
    if max_age is not None:
        morsel["max-age"] = max_age
    return morsel.OutputString()


def _state(scope: Scope) -> dict[str, Any]:
    return scope.setdefault("state", {})


def with_response_headers(send: Send, add: Callable[[MutableHeaders, int], None]) -> Send:
    """Wrap `send` so that `add(headers, status)` runs on the response start."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            add(MutableHeaders(scope=message), message["status"])
        await send(message)

    return wrapped


class UnitOfWorkMiddleware:
    """One database session per request: committed before a success is sent, else rolled back.

    Committing before the response starts means a client is never told "saved" for
    something that was not.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._sqlite_turn = asyncio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _state(scope)["engine"].dialect.name == "sqlite":
            # SQLite has one writer, and every request writes (at least its audit event).
            # Requests of this process take turns here, awaiting without blocking the event
            # loop, instead of blocking it inside SQLite's busy wait (a deadlock: the request
            # holding the lock could never finish).
            async with self._sqlite_turn:
                await self._unit_of_work(scope, receive, send)
        else:
            await self._unit_of_work(scope, receive, send)

    async def _unit_of_work(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = _state(scope)
        with Session(state["engine"], expire_on_commit=False) as db:
            state["db"] = db

            async def send_after_commit(message: Message) -> None:
                if message["type"] == "http.response.start":
                    # A refusal may still need its own record kept (a failed sign-in counted).
                    if message["status"] < 400 or state.get(KEEP_CHANGES_ON_ERROR):
                        db.commit()
                    else:
                        db.rollback()
                await send(message)

            try:
                await self.app(scope, receive, send_after_commit)
            except BaseException:
                db.rollback()
                raise


class SignedInUserMiddleware:
    """Finds the user behind the session cookie and sets the locale of the request."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.names = cookie_names(settings)
        self.policy = sessions.SessionPolicy(
            idle_timeout=settings.session_idle_timeout, max_age=settings.session_max_age
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = _state(scope)
        request = Request(scope)
        state["htmx"] = HtmxDetails.from_headers(request.headers)
        state["user"] = state["user_session"] = state["centre"] = None
        token = request.cookies.get(self.names["session"], "")
        stale_cookie = False
        if token:
            found = sessions.resume_session(state["db"], token=token, policy=self.policy)
            if found is None:
                stale_cookie = True
            else:
                user_session, user = found
                state["user"], state["user_session"] = user, user_session
                state["centre"] = state["db"].get(Centre, user.centre_id)
        user = state["user"]
        locale = user.locale if user else request.cookies.get(self.names["lang"])
        i18n.set_locale(i18n.normalise_locale(locale))
        if stale_cookie:
            # An ended or expired session: forget the cookie so the browser stops sending it.
            expired = build_cookie(self.settings, self.names["session"], "", max_age=0)
            send = with_response_headers(
                send, lambda headers, _status: headers.append("set-cookie", expired)
            )
        await self.app(scope, receive, send)


class CsrfMiddleware:
    """Every unsafe request carries a token bound to this browser's CSRF cookie and, once
    signed in, to the session.

    Signed double-submit: the cookie holds a random value, forms and htmx send
    HMAC(secret, value, session id). htmx sends it as a header (set on <body hx-headers>),
    forms as a hidden field; fetch() calls read it from <meta name="csrf-token">. Binding the
    session in means a planted CSRF cookie is not enough (the `__Host-` prefix stops that
    today, but only where cookies are Secure), and a page from before a sign-in or sign-out
    cannot post into the new session. The offline outbox fetches a fresh token from
    /session/csrf before it replays, and its header wins over the stored form's field, so
    forms saved on the phone still go through after a new sign-in.
    """

    def __init__(self, app: ASGIApp, *, settings: Settings, on_failure: ASGIApp) -> None:
        self.app = app
        self.settings = settings
        self.cookie_name = cookie_names(settings)["csrf"]
        self.on_failure = on_failure

    def token_for(self, cookie_value: str, session_id: str = "") -> str:
        message = f"csrf:{cookie_value}:{session_id}" if session_id else f"csrf:{cookie_value}"
        digest = hmac.new(self.settings.secret_key.encode(), message.encode(), hashlib.sha256)
        return digest.hexdigest()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookie_value = Request(scope).cookies.get(self.cookie_name, "")
        if not (16 <= len(cookie_value) <= 100):
            cookie_value = secrets.token_urlsafe(32)
            new_cookie = build_cookie(
                self.settings, self.cookie_name, cookie_value, max_age=CSRF_COOKIE_MAX_AGE
            )
            send = with_response_headers(send, lambda h, _s: h.append("set-cookie", new_cookie))
        # Signed in: the session found by SignedInUserMiddleware (which runs first).
        user_session = _state(scope).get("user_session")
        expected = self.token_for(cookie_value, str(user_session.id) if user_session else "")
        _state(scope)["csrf_token"] = expected

        if scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return

        body, too_large = await _read_body(receive, MAX_FORM_BYTES)
        if too_large:
            await self.on_failure({**scope, "csrf_failure": "too_large"}, _replay(b""), send)
            return
        sent = headers.get(CSRF_HEADER) or await _form_field(scope, body, CSRF_FIELD)
        # Compared as bytes: compare_digest refuses str with non-ASCII characters (TypeError).
        if not sent or not hmac.compare_digest(sent.encode(errors="replace"), expected.encode()):
            await self.on_failure({**scope, "csrf_failure": "token"}, _replay(b""), send)
            return
        await self.app(scope, _replay(body), send)


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), False


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _form_field(scope: Scope, body: bytes, name: str) -> str:
    content_type = Headers(scope=scope).get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return ""
    request = Request(scope, _replay(body))
    try:
        async with request.form() as form:
            value = form.get(name)
    except Exception:  # a malformed body simply carries no token
        return ""
    return value if isinstance(value, str) else ""


class SecurityHeadersMiddleware:
    """A strict CSP and the other headers that keep the pages to themselves."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.hsts = settings.behind_tls
        self.csp = "; ".join(
            [
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                "img-src 'self'",
                "font-src 'self'",
                "connect-src 'self'",
                "manifest-src 'self'",
                "worker-src 'self'",
                "object-src 'none'",
                "base-uri 'none'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        def add(headers: MutableHeaders, _status: int) -> None:
            headers["content-security-policy"] = self.csp
            headers["x-content-type-options"] = "nosniff"
            headers["referrer-policy"] = "same-origin"
            headers["x-frame-options"] = "DENY"
            headers["cross-origin-opener-policy"] = "same-origin"
            headers["permissions-policy"] = "camera=(), microphone=(), geolocation=()"
            if self.hsts:
                headers["strict-transport-security"] = "max-age=63072000; includeSubDomains"
            # Pages about families are never stored by shared or browser HTTP caches.
            headers.setdefault("cache-control", "no-store")

        await self.app(scope, receive, with_response_headers(send, add))
