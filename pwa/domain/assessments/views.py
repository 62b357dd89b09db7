"""Reading assessments: a family's history, one assessment, and what a new one's form needs.

Every read is audited; assessments are internal to staff (policy Access.full).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from pwa.domain.assessments.due import AssessmentDue, assessment_due_for
from pwa.domain.assessments.situation import (
    AREAS,
    area_label,
    goals_in_force,
    rating_label,
    require_work_under_way,
)
from pwa.domain.cases.members import staff_family
from pwa.domain.kernel import audit
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import NotFound
from pwa.models import Assessment, AssessmentKind, CaseStatus, Family, Goal, GoalProgress, User


@dataclass(frozen=True)
class AssessmentRow:
    assessment: Assessment
    author: User | None


@dataclass(frozen=True)
class AssessmentHistory:
    """Every assessment of the family, newest first, and when the next one is due."""

    family: Family
    rows: list[AssessmentRow]
    due: AssessmentDue

    @property
    def work_under_way(self) -> bool:
        return self.family.status is CaseStatus.active


def _authors(db: Session, ids: set[uuid.UUID | None]) -> dict[uuid.UUID, User]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {user.id: user for user in db.exec(select(User).where(col(User.id).in_(wanted))).all()}


def assessment_history(
    db: Session, *, actor: Actor, family_id: uuid.UUID, today: date
) -> AssessmentHistory:
    """The family's assessments for its staff (the read is audited)."""
    family = staff_family(db, actor=actor, family_id=family_id)
    assessments = db.exec(
        select(Assessment)
        .where(Assessment.family_id == family.id)
        .order_by(col(Assessment.assessed_on).desc(), col(Assessment.created_at).desc())
    ).all()
    authors = _authors(db, {a.author_id for a in assessments})
    audit.record(db, actor=actor, action="assessment.list", family_id=family.id, obj=family)
    return AssessmentHistory(
        family=family,
        rows=[
            AssessmentRow(a, authors.get(a.author_id) if a.author_id else None) for a in assessments
        ],
        due=assessment_due_for(db, family=family, today=today),
    )


@dataclass(frozen=True)
class ProgressRow:
    goal: Goal | None
    progress: GoalProgress

    @property
    def rating_label(self) -> str:
        return rating_label(self.progress.rating)


@dataclass(frozen=True)
class AssessmentDetail:
    assessment: Assessment
    family: Family
    author: User | None
    progress: list[ProgressRow]

    @property
    def areas(self) -> list[tuple[str, str]]:
        """(label, text) of each area written in, in the form's order."""
        texts = ((name, getattr(self.assessment, name)) for name in AREAS)
        return [(area_label(name), text) for name, text in texts if text]


def get_assessment(db: Session, *, actor: Actor, assessment_id: uuid.UUID) -> AssessmentDetail:
    """One assessment with its goal ratings, for the family's staff (the read is audited)."""
    assessment = db.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound
    family = staff_family(db, actor=actor, family_id=assessment.family_id)
    rows = db.exec(
        select(GoalProgress, Goal)
        .join(Goal, col(Goal.id) == col(GoalProgress.goal_id))
        .where(GoalProgress.assessment_id == assessment.id)
        .order_by(col(Goal.position))
    ).all()
    audit.record(db, actor=actor, action="assessment.read", family_id=family.id, obj=assessment)
    return AssessmentDetail(
        assessment=assessment,
        family=family,
        author=db.get(User, assessment.author_id) if assessment.author_id else None,
        progress=[ProgressRow(goal=goal, progress=progress) for progress, goal in rows],
    )


@dataclass(frozen=True)
class AssessmentFormView:
    """What an assessment form needs: the family, the goals to rate, when one is due."""

    family: Family
    kind: AssessmentKind
    goals: list[Goal]
    due: AssessmentDue


def form_view(
    db: Session, *, actor: Actor, family_id: uuid.UUID, kind: AssessmentKind, today: date
) -> AssessmentFormView:
    """The form of a new assessment (`kind` final: the form of the end of the work)."""
    family = staff_family(db, actor=actor, family_id=family_id)
    require_work_under_way(family)
    audit.record(db, actor=actor, action="assessment.form", family_id=family.id, obj=family)
    return AssessmentFormView(
        family=family,
        kind=kind,
        goals=goals_in_force(db, family_id=family.id),
        due=assessment_due_for(db, family=family, today=today),
    )
