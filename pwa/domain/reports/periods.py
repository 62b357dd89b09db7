"""What the reports share: months and years in Warsaw time, each case's history, CSV files.

The monthly report of an assistant is in `reports_monthly`, the centre's yearly figures in
`reports_yearly`; both read a case's history the same way, from here.

A case's history is a list of periods, one per state (referred, active, ended, monitoring,
closed), each from the day it began (CaseEvent.on_date) until the day the next began; the
last one is open. The events are read in the order they were recorded (CaseEvent.at). A
family without any CaseEvent (registered before events were kept, or built by hand) gets
its history from its own dates: referred on `referred_on`, active from `work_started_on`,
ended on `ended_on`, monitoring from `ended_on`, closed on `closed_on`. Work is under way
("worked with", "supported") while the case is active or monitored.

Dates of visits, assessments and states are Warsaw dates already; timestamps (assignments,
tasks done, opinions finalised) are UTC and are turned into Warsaw dates before they are
put in a month: a task done on 31.12 at 23:30 Warsaw time belongs to December.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from pwa.domain.kernel.errors import Invalid, Refused
from pwa.domain.kernel.forms import parse_query_number
from pwa.i18n import WARSAW
from pwa.i18n import gettext as _
from pwa.models import Assignment, CaseEvent, CaseStatus, EndReason, Family

WORKING = frozenset({CaseStatus.active, CaseStatus.monitoring})
DAY = timedelta(days=1)
FIRST_YEAR = 2000  # no centre reports on work from before the app's time
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
Span = tuple[date, date | None]  # days [start, end); end None: still going on


# --- months and years -------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(first: date) -> date:
    return (first.replace(day=1) + timedelta(days=32)).replace(day=1)


def warsaw_midnight(day: date) -> datetime:
    """The moment a Warsaw day begins, as an aware UTC datetime (for UTC columns)."""
    return datetime.combine(day, time.min, tzinfo=WARSAW).astimezone(UTC)


def warsaw_day(moment: datetime) -> date:
    """The Warsaw date of a stored UTC moment."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(WARSAW).date()


def parse_month(value: str | None, *, today: date) -> date:
    """A month as <input type=month> sends it ("2026-11"): its first day; blank = this month."""
    value = (value or "").strip()
    if not value:
        return month_start(today)
    found = _MONTH.match(value)
    month = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    if not found or not 1 <= month[1] <= 12 or month[0] < FIRST_YEAR:
        raise Invalid(_("Choose a month, e.g. 2026-11."), errors={"month": _("Choose a month.")})
    first = date(month[0], month[1], 1)
    if first > today:
        raise Invalid(
            _("This month has not begun yet: choose this month or an earlier one."),
            errors={"month": _("Choose this month or an earlier one.")},
        )
    return first


def parse_year(value: str | None, *, today: date) -> int:
    """A year as typed ("2026"); blank = this year; years to come are refused."""
    value = (value or "").strip()
    if not value:
        return today.year
    try:
        return parse_query_number(value, low=FIRST_YEAR, high=today.year, default=today.year)
    except Refused:
        raise Invalid(
            _("Choose a year between %(first)s and %(last)s.", first=FIRST_YEAR, last=today.year),
            errors={"year": _("Choose a year that has begun.")},
        ) from None


# --- a case's history ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A stretch of days in one state: from `start` until the day before `end` (None: still)."""

    status: CaseStatus
    start: date
    end: date | None

    def overlaps(self, start: date, end: date | None) -> bool:
        """Whether the period shares a day with [start, end) (end None: open)."""
        return (end is None or self.start < end) and (self.end is None or start < self.end)


@dataclass(frozen=True)
class CaseHistory:
    """A family, its states through time, when its work started and ended (and why)."""

    family: Family
    periods: list[Period]
    starts: list[date]  # every start of work (a reopened case starts again)
    ends: list[tuple[date, EndReason]]

    def working_in(self, start: date, end: date | None) -> bool:
        return any(p.status in WORKING and p.overlaps(start, end) for p in self.periods)

    def working_during(self, start: date, end: date | None) -> list[Span]:
        """The stretches within [start, end) when work was under way."""
        found = []
        for period in self.periods:
            if period.status in WORKING and period.overlaps(start, end):
                found.append((max(start, period.start), _earlier(end, period.end)))
        return found

    def working_while(self, spans: Iterable[Span], start: date, end: date) -> bool:
        """Whether work was under way on a day of [start, end) that one of `spans` covers."""
        stretches = self.working_during(start, end)
        return any(overlap(stretch, span) for span in spans for stretch in stretches)

    def status_on(self, day: date) -> CaseStatus | None:
        for period in self.periods:
            if period.start <= day and (period.end is None or day < period.end):
                return period.status
        return None

    def started_by(self, day: date) -> date | None:
        """The latest start of work on or before `day`."""
        return max((start for start in self.starts if start <= day), default=None)


def _earlier(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    return a if b is None else min(a, b)


def _since(family: Family, status: CaseStatus) -> date:
    """The best-known day `status` began, from the family's own dates."""
    known = {
        CaseStatus.referred: family.referred_on,
        CaseStatus.active: family.work_started_on,
        CaseStatus.ended: family.ended_on,
        CaseStatus.monitoring: family.ended_on,
        CaseStatus.closed: family.closed_on or family.ended_on,
    }[status]
    return known or family.referred_on


def _points_from_dates(family: Family) -> list[tuple[date, CaseStatus]]:
    points = [(family.referred_on, CaseStatus.referred)]
    if family.work_started_on is not None and family.status is not CaseStatus.referred:
        points.append((family.work_started_on, CaseStatus.active))
    if family.status in (CaseStatus.ended, CaseStatus.monitoring, CaseStatus.closed):
        if family.ended_on is not None:
            points.append((family.ended_on, CaseStatus.ended))
        if family.status is CaseStatus.monitoring or family.monitoring_until is not None:
            points.append((_since(family, CaseStatus.monitoring), CaseStatus.monitoring))
    if family.status is not points[-1][1]:
        points.append((_since(family, family.status), family.status))
    return points


def _points_from_events(
    family: Family, events: Sequence[CaseEvent]
) -> list[tuple[date, CaseStatus]]:
    first = events[0]
    points = []
    if first.from_status is not None:  # the state before the first recorded change
        points.append((min(_since(family, first.from_status), first.on_date), first.from_status))
    points += [(event.on_date, event.to_status) for event in events]
    return points


def case_history(family: Family, events: Sequence[CaseEvent]) -> CaseHistory:
    """The family's history from its events (in recording order), else from its dates."""
    points = _points_from_events(family, events) if events else _points_from_dates(family)
    periods: list[Period] = []
    day = points[0][0]
    for k, (start, status) in enumerate(points):
        day = max(day, start)  # an event back-dated before the one before it starts with it
        end = max(day, points[k + 1][0]) if k + 1 < len(points) else None
        periods.append(Period(status, day, end))
    starts = [event.on_date for event in events if event.to_status is CaseStatus.active]
    if not starts and family.work_started_on is not None:
        starts = [family.work_started_on]
    return CaseHistory(family, periods, starts, _ends(family, events))


def _ends(family: Family, events: Sequence[CaseEvent]) -> list[tuple[date, EndReason]]:
    ended = [event for event in events if event.to_status is CaseStatus.ended]
    if not ended:
        if family.ended_on is None:
            return []
        return [(family.ended_on, family.end_reason or EndReason.other)]
    found = []
    for k, event in enumerate(ended):
        reason = event.end_reason
        if reason is None:  # an event without its reason: the family's own, if last
            last = k == len(ended) - 1
            reason = family.end_reason if last and family.end_reason else EndReason.other
        found.append((event.on_date, reason))
    return found


def load_histories(db: Session, families: Iterable[Family]) -> dict[uuid.UUID, CaseHistory]:
    """Each family's history (one query for all their events)."""
    by_id = {family.id: family for family in families}
    events: dict[uuid.UUID, list[CaseEvent]] = defaultdict(list)
    if by_id:
        rows = db.exec(
            select(CaseEvent)
            .where(col(CaseEvent.family_id).in_(list(by_id)))
            .order_by(col(CaseEvent.at), col(CaseEvent.on_date))
        ).all()
        for event in rows:
            events[event.family_id].append(event)
    return {fid: case_history(family, events[fid]) for fid, family in by_id.items()}


def assignment_days(assignment: Assignment) -> Span:
    """The Warsaw days of an assignment as [first, end): the day it ended still counts."""
    end = warsaw_day(assignment.ended_at) + DAY if assignment.ended_at else None
    return warsaw_day(assignment.started_at), end


def overlap(a: Span, b: Span) -> bool:
    """Whether two stretches [start, end) share a day (end None: open)."""
    start, end = max(a[0], b[0]), _earlier(a[1], b[1])
    return end is None or start < end


# --- figures as text and as CSV -------------------------------------------------------------------


def hours_text(minutes: int) -> str:
    """Hours with a decimal comma, as Polish Excel reads numbers ("1,50")."""
    return f"{minutes / 60:.2f}".replace(".", ",")
