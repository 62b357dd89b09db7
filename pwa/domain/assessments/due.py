"""When the next periodic assessment is due: at least every 6 months from the start of work.

The rule is used by the families' pages, the assistant's and coordinator's homes, the
reminders and the monthly report: it lives here, beside the assessments it counts.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from pwa.domain.kernel.dates import add_months
from pwa.models import Assessment, AssessmentKind, CaseStatus, Family

# --- the rule ------------------------------------------------------------------

ASSESSMENT_INTERVAL_MONTHS = 6  # at least every 6 months from the start of work
ASSESSMENT_WARNING_DAYS = 14


class AssessmentStatus(enum.StrEnum):
    """How near the next periodic assessment is."""

    overdue = "overdue"  # past its due date: shown in red
    soon = "soon"  # due within 14 days: shown in amber
    ok = "ok"  # later than that


def assessment_due(work_started_on: date | None, last_assessment_on: date | None) -> date | None:
    """6 months after the later of the start of work and the last initial/periodic assessment.

    None while the work has not started (an assessment from before it does not count).
    """
    if work_started_on is None:
        return None
    start = max(work_started_on, last_assessment_on or work_started_on)
    return add_months(start, ASSESSMENT_INTERVAL_MONTHS)


def assessment_status(due: date | None, *, today: date) -> AssessmentStatus | None:
    """Overdue after the due date, soon from 14 days before it (the due day included)."""
    if due is None:
        return None
    if due < today:
        return AssessmentStatus.overdue
    if due <= today + timedelta(days=ASSESSMENT_WARNING_DAYS):
        return AssessmentStatus.soon
    return AssessmentStatus.ok


# --- for a family's page -------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentDue:
    """When the family's next periodic assessment is due (None unless the work is under way)."""

    due: date | None
    status: AssessmentStatus | None
    last: Assessment | None  # the last initial or periodic assessment

    @property
    def overdue(self) -> bool:
        return self.status is AssessmentStatus.overdue

    @property
    def soon(self) -> bool:
        return self.status is AssessmentStatus.soon


def last_assessment(db: Session, *, family_id: uuid.UUID) -> Assessment | None:
    """The family's last initial or periodic assessment (the final one does not count)."""
    return db.exec(
        select(Assessment)
        .where(
            Assessment.family_id == family_id,
            col(Assessment.kind).in_([AssessmentKind.initial, AssessmentKind.periodic]),
        )
        .order_by(col(Assessment.assessed_on).desc(), col(Assessment.created_at).desc())
    ).first()


def assessment_due_for(db: Session, *, family: Family, today: date) -> AssessmentDue:
    """The next periodic assessment of a family the caller may already see (for its page)."""
    last = last_assessment(db, family_id=family.id)
    if family.status is not CaseStatus.active:
        return AssessmentDue(due=None, status=None, last=last)
    due = assessment_due(family.work_started_on, last.assessed_on if last else None)
    return AssessmentDue(due=due, status=assessment_status(due, today=today), last=last)
