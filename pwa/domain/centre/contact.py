"""How the family reaches its assistant and the centre: the family's contact page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session

from pwa.domain.cases import caseload
from pwa.domain.kernel import policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Forbidden, NotFound
from pwa.domain.kernel.policy import Access
from pwa.domain.visits.office_hours import (
    centre_office_hours,
    holidays_without_office_hours,
    next_office_hours,
)
from pwa.i18n import WARSAW, format_weekday
from pwa.i18n import gettext as _
from pwa.models import Centre, Role

# How many coming office hours the page lists.
OFFICE_HOURS_SHOWN = 3


@dataclass(frozen=True)
class OfficeHoursDay:
    """One coming office-hours day, with its weekday in words ("środa")."""

    day: date
    weekday: str
    starts_at: time
    ends_at: time
    place: str
    phone: str
    email: str


@dataclass(frozen=True)
class Holiday:
    """A public holiday on which the usual office hours are not held."""

    day: date
    weekday: str
    name: str


@dataclass(frozen=True)
class ContactPage:
    """The assistant's work phone, the coming office hours and the centre's address."""

    assistant_name: str
    assistant_phone: str
    assistant_email: str
    office_hours: list[OfficeHoursDay]
    holidays_without_office_hours: list[Holiday]
    centre_name: str
    centre_address: str
    centre_phone: str
    centre_email: str

    @property
    def next_office_hours(self) -> OfficeHoursDay | None:
        return self.office_hours[0] if self.office_hours else None

    @property
    def has_assistant(self) -> bool:
        return bool(self.assistant_name)


def contact_page(db: Session, *, actor: Actor, now: datetime) -> ContactPage:
    """What the signed-in family member needs to reach their assistant and the centre."""
    if actor.role is not Role.family:
        raise Forbidden(_("This page is for the family."))
    if actor.user.family_id is None:
        raise NotFound
    family = policy.get_family(db, actor=actor, family_id=actor.user.family_id, need=Access.shared)
    centre = db.get(Centre, family.centre_id)
    if centre is None:
        raise NotFound
    assistant = caseload.current_assistant(db, family_id=family.id)
    slots = centre_office_hours(db, centre_id=centre.id)
    coming = next_office_hours(slots, now=now, count=OFFICE_HOURS_SHOWN)
    # Holidays before the last listed day explain a gap ("no office hours on 11 November").
    holidays = (
        holidays_without_office_hours(
            slots, start=now.astimezone(WARSAW).date(), end=coming[-1].day
        )
        if coming
        else []
    )
    return ContactPage(
        assistant_name=assistant.full_name if assistant else "",
        assistant_phone=assistant.work_phone if assistant else "",
        assistant_email=assistant.email if assistant else "",
        office_hours=[
            OfficeHoursDay(
                day=o.day,
                weekday=format_weekday(o.day),
                starts_at=o.starts_at,
                ends_at=o.ends_at,
                place=o.place,
                phone=o.phone,
                email=o.email,
            )
            for o in coming
        ],
        holidays_without_office_hours=[
            Holiday(day=day, weekday=format_weekday(day), name=name) for day, name in holidays
        ],
        centre_name=centre.name,
        centre_address=centre.address,
        centre_phone=centre.phone,
        centre_email=centre.email,
    )
