"""The family's consent: without it there is no plan and no visit."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from pwa.domain.kernel.errors import Conflict
from pwa.i18n import gettext as _
from pwa.models import Consent


def current_consent(db: Session, *, family_id: uuid.UUID) -> Consent | None:
    """The consent in force (given and not withdrawn), if any."""
    return db.exec(
        select(Consent)
        .where(Consent.family_id == family_id, col(Consent.withdrawn_on).is_(None))
        .order_by(col(Consent.given_on).desc())
    ).first()


def require_consent(db: Session, *, family_id: uuid.UUID) -> Consent:
    """The consent in force, or a Conflict explaining that work needs the family's consent."""
    consent = current_consent(db, family_id=family_id)
    if consent is None:
        raise Conflict(
            _(
                "The family has not given its consent to work with an assistant: "
                "record the consent first."
            )
        )
    return consent
