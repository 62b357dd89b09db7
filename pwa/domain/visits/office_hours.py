"""Office hours (dyżur): the centre's weekly slots, never on a Polish public holiday.

A coordinator sets them in the centre's settings (day(s), hours, place, phone, e-mail).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

import holidays
from sqlmodel import Session, col, select

from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Invalid, NotFound
from pwa.domain.kernel.forms import FormErrors
from pwa.domain.visits.meetings import parse_clock
from pwa.i18n import WARSAW
from pwa.i18n import gettext as _
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


def holidays_without_office_hours(
    slots: Iterable[OfficeHours], *, start: date, end: date
) -> list[tuple[date, str]]:
    """Public holidays from `start` to `end` (inclusive) that fall on an office-hours day."""
    weekdays = {slot.weekday for slot in slots}
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [
        (day, holiday_name(day) or "")
        for day in days
        if day.weekday() in weekdays and is_public_holiday(day)
    ]


# --- the centre's settings: office hours, edited by a coordinator ----------------------------

PLACE_MAX = 200


@dataclass(frozen=True)
class OfficeHoursForm:
    """Office hours as the settings form sends them: one or more weekdays (0 = Monday)."""

    weekdays: tuple[str, ...]
    starts_at: str
    ends_at: str
    place: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class _Checked:
    weekdays: tuple[int, ...]
    starts_at: time
    ends_at: time
    place: str
    phone: str
    email: str


def centre_office_hours(db: Session, *, centre_id: uuid.UUID) -> list[OfficeHours]:
    """The centre's weekly slots, Monday first, then by the hour."""
    return list(
        db.exec(
            select(OfficeHours)
            .where(OfficeHours.centre_id == centre_id)
            .order_by(col(OfficeHours.weekday), col(OfficeHours.starts_at))
        ).all()
    )


def _weekdays(raw: tuple[str, ...], errors: dict[str, str]) -> tuple[int, ...]:
    days: set[int] = set()
    for value in raw:
        value = value.strip()
        if not value.isdigit() or not 0 <= int(value) <= 6:
            errors["weekdays"] = _("Choose days of the week from Monday to Sunday.")
            return ()
        days.add(int(value))
    if not days:
        errors["weekdays"] = _("Choose at least one day of the week.")
    return tuple(sorted(days))


def _check(form: OfficeHoursForm) -> _Checked:
    errors = FormErrors()
    weekdays = _weekdays(form.weekdays, errors)
    starts, ends = parse_clock(form.starts_at), parse_clock(form.ends_at)
    if starts is None:
        errors["starts_at"] = _("Enter the time as HH:MM, e.g. 09:30.")
    if ends is None:
        errors["ends_at"] = _("Enter the time as HH:MM, e.g. 09:30.")
    elif starts is not None and starts >= ends:
        errors["ends_at"] = _("Office hours must end after they start.")
    place = errors.text(
        "place", " ".join(form.place.split()), limit=PLACE_MAX,
        missing=_("Enter where the office hours are held."),
    )  # fmt: skip
    phone = errors.phone("phone", " ".join(form.phone.split()))
    email = errors.email("email", form.email)
    errors.raise_any()
    assert starts is not None and ends is not None  # no errors means both were read
    return _Checked(weekdays, starts, ends, place, phone, email)


def _refuse_overlap(
    db: Session, *, centre_id: uuid.UUID, checked: _Checked, other_than: uuid.UUID | None = None
) -> None:
    for slot in centre_office_hours(db, centre_id=centre_id):
        if slot.id == other_than or slot.weekday not in checked.weekdays:
            continue
        if slot.starts_at < checked.ends_at and checked.starts_at < slot.ends_at:
            message = _("These hours overlap other office hours on the same day.")
            raise Invalid(message, errors={"starts_at": message})


def add_office_hours(db: Session, *, actor: Actor, form: OfficeHoursForm) -> list[OfficeHours]:
    """New office hours on each chosen weekday (a coordinator of the centre)."""
    policy.require_coordinator(actor)
    checked = _check(form)
    _refuse_overlap(db, centre_id=actor.centre_id, checked=checked)
    slots = [
        OfficeHours(
            centre_id=actor.centre_id,
            weekday=day,
            starts_at=checked.starts_at,
            ends_at=checked.ends_at,
            place=checked.place,
            phone=checked.phone,
            email=checked.email,
        )
        for day in checked.weekdays
    ]
    db.add_all(slots)
    db.flush()
    for slot in slots:
        audit.record(db, actor=actor, action="office_hours.create", obj=slot)
    return slots


def _own_slot(db: Session, actor: Actor, slot_id: uuid.UUID) -> OfficeHours:
    policy.require_coordinator(actor)
    slot = db.get(OfficeHours, slot_id)
    if slot is None or slot.centre_id != actor.centre_id:
        raise NotFound
    return slot


def change_office_hours(
    db: Session, *, actor: Actor, slot_id: uuid.UUID, form: OfficeHoursForm
) -> OfficeHours:
    """Change one slot (one weekday) of the centre's office hours."""
    slot = _own_slot(db, actor, slot_id)
    checked = _check(form)
    if len(checked.weekdays) != 1:
        message = _("Choose one day of the week for these office hours.")
        raise Invalid(message, errors={"weekdays": message})
    _refuse_overlap(db, centre_id=actor.centre_id, checked=checked, other_than=slot.id)
    previous = f"{slot.weekday} {slot.starts_at:%H:%M}-{slot.ends_at:%H:%M} {slot.place}"
    slot.weekday, slot.starts_at, slot.ends_at = (
        checked.weekdays[0],
        checked.starts_at,
        checked.ends_at,
    )
    slot.place, slot.phone, slot.email = checked.place, checked.phone, checked.email
    return audit.save(db, slot, actor=actor, action="office_hours.update", previous=previous)


def remove_office_hours(db: Session, *, actor: Actor, slot_id: uuid.UUID) -> None:
    """Remove one slot of the centre's office hours."""
    slot = _own_slot(db, actor, slot_id)
    audit.record(
        db, actor=actor, action="office_hours.delete", obj=slot,
        previous=f"{slot.weekday} {slot.starts_at:%H:%M}-{slot.ends_at:%H:%M} {slot.place}",
    )  # fmt: skip
    db.delete(slot)
    db.flush()
