"""The "Za życiem" support catalogue (act of 4 November 2016) and what was requested from it.

- The coordinator keeps the centre's catalogue: services and institutions by category, with
  their contacts; items are added, changed and deactivated (never deleted: requests name them).
- Staff read the catalogue; a family flagged "Za życiem" sees its active items on the phone,
  with the date each item was requested for them. Other families have no catalogue page.
- The assistant records for a "Za życiem" family which items were requested, when, and what came
  of it (the outcome is often known later, so it can be filled in afterwards).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from pwa.domain.cases.members import staff_family
from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Forbidden, NotFound
from pwa.domain.kernel.forms import FormErrors, parse_enum, parse_uuid
from pwa.i18n import gettext as _
from pwa.i18n import local_today
from pwa.models import (
    CaseStatus,
    Family,
    Role,
    SupportCategory,
    SupportRequest,
    SupportService,
    utcnow,
)

DESCRIPTION_LIMIT = 2000
OUTCOME_LIMIT = 500
_WEBSITE = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


# --- the catalogue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceForm:
    """A catalogue item as the coordinator's form sends it (strings, unchecked)."""

    category: str
    name: str
    description: str = ""
    address: str = ""
    phone: str = ""
    hours: str = ""
    website: str = ""


def _website(value: str, errors: FormErrors) -> str:
    value = value.strip()
    if value and "://" not in value:
        value = f"https://{value}"
    if value and (len(value) > 300 or _WEBSITE.match(value) is None):
        errors["website"] = _("Enter a web address, e.g. www.ops.bystrzyca.pl.")
    return value


def _service_values(form: ServiceForm) -> dict[str, object]:
    errors = FormErrors()
    category = parse_enum(SupportCategory, form.category)
    if category is None:
        errors["category"] = _("Choose the category of support.")
    values: dict[str, object] = {
        "category": category,
        "name": errors.text(
            "name", form.name, limit=200, missing=_("Enter the name of the service or institution.")
        ),
        "description": errors.text("description", form.description, limit=DESCRIPTION_LIMIT),
        "address": errors.text("address", form.address, limit=200),
        "phone": errors.phone("phone", form.phone),
        "hours": errors.text("hours", form.hours, limit=120),
        "website": _website(form.website, errors),
    }
    errors.raise_any()
    return values


@dataclass(frozen=True)
class CatalogueSection:
    category: SupportCategory
    services: list[SupportService]


def _sections(services: list[SupportService]) -> list[CatalogueSection]:
    """Active items by category, in the categories' order, then by name."""
    return [
        CatalogueSection(category, sorted(found, key=lambda s: s.name.casefold()))
        for category in SupportCategory
        if (found := [s for s in services if s.category is category and s.is_active])
    ]


@dataclass(frozen=True)
class Catalogue:
    """The centre's catalogue for its staff; the coordinator also sees deactivated items."""

    sections: list[CatalogueSection]
    inactive: list[SupportService]
    can_manage: bool


def _centre_services(db: Session, centre_id: uuid.UUID) -> list[SupportService]:
    return list(db.exec(select(SupportService).where(SupportService.centre_id == centre_id)).all())


def staff_catalogue(db: Session, *, actor: Actor) -> Catalogue:
    """The catalogue as the centre's coordinator and assistants see it."""
    if actor.role not in (Role.coordinator, Role.assistant) or not actor.user.is_active:
        raise Forbidden(_("This page is not available for your role."))
    services = _centre_services(db, actor.centre_id)
    manage = actor.role is Role.coordinator
    return Catalogue(
        sections=_sections(services),
        inactive=sorted((s for s in services if not s.is_active), key=lambda s: s.name.casefold())
        if manage
        else [],
        can_manage=manage,
    )


def _own_service(db: Session, actor: Actor, service_id: uuid.UUID) -> SupportService:
    service = db.get(SupportService, service_id)
    if service is None or service.centre_id != actor.centre_id:
        raise NotFound
    return service


def add_service(db: Session, *, actor: Actor, form: ServiceForm) -> SupportService:
    """Add an item to the centre's catalogue (coordinators)."""
    policy.require_coordinator(actor)
    service = SupportService.model_validate({"centre_id": actor.centre_id, **_service_values(form)})
    return audit.save(db, service, actor=actor, action="support_service.create")


def update_service(
    db: Session, *, actor: Actor, service_id: uuid.UUID, form: ServiceForm
) -> SupportService:
    """Change an item of the centre's catalogue (coordinators)."""
    policy.require_coordinator(actor)
    service = _own_service(db, actor, service_id)
    values = _service_values(form)
    changed = sorted(name for name, value in values.items() if getattr(service, name) != value)
    for name in changed:
        setattr(service, name, values[name])
    return audit.save(db, service, actor=actor, action="support_service.update", fields=changed)


def set_service_active(
    db: Session, *, actor: Actor, service_id: uuid.UUID, active: bool
) -> SupportService:
    """Deactivate an item (families no longer see it), or bring it back (coordinators)."""
    policy.require_coordinator(actor)
    service = _own_service(db, actor, service_id)
    if service.is_active != active:
        service.is_active = active
        db.add(service)
        db.flush()
        action = "support_service.activate" if active else "support_service.deactivate"
        audit.record(db, actor=actor, action=action, obj=service)
    return service


# --- the family's page ------------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyCatalogue:
    """What a "Za życiem" family sees: the active items, and when each was requested for it."""

    family: Family
    sections: list[CatalogueSection]
    requested_on: dict[uuid.UUID, date]


def family_catalogue(db: Session, *, actor: Actor) -> FamilyCatalogue:
    """The catalogue for a member of a "Za życiem" family (for any other family: NotFound)."""
    user = actor.user
    if user.role is not Role.family or user.family_id is None:
        raise Forbidden(_("This page is not available for your role."))
    family = db.get(Family, user.family_id)
    if family is None or family.centre_id != user.centre_id or not family.za_zyciem:
        raise NotFound
    requested: dict[uuid.UUID, date] = {}
    for request in db.exec(
        select(SupportRequest)
        .where(SupportRequest.family_id == family.id)
        .order_by(col(SupportRequest.requested_on))
    ).all():
        requested[request.service_id] = request.requested_on
    audit.record(db, actor=actor, action="support.read", family_id=family.id, obj=family)
    return FamilyCatalogue(
        family=family,
        sections=_sections(_centre_services(db, family.centre_id)),
        requested_on=requested,
    )


# --- requests for a family --------------------------------------------------------------------


@dataclass(frozen=True)
class SupportRequestForm:
    """An item requested for the family, as the assistant's form sends it."""

    service_id: str
    requested_on: str
    outcome: str = ""


@dataclass(frozen=True)
class SupportRequestRow:
    request: SupportRequest
    service: SupportService


def support_requests(db: Session, *, family: Family) -> list[SupportRequestRow]:
    """The items requested for a family its staff already sees, newest first."""
    rows = db.exec(
        select(SupportRequest, SupportService)
        .join(SupportService, col(SupportService.id) == col(SupportRequest.service_id))
        .where(SupportRequest.family_id == family.id)
        .order_by(col(SupportRequest.requested_on).desc())
    ).all()
    return [SupportRequestRow(request, service) for request, service in rows]


def active_services(db: Session, *, centre_id: uuid.UUID) -> list[SupportService]:
    """The items a request can name, by category and name."""
    return [s for section in _sections(_centre_services(db, centre_id)) for s in section.services]


def _require_catalogue(family: Family) -> None:
    if not family.za_zyciem:
        raise Conflict(_('Only a family flagged "Za życiem" has the support catalogue.'))
    if family.status is CaseStatus.closed:
        raise Conflict(_("The case is closed: reopen it before recording requests."))


def record_support_request(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: SupportRequestForm,
    now: datetime | None = None,
) -> SupportRequest:
    """Record that a catalogue item was requested for a "Za życiem" family, and when."""
    now = now or utcnow()
    family = staff_family(db, actor=actor, family_id=family_id)
    _require_catalogue(family)
    errors = FormErrors()
    service_id = parse_uuid(form.service_id)
    service = db.get(SupportService, service_id) if service_id else None
    if service is None or service.centre_id != family.centre_id or not service.is_active:
        errors["service_id"] = _("Choose an item of the support catalogue.")
    requested_on = errors.day(
        "requested_on",
        form.requested_on,
        today=local_today(now),
        missing=_("Enter the date of the request."),
    )
    outcome = errors.text("outcome", form.outcome, limit=OUTCOME_LIMIT)
    errors.raise_any()
    assert service is not None and requested_on is not None
    request = SupportRequest(
        family_id=family.id,
        service_id=service.id,
        requested_on=requested_on,
        outcome=outcome,
        recorded_by_id=actor.id,
    )
    return audit.save(
        db, request, actor=actor, action="support_request.create", family_id=family.id
    )


def record_outcome(
    db: Session, *, actor: Actor, support_request_id: uuid.UUID, outcome: str
) -> SupportRequest:
    """Fill in (or correct) what came of a request."""
    request = db.get(SupportRequest, support_request_id)
    if request is None:
        raise NotFound
    family = staff_family(db, actor=actor, family_id=request.family_id)
    errors = FormErrors()
    text = errors.text(
        "outcome", outcome, limit=OUTCOME_LIMIT, missing=_("Describe what came of the request.")
    )
    errors.raise_any()
    request.outcome = text
    return audit.save(
        db, request, actor=actor, action="support_request.update", family_id=family.id
    )
