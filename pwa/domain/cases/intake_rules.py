"""The rules of intake that other modules ask: the team's decision before an assistant is
assigned (`cases.assign_assistant`), and the initial assessment before the first plan
(`plans.start_plan`). The forms and pages of intake are in `intake`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlmodel import Session, col, select

from pwa.domain.kernel import policy
from pwa.domain.kernel.errors import Conflict
from pwa.i18n import format_date
from pwa.i18n import gettext as _
from pwa.models import (
    Assessment,
    AssessmentKind,
    CaseStatus,
    Centre,
    Family,
    TeamDecision,
    TeamDecisionKind,
)


def team_decisions(db: Session, *, family_id: uuid.UUID) -> Sequence[TeamDecision]:
    """The team's decisions about the family, the latest first."""
    return db.exec(
        select(TeamDecision)
        .where(TeamDecision.family_id == family_id)
        .order_by(col(TeamDecision.met_on).desc(), col(TeamDecision.created_at).desc())
    ).all()


def latest_team_decision(db: Session, *, family_id: uuid.UUID) -> TeamDecision | None:
    found = team_decisions(db, family_id=family_id)
    return found[0] if found else None


def working_centre(db: Session, family: Family) -> Centre:
    """The centre whose staff work with the family (the contracted organisation, if any)."""
    centre = db.get(Centre, policy.working_centre_id(family))
    assert centre is not None  # a foreign key guarantees it
    return centre


def team_decision_required(db: Session, family: Family) -> bool:
    """Whether an assistant waits for the team's "take on" (the working centre's setting)."""
    return working_centre(db, family).requires_team_decision


def require_take_on(db: Session, *, family: Family) -> None:
    """Refuse to assign a referred family before the team decided to take it on, where the
    centre's setting asks for the team's decision (reassigning during the work is not held)."""
    if family.status is not CaseStatus.referred or not team_decision_required(db, family):
        return
    latest = latest_team_decision(db, family_id=family.id)
    if latest is None:
        raise Conflict(
            _(
                "The multiprofessional team has not decided about this family yet: an assistant "
                "is assigned after the team decides to take the family on."
            )
        )
    if latest.decision is not TeamDecisionKind.take_on:
        raise Conflict(
            _(
                "The multiprofessional team's last decision (%(date)s) was not to take the "
                "family on now: an assistant is assigned only after a decision to take it on.",
                date=format_date(latest.met_on),
            )
        )


def initial_assessment(db: Session, *, family: Family) -> Assessment | None:
    """The initial assessment of the current round of work (from its start on), if written."""
    query = select(Assessment).where(
        Assessment.family_id == family.id, Assessment.kind == AssessmentKind.initial
    )
    if family.work_started_on is not None:
        query = query.where(col(Assessment.assessed_on) >= family.work_started_on)
    return db.exec(query.order_by(col(Assessment.assessed_on).desc())).first()


def has_initial_assessment(db: Session, *, family: Family) -> bool:
    return initial_assessment(db, family=family) is not None
