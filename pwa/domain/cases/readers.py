"""Who read the family's file (art. 15 GDPR: the right to know who had access), for the family.

From the audit log: every read by staff of the family's record in the last 12 months, one line
per person, day and part of the record. Reads by the family itself are not listed, nor the
contents of what was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Forbidden
from pwa.domain.people.users import role_label
from pwa.i18n import WARSAW, lazy
from pwa.i18n import gettext as _
from pwa.models import AuditEvent, Role, User, utcnow

# How far back the family sees (a year: what the family may ask for without a letter).
PERIOD = timedelta(days=365)

# Reads of a part of the family's record, in plain words ("what" on the page).
RECORD, PLAN, VISITS, ASSESSMENTS, MEETINGS, OPINIONS, CONTACTS = (
    lazy("your family's details"),
    lazy("the work plan"),
    lazy("visits"),
    lazy("assessments of the family's situation"),
    lazy("meetings"),
    lazy("opinions for the court"),
    lazy("contacts with institutions and support"),
)
WHAT_WAS_READ = {
    "family.read": RECORD, "intake.read": RECORD, "timeline.read": RECORD,
    "family.export": RECORD, "consent_form.print": RECORD,
    "plan.read": PLAN, "plan.print": PLAN, "plan.history": PLAN, "plan.compare": PLAN,
    "visit.read": VISITS, "visit.list": VISITS, "diary.read": VISITS,
    "assessment.read": ASSESSMENTS, "assessment.list": ASSESSMENTS,
    "meeting.list": MEETINGS,
    "opinion.list": OPINIONS,
    "contact.list": CONTACTS, "support.read": CONTACTS,
}  # fmt: skip
STAFF = (Role.coordinator, Role.assistant)


@dataclass(frozen=True)
class Reading:
    """One staff member's reads of one part of the record on one day."""

    day: date
    role: str  # "asystentka rodziny", "koordynator" …
    name: str
    what: str


def family_readers(db: Session, *, actor: Actor, now: datetime | None = None) -> list[Reading]:
    """Who of the staff read the actor's family's record in the last 12 months, newest first."""
    user = actor.user
    if user.role is not Role.family or user.family_id is None or not user.is_active:
        raise Forbidden(_("Only a member of the family can see this page."))
    since = (now or utcnow()) - PERIOD
    events = db.exec(
        select(AuditEvent.at, AuditEvent.action, User)
        .join(User, col(User.id) == col(AuditEvent.actor_id))
        .where(
            AuditEvent.family_id == user.family_id,
            col(AuditEvent.action).in_(list(WHAT_WAS_READ)),
            col(AuditEvent.at) >= since,
            col(User.role).in_([role.value for role in STAFF]),
        )
        .order_by(col(AuditEvent.at).desc())
    ).all()
    seen: set[tuple[date, object, str]] = set()
    readings: list[Reading] = []
    for at, action, reader in events:
        day, what = at.astimezone(WARSAW).date(), _(WHAT_WAS_READ[action])
        if (day, reader.id, what) in seen:
            continue
        seen.add((day, reader.id, what))
        readings.append(
            Reading(day, role_label(reader.role, reader.gender), reader.full_name, what)
        )
    return readings
