"""Attempts that a stranger could repeat (sign-in, invitation links): counted, slowed, refused."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from starlette.requests import Request

from pwa.domain.kernel.errors import NotFound, Refused
from pwa.domain.people import rate_limits
from pwa.web.auth import client_address
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
    except (Refused, NotFound):
        db.rollback()
        rate_limits.record_failure(db, key=key)
        setattr(request.state, KEEP_CHANGES_ON_ERROR, True)
        if delay:
            await asyncio.sleep(delay)
        raise
