"""Who works with whom: current assignments and the caseload of each assistant."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.domain.kernel import policy
from pwa.models import Assignment, CaseStatus, Centre, Family, Role, User

# Art. 15 ust. 4 of the 2011 act: an assistant works with at most 15 families at once.
MAX_FAMILIES_PER_ASSISTANT = 15


def counted_statuses(centre: Centre) -> tuple[CaseStatus, ...]:
    """Case states that count toward the limit (monitoring unless the centre says otherwise)."""
    if centre.monitoring_counts_toward_limit:
        return (CaseStatus.referred, CaseStatus.active, CaseStatus.monitoring)
    return (CaseStatus.referred, CaseStatus.active)


def families_of_assistant(db: Session, *, assistant: User) -> Sequence[Family]:
    """The families currently assigned to `assistant`, by case number."""
    return db.exec(
        select(Family)
        .join(Assignment, col(Assignment.family_id) == col(Family.id))
        .where(Assignment.assistant_id == assistant.id, col(Assignment.ended_at).is_(None))
        .order_by(Family.name, Family.case_number)
    ).all()


def current_assistant(db: Session, *, family_id: uuid.UUID) -> User | None:
    """The family's assistant now: of the centre that handles it (never a stale assignment)."""
    return db.exec(
        select(User)
        .join(Assignment, col(Assignment.assistant_id) == col(User.id))
        .join(Family, col(Family.id) == col(Assignment.family_id))
        .where(
            Assignment.family_id == family_id,
            col(Assignment.ended_at).is_(None),
            policy.held_by_working_centre(),
        )
    ).first()


@dataclass(frozen=True)
class AssistantCaseload:
    """An assistant and how many families count toward her limit."""

    assistant: User
    counted: int
    limit: int = MAX_FAMILIES_PER_ASSISTANT

    @property
    def is_full(self) -> bool:
        return self.counted >= self.limit


def caseloads(db: Session, *, centre: Centre) -> list[AssistantCaseload]:
    """Every active assistant of the centre with her counted caseload (one query)."""
    counted = (
        select(Assignment.assistant_id, sa.func.count().label("n"))
        .join(Family, col(Family.id) == col(Assignment.family_id))
        .where(
            col(Assignment.ended_at).is_(None),
            col(Family.status).in_([s.value for s in counted_statuses(centre)]),
        )
        .group_by(col(Assignment.assistant_id))
        .subquery()
    )
    rows = db.exec(
        select(User, sa.func.coalesce(counted.c.n, 0))
        .outerjoin(counted, counted.c.assistant_id == col(User.id))
        .where(User.centre_id == centre.id, User.role == Role.assistant, col(User.is_active))
        .order_by(User.last_name, User.first_name)
    ).all()
    return [AssistantCaseload(assistant=user, counted=int(n)) for user, n in rows]
