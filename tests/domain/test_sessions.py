"""Sessions: idle timeout and absolute lifetime."""

from __future__ import annotations

from datetime import timedelta

from pwa.domain.people.sessions import SessionPolicy, session_is_live
from pwa.models import UserSession
from tests.support.clock import NOW

POLICY = SessionPolicy(idle_timeout=3600, max_age=86400)
START = NOW  # any fixed moment: only the differences count


def session(**values: object) -> UserSession:
    return UserSession(
        token_hash="x",
        created_at=START,
        last_seen_at=values.pop("last_seen_at", START),
        expires_at=START + timedelta(seconds=POLICY.max_age),
        **values,
    )


def test_a_fresh_session_is_live():
    assert session_is_live(session(), policy=POLICY, now=START + timedelta(minutes=5))


def test_an_idle_session_expires():
    assert not session_is_live(session(), policy=POLICY, now=START + timedelta(hours=1))


def test_an_active_session_still_ends_at_its_absolute_lifetime():
    row = session(last_seen_at=START + timedelta(hours=23, minutes=59))
    assert session_is_live(
        row, policy=POLICY, now=START + timedelta(hours=23, minutes=59, seconds=30)
    )
    assert not session_is_live(row, policy=POLICY, now=START + timedelta(hours=24))


def test_an_ended_session_is_not_live():
    assert not session_is_live(session(ended_at=START), policy=POLICY, now=START)
