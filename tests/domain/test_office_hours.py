"""Office hours: every Wednesday 7:00–15:00, never on a Polish public holiday."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from pwa.domain.visits.office_hours import is_public_holiday, next_office_hours
from pwa.models import OfficeHours

WEDNESDAY = 2


def slots() -> list[OfficeHours]:
    return [OfficeHours(weekday=WEDNESDAY, starts_at=time(7), ends_at=time(15), place="OPS")]


def warsaw(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    from pwa.i18n import WARSAW

    return datetime(year, month, day, hour, minute, tzinfo=WARSAW)


def test_next_office_hours_are_the_coming_wednesday():
    found = next_office_hours(slots(), now=warsaw(2026, 11, 23, 12))
    assert [o.day for o in found] == [date(2026, 11, 25)]


def test_office_hours_still_running_today_are_the_next_ones():
    assert next_office_hours(slots(), now=warsaw(2026, 11, 25, 14, 59))[0].day == date(2026, 11, 25)


def test_office_hours_that_ended_today_move_to_next_week():
    assert next_office_hours(slots(), now=warsaw(2026, 11, 25, 15))[0].day == date(2026, 12, 2)


def test_independence_day_wednesday_has_no_office_hours():
    assert is_public_holiday(date(2026, 11, 11))
    found = next_office_hours(slots(), now=warsaw(2026, 11, 9, 8), count=2)
    assert [o.day for o in found] == [date(2026, 11, 18), date(2026, 11, 25)]


def test_across_the_year_end_christmas_eve_and_epiphany_are_skipped():
    found = next_office_hours(slots(), now=datetime(2026, 12, 20, tzinfo=UTC), count=3)
    # 23.12 is a Wednesday; 30.12 too; 6.01.2027 (Trzech Króli) is a holiday Wednesday.
    assert [o.day for o in found] == [date(2026, 12, 23), date(2026, 12, 30), date(2027, 1, 13)]


def test_christmas_eve_is_a_public_holiday_from_2025():
    assert is_public_holiday(date(2025, 12, 24)) and is_public_holiday(date(2030, 12, 24))
    assert not is_public_holiday(date(2024, 12, 24))


def test_no_slots_means_no_office_hours():
    assert next_office_hours([], now=warsaw(2026, 11, 23, 12)) == []
