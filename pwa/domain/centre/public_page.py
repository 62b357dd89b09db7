"""The centre's public page (signed out, at "/") and the settings it is filled from.

The page says what a family assistant does and how to apply (the family's own request,
wniosek, or through a social worker), in the centre's own words (`Centre.public_description`),
with its address, phones, e-mail and weekly office hours. Which centre: the one named by
`?centre=`, else the deployment's only centre that is not a contracted organisation; with
several, the page lists them. The coordinator edits the settings on /centre/settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.forms import FormErrors, checked, is_email, parse_uuid
from pwa.domain.visits import office_hours
from pwa.domain.visits.office_hours import OfficeHoursOccurrence
from pwa.i18n import gettext as _
from pwa.models import Centre, OfficeHours, utcnow

DESCRIPTION_LIMIT = 20_000
COMING_SHOWN = 3


@dataclass(frozen=True)
class PublicPage:
    """One centre's page, or the list of centres to choose from (then `centre` is None)."""

    centre: Centre | None
    centres: list[Centre]
    slots: list[OfficeHours]
    coming: list[OfficeHoursOccurrence]

    @property
    def paragraphs(self) -> list[str]:
        """The centre's own words, paragraph by paragraph (blank lines separate them)."""
        if self.centre is None:
            return []
        parts = self.centre.public_description.replace("\r\n", "\n").split("\n\n")
        return [part.strip() for part in parts if part.strip()]


def public_centres(db: Session) -> list[Centre]:
    """The centres families apply to (contracted organisations work for one of them)."""
    return list(
        db.exec(
            select(Centre).where(col(Centre.parent_centre_id).is_(None)).order_by(col(Centre.name))
        ).all()
    )


def public_page(db: Session, *, centre_param: str = "", now: datetime | None = None) -> PublicPage:
    """The page of the centre asked for, of the only centre, or the list of centres."""
    centres = public_centres(db)
    chosen_id = parse_uuid(centre_param) if centre_param else None
    centre = db.get(Centre, chosen_id) if chosen_id else None
    if centre is None and len(centres) == 1:
        centre = centres[0]
    if centre is None:
        return PublicPage(centre=None, centres=centres, slots=[], coming=[])
    slots = office_hours.centre_office_hours(db, centre_id=centre.id)
    coming = office_hours.next_office_hours(slots, now=now or utcnow(), count=COMING_SHOWN)
    return PublicPage(centre=centre, centres=centres, slots=slots, coming=coming)


# --- the settings ------------------------------------------------------------------------


@dataclass(frozen=True)
class CentreSettingsForm:
    """The centre's public details, intake setting and rules as the coordinator's form sends
    them."""

    name: str = ""
    short_name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    public_description: str = ""
    requires_team_decision: str = ""  # a checkbox: "on" when ticked
    # The rules of the work (each read by a domain rule).
    monitoring_counts_toward_limit: str = ""  # a checkbox
    monitoring_default_months: str = "3"
    visit_edit_window_hours: str = "48"
    keep_family_pages_offline: str = ""  # a checkbox
    retention_years: str = "10"


# The bounds of the numbers a centre may set (what the law and common sense allow).
MONITORING_MONTHS = (1, 24)
EDIT_WINDOW_HOURS = (0, 168)
RETENTION_YEARS = (1, 50)


def settings_form(centre: Centre) -> CentreSettingsForm:
    """The form filled with the centre's settings as they are."""
    return CentreSettingsForm(
        name=centre.name,
        short_name=centre.short_name,
        address=centre.address,
        phone=centre.phone,
        email=centre.email,
        website=centre.website,
        public_description=centre.public_description,
        requires_team_decision="on" if centre.requires_team_decision else "",
        monitoring_counts_toward_limit="on" if centre.monitoring_counts_toward_limit else "",
        monitoring_default_months=str(centre.monitoring_default_months),
        visit_edit_window_hours=str(centre.visit_edit_window_hours),
        keep_family_pages_offline="on" if centre.keep_family_pages_offline else "",
        retention_years=str(centre.retention_years),
    )


def _whole_number(errors: FormErrors, field: str, value: str, bounds: tuple[int, int]) -> int:
    """A whole number within `bounds` (0 when refused: the errors say why)."""
    low, high = bounds
    text = value.strip()
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        errors[field] = _("Enter a whole number from %(low)s to %(high)s.", low=low, high=high)
        return 0
    return int(text)


def _phones(errors: FormErrors, value: str) -> str:
    """One or more phone numbers separated by commas (as the centre's page gives them)."""
    value = value.strip()
    if len(value) > 40:
        errors["phone"] = _("This text is too long (%(limit)s characters at most).", limit=40)
        return value
    for number in (part for part in value.split(",") if part.strip()):
        errors.phone("phone", number)
    return value


def update_settings(db: Session, *, actor: Actor, form: CentreSettingsForm) -> Centre:
    """Save the coordinator's own centre's public details, intake setting and rules."""
    policy.require_coordinator(actor)
    centre = db.get(Centre, actor.centre_id)
    assert centre is not None  # a foreign key guarantees it
    errors = FormErrors()
    values: dict[str, object] = {
        "name": errors.text("name", form.name, limit=200, missing=_("Enter the centre's name.")),
        "short_name": errors.text("short_name", form.short_name, limit=60),
        "address": errors.text(
            "address", form.address, limit=200, missing=_("Enter the centre's address.")
        ),
        "phone": _phones(errors, form.phone),
        "email": errors.text("email", form.email, limit=120),
        "website": errors.text("website", form.website, limit=200),
        "public_description": errors.text(
            "public_description", form.public_description, limit=DESCRIPTION_LIMIT
        ),
        "requires_team_decision": checked(form.requires_team_decision),
        "monitoring_counts_toward_limit": checked(form.monitoring_counts_toward_limit),
        "monitoring_default_months": _whole_number(
            errors, "monitoring_default_months", form.monitoring_default_months, MONITORING_MONTHS
        ),
        "visit_edit_window_hours": _whole_number(
            errors, "visit_edit_window_hours", form.visit_edit_window_hours, EDIT_WINDOW_HOURS
        ),
        "keep_family_pages_offline": checked(form.keep_family_pages_offline),
        "retention_years": _whole_number(
            errors, "retention_years", form.retention_years, RETENTION_YEARS
        ),
    }
    email = str(values["email"])
    if email and "email" not in errors and not is_email(email):
        errors["email"] = _("This does not look like an e-mail address.")
    website = str(values["website"])
    if website and "website" not in errors and not website.startswith(("https://", "http://")):
        errors["website"] = _("Enter the address of the website, e.g. https://ops.example.pl.")
    errors.raise_any()
    changed = sorted(name for name, value in values.items() if getattr(centre, name) != value)
    for name in changed:
        setattr(centre, name, values[name])
    return audit.save(db, centre, actor=actor, action="centre.update", fields=changed)
