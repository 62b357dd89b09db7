"""Cooperation with institutions (art. 15 points 18–19 of the 2011 act): a log of contacts.

The assistant records each contact with the school, kindergarten, court, clinic, police, the
interdisciplinary team or another institution about the family: the date, the institution (a
kind and, optionally, its name), the purpose and the outcome. The log feeds the court opinion
and the family's timeline. It is internal to staff (policy Access.full). Its page also keeps,
for a "Za życiem" family, what was requested from the support catalogue.

The model keeps the institution as one text: "<Kind>: <name>", or the kind alone.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from pwa.domain.cases import support_catalogue
from pwa.domain.cases.members import before_the_work, staff_family
from pwa.domain.kernel import audit
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict
from pwa.domain.kernel.forms import FormErrors, parse_enum
from pwa.i18n import format_date, lazy, local_today
from pwa.i18n import gettext as _
from pwa.models import CaseStatus, Family, InstitutionContact, SupportService, User, utcnow

NAME_LIMIT = 150  # the kind's name and ": " fit in the column's 200 characters
TEXT_LIMIT = 5000


class InstitutionKind(enum.StrEnum):
    """The kinds of institutions an assistant cooperates with about a family."""

    school = "school"
    kindergarten = "kindergarten"
    court = "court"
    clinic = "clinic"
    police = "police"
    interdisciplinary_team = "interdisciplinary_team"
    other = "other"


INSTITUTION_LABELS = {
    InstitutionKind.school: lazy("School"),
    InstitutionKind.kindergarten: lazy("Kindergarten"),
    InstitutionKind.court: lazy("Court"),
    InstitutionKind.clinic: lazy("Clinic or counselling centre"),
    InstitutionKind.police: lazy("Police"),
    InstitutionKind.interdisciplinary_team: lazy("Interdisciplinary team"),
    InstitutionKind.other: lazy("Another institution"),
}


def institution_label(kind: InstitutionKind) -> str:
    return _(INSTITUTION_LABELS[kind])


def institution_choices() -> list[tuple[str, str]]:
    """(value, label) of each kind, for the form's select."""
    return [(kind.value, institution_label(kind)) for kind in InstitutionKind]


@dataclass(frozen=True)
class ContactForm:
    """A contact with an institution as the form sends it (strings, unchecked)."""

    contact_on: str
    kind: str
    name: str
    purpose: str
    outcome: str = ""


def _institution(kind: InstitutionKind, name: str) -> str:
    label = institution_label(kind)
    return f"{label}: {name}" if name else label


def record_contact(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: ContactForm,
    now: datetime | None = None,
) -> InstitutionContact:
    """Add a contact with an institution to the family's log."""
    now = now or utcnow()
    family = staff_family(db, actor=actor, family_id=family_id)
    if family.status is CaseStatus.closed:
        raise Conflict(_("The case is closed: reopen it before recording contacts."))
    if family.status is CaseStatus.referred:
        raise Conflict(
            _("Contacts with institutions are recorded once the work with the family has started.")
        )
    errors = FormErrors()
    contact_on = errors.day(
        "contact_on",
        form.contact_on,
        today=local_today(now),
        missing=_("Enter the date of the contact."),
    )
    if (started := before_the_work(family, contact_on)) is not None:
        errors["contact_on"] = _(
            "The contact cannot be earlier than the start of the work (%(date)s).",
            date=format_date(started),
        )
    kind = parse_enum(InstitutionKind, form.kind)
    if kind is None:
        errors["kind"] = _("Choose the kind of institution.")
    name = errors.text(
        "name",
        form.name,
        limit=NAME_LIMIT,
        missing=_("Enter the name of the institution.") if kind is InstitutionKind.other else None,
    )
    purpose = errors.text(
        "purpose", form.purpose, limit=TEXT_LIMIT, missing=_("Describe the purpose of the contact.")
    )
    outcome = errors.text("outcome", form.outcome, limit=TEXT_LIMIT)
    errors.raise_any()
    assert contact_on is not None and kind is not None
    contact = InstitutionContact(
        family_id=family.id,
        author_id=actor.id,
        contact_on=contact_on,
        institution=_institution(kind, name),
        purpose=purpose,
        outcome=outcome,
        created_at=now,
    )
    return audit.save(
        db, contact, actor=actor, action="contact.create", family_id=family.id, kind=kind
    )


def contacts_between(
    db: Session, *, family_id: uuid.UUID, start: date | None = None, end: date | None = None
) -> Sequence[InstitutionContact]:
    """The family's contacts from `start` to `end` (both included), oldest first."""
    query = select(InstitutionContact).where(InstitutionContact.family_id == family_id)
    if start is not None:
        query = query.where(col(InstitutionContact.contact_on) >= start)
    if end is not None:
        query = query.where(col(InstitutionContact.contact_on) <= end)
    return db.exec(
        query.order_by(col(InstitutionContact.contact_on), col(InstitutionContact.created_at))
    ).all()


@dataclass(frozen=True)
class ContactRow:
    contact: InstitutionContact
    author: User | None


@dataclass(frozen=True)
class FamilyContacts:
    """The family's log of contacts with institutions, newest first; for a "Za życiem" family
    also the items of the support catalogue requested for it, and those it could request."""

    family: Family
    rows: list[ContactRow]
    support_requests: list[support_catalogue.SupportRequestRow] = field(default_factory=list)
    services: list[SupportService] = field(default_factory=list)

    @property
    def may_record(self) -> bool:
        return self.family.status not in (CaseStatus.referred, CaseStatus.closed)


def _rows(db: Session, contacts: list[InstitutionContact]) -> list[ContactRow]:
    author_ids = [c.author_id for c in contacts if c.author_id is not None]
    authors = (
        {u.id: u for u in db.exec(select(User).where(col(User.id).in_(author_ids))).all()}
        if author_ids
        else {}
    )
    return [ContactRow(c, authors.get(c.author_id) if c.author_id else None) for c in contacts]


def family_contacts(db: Session, *, actor: Actor, family_id: uuid.UUID) -> FamilyContacts:
    """The family's contacts with institutions, for its staff (the read is audited)."""
    family = staff_family(db, actor=actor, family_id=family_id)
    contacts = list(reversed(contacts_between(db, family_id=family.id)))
    audit.record(db, actor=actor, action="contact.list", family_id=family.id, obj=family)
    # Requests made while the family was flagged "Za życiem" stay on its record; new ones
    # (the catalogue's items) only while it is.
    requested = support_catalogue.support_requests(db, family=family)
    if not family.za_zyciem:
        return FamilyContacts(family=family, rows=_rows(db, contacts), support_requests=requested)
    return FamilyContacts(
        family=family,
        rows=_rows(db, contacts),
        support_requests=requested,
        services=support_catalogue.active_services(db, centre_id=family.centre_id),
    )
