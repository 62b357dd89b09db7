"""The accessibility statement (deklaracja dostępności) of the app, filled from the centre.

Public bodies must publish one (the act of 4 April 2019 on the digital accessibility of the
websites and mobile applications of public bodies), in the structure of the Ministry's
template: the entity and the app, the dates of publication and last update, the compliance
status with its reasons, how the statement was prepared, feedback and contact details, the
request and complaint procedure, the accessibility of the building, mobile applications.

Filled from the deployment's centre: the signed-in user's, else the first one registered.
Contact details come from Centre.accessibility_* and fall back to the centre's own e-mail
and phone. What cannot be known at run time is not made up: the statement names the method
of the automated checks (axe-core in the continuous integration, on every page at phone and
desktop size) rather than the date of the last run.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from pwa.i18n import gettext as _
from pwa.i18n import to_local
from pwa.models import Centre

APP_NAME = "Asysta"
# The release this statement describes: bump with every release that changes the pages.
APP_VERSION = "0.1.0"
APP_RELEASED_ON = date(2026, 11, 23)
RIGHTS_OMBUDSMAN_URL = "https://bip.brpo.gov.pl/"


@dataclass(frozen=True)
class Statement:
    """Everything the statement page shows (texts already translated)."""

    entity: str  # the public body: the centre's name
    app_name: str
    url: str
    published_on: date
    updated_on: date
    version: str
    prepared_on: date  # Centre.accessibility_prepared_on, else this release's date
    contact_person: str
    email: str
    phone: str
    address: str
    building: str  # the accessibility of the centre's building
    reasons: list[str]  # why the compliance is partial
    ombudsman_url: str = RIGHTS_OMBUDSMAN_URL


def statement_centre(db: Session, *, centre_id: uuid.UUID | None) -> Centre | None:
    """The user's centre when signed in, else the deployment's first centre."""
    if centre_id is not None:
        centre = db.get(Centre, centre_id)
        if centre is not None:
            return centre
    return db.exec(select(Centre).order_by(col(Centre.created_at), col(Centre.name))).first()


def _building(centre: Centre | None) -> str:
    where = (
        _("The centre's office is at %(address)s.", address=centre.address)
        if centre is not None and centre.address
        else ""
    )
    rights = _(
        "Before your visit, ask the centre (by phone or e-mail, see above) how to get into the "
        "building and what help it can give you on the spot, for example meeting you at the "
        "entrance. You may come with an assistance dog, and you may ask for a Polish Sign "
        "Language interpreter: tell the centre at least 3 working days before the visit."
    )
    return f"{where} {rights}".strip()


def accessibility_statement(
    db: Session, *, centre_id: uuid.UUID | None, base_url: str
) -> Statement:
    """The statement for the centre the request belongs to (or the deployment's first)."""
    centre = statement_centre(db, centre_id=centre_id)
    # Published for the centre when it began to use the app; updated with each release.
    published = to_local(centre.created_at).date() if centre else APP_RELEASED_ON
    return Statement(
        entity=centre.name if centre else _("the social-services centre"),
        app_name=APP_NAME,
        url=base_url.rstrip("/") + "/",
        published_on=published,
        updated_on=max(APP_RELEASED_ON, published),
        version=APP_VERSION,
        prepared_on=(centre.accessibility_prepared_on if centre else None) or APP_RELEASED_ON,
        contact_person=centre.accessibility_contact if centre else "",
        email=(centre.accessibility_email or centre.email) if centre else "",
        phone=(centre.accessibility_phone or centre.phone) if centre else "",
        address=centre.address if centre else "",
        building=_building(centre),
        reasons=[
            _(
                "Texts written by staff in the app (plans, notes, messages) may not be in plain "
                "language; the centre helps to explain them."
            ),
            _(
                "Signing in with a passkey uses the dialogs of the phone or the browser, which "
                "the centre does not control; if they are a barrier, the centre arranges "
                "another way to reach the same information."
            ),
            _(
                "Files to download (CSV, ZIP) are data for a spreadsheet, not documents; every "
                "figure in them is also shown on an accessible page."
            ),
        ],
    )
