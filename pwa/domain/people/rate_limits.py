"""Abuse limits: failed sign-ins and invitation attempts from one client, counted in the database.

Keyed by client (address), never by account: a stranger hammering the sign-in page cannot lock
the real user out, who signs in from her own phone and network.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.domain.kernel import audit
from pwa.domain.kernel.errors import DomainError, TooManyAttempts
from pwa.i18n import ngettext
from pwa.models import RateLimitEvent, utcnow


@dataclass(frozen=True)
class Limit:
    """After `slow_after` failures in `window`, answers are slowed; after `refuse_after`, refused."""

    window: timedelta = timedelta(minutes=15)
    slow_after: int = 3
    refuse_after: int = 10
    max_delay_seconds: float = 8.0


SIGN_IN = Limit()
INVITATION = Limit()


def failures(db: Session, *, key: str, limit: Limit, now: datetime) -> list[datetime]:
    """When the client failed within the window, oldest first."""
    rows = db.exec(
        select(RateLimitEvent.at)
        .where(RateLimitEvent.key == key, col(RateLimitEvent.at) > now - limit.window)
        .order_by(col(RateLimitEvent.at))
    ).all()
    return list(rows)


def check(db: Session, *, key: str, limit: Limit, now: datetime | None = None) -> float:
    """Raise TooManyAttempts when refused; otherwise the delay (seconds) to slow the answer by."""
    now = now or utcnow()
    recent = failures(db, key=key, limit=limit, now=now)
    if len(recent) >= limit.refuse_after:
        free_at = recent[len(recent) - limit.refuse_after] + limit.window
        minutes = max(1, math.ceil((free_at - now).total_seconds() / 60))
        raise TooManyAttempts(
            ngettext(
                "Too many failed attempts from this device. Try again in %(num)s minute.",
                "Too many failed attempts from this device. Try again in %(num)s minutes.",
                minutes,
            )
        )
    excess = len(recent) - limit.slow_after
    return 0.0 if excess < 0 else min(2.0**excess, limit.max_delay_seconds)


# Longer than any window: a failure older than this counts for nothing.
KEEP_FAILURES = timedelta(days=1)


def record_failure(db: Session, *, key: str, now: datetime | None = None) -> None:
    """Count a failed attempt; failures too old to count are deleted on the way (the table
    is pruned by the traffic that fills it, so no job has to remember to)."""
    now = now or utcnow()
    db.execute(sa.delete(RateLimitEvent).where(col(RateLimitEvent.at) < now - KEEP_FAILURES))
    db.add(RateLimitEvent(key=key[:200], at=now))


def record_refusal(db: Session, *, kind: str, refusal: DomainError) -> None:
    """Audit a refused attempt ("signin.refused", "invitation.refused") without the attempt's
    personal data: no address, no device, nothing typed. A failed check of a registered
    passkey names its account, so the centre sees that someone tried it."""
    user_id = getattr(refusal, "user_id", None)
    account: dict[str, object] = {"account_id": str(user_id)} if user_id else {}
    audit.record(
        db,
        actor=None,
        action=f"{kind}.refused",
        centre_id=getattr(refusal, "centre_id", None),
        **account,  # type: ignore[arg-type]
    )
