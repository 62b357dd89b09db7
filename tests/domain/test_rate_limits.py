"""Abuse limits: slowed after a few failures, refused after many, per client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from pwa.domain.kernel.errors import TooManyAttempts
from pwa.domain.people import rate_limits
from pwa.models import RateLimitEvent, utcnow

LIMIT = rate_limits.Limit(window=timedelta(minutes=15), slow_after=3, refuse_after=10)


def test_first_failures_are_not_slowed(db: Session):
    now = utcnow()
    for _ in range(3):
        assert rate_limits.check(db, key="signin:1.2.3.4", limit=LIMIT, now=now) == 0
        rate_limits.record_failure(db, key="signin:1.2.3.4", now=now)
    db.flush()
    assert rate_limits.check(db, key="signin:1.2.3.4", limit=LIMIT, now=now) == 1.0


def test_repeated_failures_are_refused_with_a_polish_message(db: Session):
    now = utcnow()
    for _ in range(10):
        rate_limits.record_failure(db, key="signin:1.2.3.4", now=now)
    db.flush()
    with pytest.raises(TooManyAttempts, match="Spróbuj ponownie za 15 minut"):
        rate_limits.check(db, key="signin:1.2.3.4", limit=LIMIT, now=now)


def test_another_client_is_not_locked_out(db: Session):
    now = utcnow()
    for _ in range(10):
        rate_limits.record_failure(db, key="signin:1.2.3.4", now=now)
    db.flush()
    assert rate_limits.check(db, key="signin:5.6.7.8", limit=LIMIT, now=now) == 0


def test_failures_older_than_the_window_are_forgotten(db: Session):
    then = utcnow() - timedelta(minutes=16)
    for _ in range(10):
        rate_limits.record_failure(db, key="signin:1.2.3.4", now=then)
    db.flush()
    assert rate_limits.check(db, key="signin:1.2.3.4", limit=LIMIT) == 0


def test_a_new_failure_prunes_failures_too_old_to_count(db: Session):
    now = utcnow()
    rate_limits.record_failure(db, key="signin:1.2.3.4", now=now - timedelta(days=2))
    rate_limits.record_failure(db, key="signin:5.6.7.8", now=now - timedelta(hours=23))
    db.flush()
    rate_limits.record_failure(db, key="signin:9.9.9.9", now=now)
    db.flush()
    kept = db.exec(select(RateLimitEvent.key).order_by(col(RateLimitEvent.at))).all()
    assert list(kept) == ["signin:5.6.7.8", "signin:9.9.9.9"]
