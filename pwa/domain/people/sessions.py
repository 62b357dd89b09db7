"""Server-side sessions: the cookie carries a random token, the database its hash."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.models import PushSubscription, User, UserSession, utcnow

# Touch last_seen_at at most this often, so reads do not all become writes (seconds).
LAST_SEEN_RESOLUTION = 60


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives: idle timeout and absolute lifetime, in seconds."""

    idle_timeout: int
    max_age: int


def start_session(
    db: Session,
    *,
    user: User,
    policy: SessionPolicy,
    user_agent: str = "",
    now: datetime | None = None,
) -> tuple[UserSession, str]:
    """Open a session for `user`; returns it with the token for the cookie."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = UserSession(
        user_id=user.id,
        token_hash=hash_token(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(seconds=policy.max_age),
        user_agent=user_agent[:300],
    )
    db.add(row)
    db.flush()
    return row, token


def session_is_live(row: UserSession, *, policy: SessionPolicy, now: datetime) -> bool:
    """Neither ended, nor past its absolute lifetime, nor idle for too long."""
    if row.ended_at is not None or now >= row.expires_at:
        return False
    return now - row.last_seen_at < timedelta(seconds=policy.idle_timeout)


def resume_session(
    db: Session, *, token: str, policy: SessionPolicy, now: datetime | None = None
) -> tuple[UserSession, User] | None:
    """The live session and its active user for a cookie token, or None."""
    now = now or utcnow()
    if not token or len(token) > 100:
        return None
    found = db.exec(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)  # type: ignore[arg-type]
        .where(UserSession.token_hash == hash_token(token))
    ).first()
    if found is None:
        return None
    row, user = found
    if not user.is_active or not session_is_live(row, policy=policy, now=now):
        return None
    if (now - row.last_seen_at).total_seconds() >= LAST_SEEN_RESOLUTION:
        row.last_seen_at = now
        db.add(row)
    return row, user


def end_session(db: Session, *, row: UserSession, reason: str, now: datetime | None = None) -> None:
    """End a session; the device that subscribed to reminders in it gets no more of them."""
    if row.ended_at is None:
        row.ended_at = now or utcnow()
        row.ended_reason = reason[:200]
        db.add(row)
    db.execute(sa.delete(PushSubscription).where(col(PushSubscription.session_id) == row.id))


def end_every_session(db: Session, *, user_id: uuid.UUID, reason: str, now: datetime) -> int:
    """End all of a user's sessions and stop reminders to every device of theirs (a lost phone,
    a deactivation); how many sessions were live."""
    result = db.execute(
        sa.update(UserSession)
        .where(col(UserSession.user_id) == user_id, col(UserSession.ended_at).is_(None))
        .values(ended_at=now, ended_reason=reason[:200])
    )
    db.execute(sa.delete(PushSubscription).where(col(PushSubscription.user_id) == user_id))
    return int(result.rowcount)  # type: ignore[attr-defined]
