"""After the work: monitoring the family, closing the case, and reopening a closed case.

Each is a transition of `lifecycle`'s state machine (checked, with its CaseEvent and audit).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from pwa.domain.cases.lifecycle import transition
from pwa.domain.cases.members import centre_of, lock_family
from pwa.domain.cases.record import REASON_LIMIT, end_assignment
from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.dates import add_months
from pwa.domain.kernel.errors import Conflict
from pwa.domain.kernel.forms import FormErrors, parse_date
from pwa.i18n import gettext as _
from pwa.i18n import local_today
from pwa.models import CaseStatus, Family, utcnow

MAX_MONITORING_MONTHS = 24


@dataclass(frozen=True)
class MonitoringForm:
    """Until when the family is monitored (blank = the centre's default length)."""

    until: str = ""


def _monitoring_until(family: Family, form: MonitoringForm, *, today: date, db: Session) -> date:
    errors = FormErrors()
    raw = form.until.strip()
    if not raw:
        return add_months(today, centre_of(db, family).monitoring_default_months)
    until = parse_date(raw)
    if until is None:
        errors["until"] = _("Enter a date, e.g. 23.11.2026.")
    elif until <= today:
        errors["until"] = _("The end of monitoring must be a date after today.")
    elif until > add_months(today, MAX_MONITORING_MONTHS):
        errors["until"] = _("Monitoring can last at most two years.")
    errors.raise_any()
    assert until is not None
    return until


def start_monitoring(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: MonitoringForm,
    now: datetime | None = None,
) -> Family:
    """Monitor the family after the end of the work, until a date."""
    now = now or utcnow()
    family = lock_family(db, actor=actor, family_id=family_id)
    if family.status is CaseStatus.monitoring:
        raise Conflict(_("The family is already being monitored."))
    if family.status is not CaseStatus.ended:
        raise Conflict(_("Monitoring can start only after the work with the family has ended."))
    today = local_today(now)
    until = _monitoring_until(family, form, today=today, db=db)
    transition(
        db, actor=actor, family=family, to_status=CaseStatus.monitoring, on=today,
        reason="", now=now, until=until,
    )  # fmt: skip
    family.monitoring_until = until
    db.add(family)
    return family


@dataclass(frozen=True)
class ReasonForm:
    """A reason in a few words (closing or reopening a case)."""

    reason: str


def _reason(form: ReasonForm) -> str:
    errors = FormErrors()
    reason = errors.text(
        "reason", form.reason, limit=REASON_LIMIT, missing=_("Give the reason in a few words.")
    )
    errors.raise_any()
    return reason


def close_case(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: ReasonForm,
    now: datetime | None = None,
) -> Family:
    """Close the case after the work (and any monitoring); the assignment ends with it."""
    now = now or utcnow()
    family = lock_family(db, actor=actor, family_id=family_id)
    if family.status is CaseStatus.closed:
        raise Conflict(_("The case is already closed."))
    if family.status not in (CaseStatus.ended, CaseStatus.monitoring):
        raise Conflict(_("A case can be closed only after the work with the family has ended."))
    reason = _reason(form)
    today = local_today(now)
    transition(
        db, actor=actor, family=family, to_status=CaseStatus.closed, on=today,
        reason=reason, now=now,
    )  # fmt: skip
    family.closed_on = today
    db.add(family)
    ended = end_assignment(db, family=family, now=now)
    if ended is not None:
        audit.record(db, actor=actor, action="family.unassign", family_id=family.id, obj=ended)
    db.flush()
    return family


def reopen_case(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: ReasonForm,
    now: datetime | None = None,
) -> Family:
    """Reopen a closed case (coordinators): it is a referral again, awaiting consent."""
    policy.require_coordinator(actor)
    now = now or utcnow()
    family = lock_family(db, actor=actor, family_id=family_id)
    if family.status is not CaseStatus.closed:
        raise Conflict(_("Only a closed case can be reopened."))
    reason = _reason(form)
    transition(
        db, actor=actor, family=family, to_status=CaseStatus.referred, on=local_today(now),
        reason=reason, now=now,
    )  # fmt: skip
    family.work_started_on = None
    family.ended_on = None
    family.end_reason = None
    family.monitoring_until = None
    family.closed_on = None
    db.add(family)
    db.flush()
    return family
