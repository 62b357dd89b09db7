"""What each role sees first: the assistant's day, the centre at a glance, the family's home."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.domain import caseload
from pwa.domain.errors import NotFound
from pwa.domain.office_hours import OfficeHoursOccurrence, next_office_hours
from pwa.i18n import WARSAW
from pwa.models import (
    Assignment,
    CaseStatus,
    Centre,
    Family,
    Goal,
    Meeting,
    MeetingStatus,
    OfficeHours,
    Plan,
    PlanStatus,
    Task,
    TaskState,
    User,
    Visit,
    utcnow,
)


@dataclass(frozen=True)
class FamilyRow:
    family: Family
    next_meeting: Meeting | None


@dataclass(frozen=True)
class AssistantToday:
    families: list[FamilyRow]
    visits_this_month: int
    today: date


def _next_meetings(
    db: Session, family_ids: Sequence[object], now: datetime
) -> dict[object, Meeting]:
    """The next scheduled meeting of each family, in one query."""
    if not family_ids:
        return {}
    meetings = db.exec(
        select(Meeting)
        .where(
            col(Meeting.family_id).in_(family_ids),
            Meeting.status == MeetingStatus.scheduled,
            col(Meeting.starts_at) >= now,
        )
        .order_by(col(Meeting.starts_at))
    ).all()
    first: dict[object, Meeting] = {}
    for meeting in meetings:
        first.setdefault(meeting.family_id, meeting)
    return first


def assistant_today(db: Session, *, assistant: User, now: datetime | None = None) -> AssistantToday:
    """The assistant's families with their next meeting, and this month's visits."""
    now = now or utcnow()
    today = now.astimezone(WARSAW).date()
    families = caseload.families_of_assistant(db, assistant=assistant)
    meetings = _next_meetings(db, [f.id for f in families], now)
    month_start = today.replace(day=1)
    visits = db.exec(
        select(sa.func.count())
        .select_from(Visit)
        .where(Visit.author_id == assistant.id, col(Visit.visit_date) >= month_start)
    ).one()
    return AssistantToday(
        families=[FamilyRow(family=f, next_meeting=meetings.get(f.id)) for f in families],
        visits_this_month=int(visits),
        today=today,
    )


@dataclass(frozen=True)
class CentreOverview:
    centre: Centre
    caseloads: list[caseload.AssistantCaseload]
    unassigned: list[Family]
    counts_by_status: dict[CaseStatus, int] = field(default_factory=dict)


def centre_overview(db: Session, *, coordinator: User) -> CentreOverview:
    """Assistants with their caseload, referrals nobody works with yet, cases by state."""
    centre = db.get(Centre, coordinator.centre_id)
    if centre is None:
        raise NotFound
    assigned = select(Assignment.family_id).where(col(Assignment.ended_at).is_(None))
    unassigned = db.exec(
        select(Family)
        .where(
            Family.centre_id == centre.id,
            col(Family.status).in_([CaseStatus.referred, CaseStatus.active]),
            col(Family.id).not_in(assigned),
        )
        .order_by(col(Family.referred_on))
    ).all()
    counts = db.exec(
        select(Family.status, sa.func.count())
        .where(Family.centre_id == centre.id)
        .group_by(col(Family.status))
    ).all()
    return CentreOverview(
        centre=centre,
        caseloads=caseload.caseloads(db, centre=centre),
        unassigned=list(unassigned),
        counts_by_status={CaseStatus(status): int(n) for status, n in counts},
    )


@dataclass(frozen=True)
class FamilyHome:
    family: Family
    assistant: User | None
    next_meeting: Meeting | None
    open_tasks: list[Task]
    office_hours: OfficeHoursOccurrence | None


def family_home(db: Session, *, member_user: User, now: datetime | None = None) -> FamilyHome:
    """The family's assistant and how to reach her, the next meeting, open tasks, office hours."""
    now = now or utcnow()
    family = db.get(Family, member_user.family_id) if member_user.family_id else None
    if family is None or family.centre_id != member_user.centre_id:
        raise NotFound
    open_tasks = db.exec(
        select(Task)
        .join(Goal, col(Goal.id) == col(Task.goal_id))
        .join(Plan, col(Plan.id) == col(Goal.plan_id))
        .where(
            Plan.family_id == family.id,
            Plan.status == PlanStatus.agreed,
            Task.state == TaskState.open,
        )
        .order_by(col(Task.due_on))
    ).all()
    slots = db.exec(select(OfficeHours).where(OfficeHours.centre_id == family.centre_id)).all()
    upcoming = next_office_hours(slots, now=now)
    return FamilyHome(
        family=family,
        assistant=caseload.current_assistant(db, family_id=family.id),
        next_meeting=_next_meetings(db, [family.id], now).get(family.id),
        open_tasks=list(open_tasks),
        office_hours=upcoming[0] if upcoming else None,
    )
