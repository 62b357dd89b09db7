"""Attempts that a stranger could repeat (sign-in, invitation links): counted, slowed, refused."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response

from pwa.domain.kernel.errors import DomainError, NotFound, Refused
from pwa.domain.people import rate_limits
from pwa.models import User
from pwa.web.auth import client_address, sign_in
from pwa.web.json import credential_body, json_error
from pwa.web.middleware import KEEP_CHANGES_ON_ERROR

T = TypeVar("T")


async def limited_attempt(
    request: Request, *, kind: str, limit: rate_limits.Limit, attempt: Callable[[], T]
) -> T:
    """Run `attempt`; a refusal is counted against this client (kept despite the rollback of
    everything else), answered more slowly each time, and refused outright past the limit."""
    db = request.state.db
    key = f"{kind}:{client_address(request)}"
    delay = rate_limits.check(db, key=key, limit=limit)
    try:
        return attempt()
    except (Refused, NotFound) as refusal:
        db.rollback()
        rate_limits.record_failure(db, key=key)
        rate_limits.record_refusal(db, kind=kind, refusal=refusal)
        setattr(request.state, KEEP_CHANGES_ON_ERROR, True)
        if delay:
            await asyncio.sleep(delay)
        raise


async def sign_in_with_passkey(request: Request, check: Callable[[str], User]) -> Response:
    """Check the posted passkey (`check` gets the credential's JSON; counted as a sign-in
    attempt) and start the user's session; a refusal is the JSON error the page's script shows.
    """
    try:
        sent = await credential_body(request)
        user = await limited_attempt(
            request, kind="signin", limit=rate_limits.SIGN_IN,
            attempt=lambda: check(sent.credential_json),
        )  # fmt: skip
    except DomainError as error:
        return json_error(error)
    return sign_in(request, user, as_json=True)
