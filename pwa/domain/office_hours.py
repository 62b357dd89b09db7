"""Office hours (dyżur): the centre's weekly slots, never on a Polish public holiday."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

import holidays

from pwa.i18n import WARSAW
from pwa.models import OfficeHours

# How far ahead to look for the next slots (a year is more than any run of holidays).
SEARCH_HORIZON_DAYS = 370


@dataclass(frozen=True)
class OfficeHoursOccurrence:
    """One day's office hours, in Europe/Warsaw local time."""

    day: date
    starts_at: time
    ends_at: time
    place: str
    phone: str
    email: str

    @property
    def starts(self) -> datetime:
        return datetime.combine(self.day, self.starts_at, tzinfo=WARSAW)

    @property
    def ends(self) -> datetime:
        return datetime.combine(self.day, self.ends_at, tzinfo=WARSAW)


@cache
def _polish_holidays(year: int) -> holidays.HolidayBase:
    return holidays.Poland(years=year, language="pl")


def is_public_holiday(day: date) -> bool:
    return day in _polish_holidays(day.year)


def holiday_name(day: date) -> str | None:
    return _polish_holidays(day.year).get(day)


def occurrences(slots: Iterable[OfficeHours], *, start: date) -> Iterator[OfficeHoursOccurrence]:
    """Every office-hours occurrence from `start` on, skipping public holidays."""
    by_weekday: dict[int, list[OfficeHours]] = {}
    for slot in slots:
        by_weekday.setdefault(slot.weekday, []).append(slot)
    if not by_weekday:
        return
    for offset in range(SEARCH_HORIZON_DAYS):
        day = start + timedelta(days=offset)
        if is_public_holiday(day):
            continue
        for slot in sorted(by_weekday.get(day.weekday(), []), key=lambda s: s.starts_at):
            yield OfficeHoursOccurrence(
                day=day,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                place=slot.place,
                phone=slot.phone,
                email=slot.email,
            )


def next_office_hours(
    slots: Iterable[OfficeHours], *, now: datetime, count: int = 1
) -> list[OfficeHoursOccurrence]:
    """The next `count` occurrences that have not yet ended at `now`."""
    local_now = now.astimezone(WARSAW)
    found: list[OfficeHoursOccurrence] = []
    for occurrence in occurrences(slots, start=local_now.date()):
        if occurrence.ends <= local_now:
            continue
        found.append(occurrence)
        if len(found) == count:
            break
    return found
