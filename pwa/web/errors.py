"""Error pages in Polish (never a stack trace), and how domain errors become responses."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pwa import i18n
from pwa.domain.kernel.errors import DomainError, Forbidden, NotFound
from pwa.web.auth import SignInRequired
from pwa.web.render import path_for, redirect, render

log = logging.getLogger("asysta")


def _messages() -> dict[int, tuple[str, str]]:
    _ = i18n.gettext
    return {
        400: (_("Something is wrong with the request"), _("Please go back and try again.")),
        403: (
            _("You cannot do this"),
            _(
                "This page or action is not available to you. If you think it should be, ask your coordinator."
            ),
        ),
        404: (
            _("Page not found"),
            _("There is no such page, or it is not available to you."),
        ),
        405: (_("Something is wrong with the request"), _("Please go back and try again.")),
        409: (
            _("The record has changed"),
            _("Someone changed this meanwhile. Reload the page and try again."),
        ),
        413: (_("Too much data"), _("The form is too large to be sent.")),
        422: (_("Please check the form"), _("Some of the data could not be accepted.")),
        429: (_("Too many attempts"), _("Please wait a few minutes and try again.")),
        500: (
            _("Something went wrong on our side"),
            _(
                "Nothing you entered was lost on purpose, but please check that it was saved. Try again in a moment."
            ),
        ),
        503: (
            _("The service is temporarily unavailable"),
            _("We cannot reach the database right now. Please try again in a moment."),
        ),
    }


def error_page(
    request: Request, status_code: int, detail: str = "", headers: dict[str, str] | None = None
) -> Response:
    title, explanation = _messages().get(status_code, _messages()[400])
    context: dict[str, Any] = {
        "status_code": status_code,
        "title": title,
        "explanation": detail or explanation,
    }
    return render(
        request,
        "errors/error.html",
        context,
        block="error",
        status_code=status_code,
        headers=headers,
    )


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    # Starlette's own details are English ("Not Found"): show ours instead.
    return error_page(request, exc.status_code, headers=dict(exc.headers or {}))


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if isinstance(exc, NotFound):
        return error_page(request, 404)
    if isinstance(exc, Forbidden):
        return error_page(request, 403, exc.message)
    return error_page(request, exc.status_code, exc.message)


async def sign_in_required(request: Request, exc: Exception) -> Response:
    return redirect(request, path_for(request, "sign_in"))


async def database_unavailable(request: Request, exc: Exception) -> Response:
    log.warning("database unavailable: %s", exc)
    return error_page(request, 503, headers={"Retry-After": "5"})


def _database_outage(exc: BaseException | None) -> BaseException | None:
    """The lost-database error behind `exc`, if any: a commit that fails as the response
    starts reaches here wrapped in Starlette's "response already started" RuntimeError."""
    while exc is not None:
        if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
            return exc
        exc = exc.__cause__
    return None


async def server_error(request: Request, exc: Exception) -> Response:
    if _database_outage(exc) is not None:
        return await database_unavailable(request, exc)
    log.exception("unhandled error", exc_info=exc)
    return error_page(request, 500)


async def csrf_failure(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer a request whose CSRF token is missing or wrong (or whose body is too large)."""
    request = Request(scope, receive)
    if scope.get("csrf_failure") == "too_large":
        response = error_page(request, 413)
    else:
        response = error_page(
            request,
            403,
            i18n.gettext("The form has expired. Reload the page and send it again."),
        )
    await response(scope, receive, send)


EXCEPTION_HANDLERS = {
    HTTPException: http_exception,
    DomainError: domain_error,
    SignInRequired: sign_in_required,
    sa.exc.OperationalError: database_unavailable,
    sa.exc.InterfaceError: database_unavailable,
}


class ErrorPageMiddleware:
    """Turns an unexpected exception into the Polish 500/503 page, inside the security headers.

    (Starlette's own ServerErrorMiddleware sits outside every middleware, so its page would
    go out without the CSP.)
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            request = Request(scope, receive)
            # The unit of work has rolled back and closed its session, so the signed-in user
            # and their centre are expired, detached rows: the error page is drawn without them.
            request.state.user = None
            request.state.centre = None
            response = await server_error(request, exc)
            await response(scope, receive, send)
