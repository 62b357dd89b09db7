"""The one clock of the test suite: Monday 23 November 2026, noon in Warsaw.

Domain tests pass `now=NOW` / `today=TODAY` to the code under test. A test that goes through
HTTP (or any code that reads the real clock when no `now` is given) must not mix these fixed
dates with the real clock: it uses dates relative to `pwa.i18n.local_today()` instead, so the
suite passes on any day, at any hour (from 23:00 UTC it is already tomorrow in Warsaw).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pwa.i18n import WARSAW


def warsaw(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A Warsaw wall-clock time as the aware UTC datetime the database keeps."""
    return datetime(year, month, day, hour, minute, tzinfo=WARSAW).astimezone(UTC)


TODAY = date(2026, 11, 23)  # a Monday
NOW = warsaw(2026, 11, 23, 12)  # noon in Warsaw, 11:00 UTC
DEMO_TODAY = TODAY + timedelta(days=2)  # the Wednesday the demo data sets are made for
DEMO_NOW = NOW + timedelta(days=2)
