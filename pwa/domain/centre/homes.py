"""What each role sees first: the assistant's day, the centre at a glance, the family's home.

Every list is one query, whatever the number of families (no query per family).
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.domain.assessments.due import AssessmentStatus, assessment_due, assessment_status
from pwa.domain.cases import caseload
from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.dates import add_months
from pwa.domain.kernel.errors import Forbidden, NotFound
from pwa.domain.plans.views import tasks_in_force
from pwa.domain.visits.office_hours import OfficeHoursOccurrence, next_office_hours
from pwa.i18n import WARSAW
from pwa.i18n import gettext as _
from pwa.models import (
    Assessment,
    AssessmentKind,
    Assignment,
    CaseStatus,
    Centre,
    Consent,
    Family,
    Goal,
    Meeting,
    MeetingStatus,
    OfficeHours,
    Plan,
    PlanStatus,
    Role,
    Task,
    TaskState,
    User,
    Visit,
    utcnow,
)


def _last_assessment_on() -> sa.ScalarSelect[date]:
    """The family's last initial or periodic assessment (a column to select beside Family).

    Correlated, so that the database looks up only the families on the page (through the
    index on family_id) instead of grouping every assessment of the city first.
    """
    return (
        select(sa.func.max(Assessment.assessed_on))
        .where(
            col(Assessment.family_id) == col(Family.id),
            col(Assessment.kind).in_([AssessmentKind.initial, AssessmentKind.periodic]),
        )
        .correlate(Family)
        .scalar_subquery()
    )


# --- the assistant's day -----------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyRow:
    family: Family
    next_meeting: Meeting | None
    assessment_due: date | None = None
    assessment_status: AssessmentStatus | None = None


@dataclass(frozen=True)
class WeekTask:
    """An open plan task due this week (or already late)."""

    task: Task
    family: Family
    overdue: bool


@dataclass(frozen=True)
class AssistantToday:
    families: list[FamilyRow]
    visits_this_month: int
    today: date
    tasks_this_week: list[WeekTask] = field(default_factory=list)


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
    """Her open cases with their state, next meeting and assessment due; tasks; visits."""
    now = now or utcnow()
    today = now.astimezone(WARSAW).date()
    rows = db.exec(
        select(Family, _last_assessment_on())
        .join(Assignment, col(Assignment.family_id) == col(Family.id))
        .where(
            Assignment.assistant_id == assistant.id,
            col(Assignment.ended_at).is_(None),
            Family.status != CaseStatus.closed,
            # Not a family handled by another centre now (a row left open by a hand-over).
            sa.func.coalesce(col(Family.handled_by_centre_id), col(Family.centre_id))
            == assistant.centre_id,
        )
        .order_by(col(Family.name), col(Family.case_number))
    ).all()
    by_id = {family.id: family for family, _last in rows}
    meetings = _next_meetings(db, list(by_id), now)
    families = []
    for family, last_on in rows:
        active = family.status is CaseStatus.active
        due = assessment_due(family.work_started_on, last_on) if active else None
        families.append(
            FamilyRow(family, meetings.get(family.id), due, assessment_status(due, today=today))
        )
    week_end = today + timedelta(days=6 - today.weekday())
    tasks = db.exec(
        select(Task, Plan.family_id)
        .join(Goal, col(Goal.id) == col(Task.goal_id))
        .join(Plan, col(Plan.id) == col(Goal.plan_id))
        .where(
            col(Plan.family_id).in_(list(by_id)),
            Plan.status == PlanStatus.agreed,
            Task.state == TaskState.open,
            col(Task.due_on) <= week_end,
        )
        .order_by(col(Task.due_on), col(Task.position))
    ).all()
    month_start = today.replace(day=1)
    visits = db.exec(
        select(sa.func.count())
        .select_from(Visit)
        .where(
            Visit.author_id == assistant.id,
            col(Visit.visit_date) >= month_start,
            col(Visit.visit_date) < add_months(month_start, 1),
        )
    ).one()
    return AssistantToday(
        families=families,
        visits_this_month=int(visits),
        today=today,
        tasks_this_week=[
            WeekTask(task=task, family=by_id[family_id], overdue=task.due_on < today)
            for task, family_id in tasks
        ],
    )


# --- the centre at a glance ----------------------------------------------------------------------


@dataclass(frozen=True)
class DueRow:
    """A family whose periodic assessment is due, with its assistant."""

    family: Family
    assistant: User | None
    due: date
    status: AssessmentStatus


@dataclass(frozen=True)
class FamilyAndAssistant:
    """A family and its current assistant (none yet): the overview's families without a
    consent, and the family search's rows."""

    family: Family
    assistant: User | None


@dataclass(frozen=True)
class CentreOverview:
    centre: Centre
    caseloads: list[caseload.AssistantCaseload]
    unassigned: list[Family]
    counts_by_status: dict[CaseStatus, int] = field(default_factory=dict)
    overdue_assessments: list[DueRow] = field(default_factory=list)
    consent_missing: list[FamilyAndAssistant] = field(default_factory=list)


def _current_assignment() -> sa.ColumnElement[bool]:
    """The join condition of a family's current assignment (outer-joined: may be none)."""
    return sa.and_(col(Assignment.family_id) == col(Family.id), col(Assignment.ended_at).is_(None))


def centre_overview(
    db: Session, *, coordinator: User, now: datetime | None = None
) -> CentreOverview:
    """Caseloads, referrals without an assistant, overdue assessments, missing consents."""
    centre = db.get(Centre, coordinator.centre_id)
    if centre is None:
        raise NotFound
    today = (now or utcnow()).astimezone(WARSAW).date()
    assigned = select(Assignment.family_id).where(col(Assignment.ended_at).is_(None))
    unassigned = db.exec(
        select(Family)
        .where(
            policy.in_centre(centre.id),
            col(Family.status).in_([CaseStatus.referred, CaseStatus.active]),
            col(Family.id).not_in(assigned),
        )
        .order_by(col(Family.referred_on))
    ).all()
    counts = db.exec(
        select(Family.status, sa.func.count())
        .where(policy.in_centre(centre.id))
        .group_by(col(Family.status))
    ).all()
    # Due dates from three columns of every active family; whole rows only for the overdue.
    due_on: dict[uuid.UUID, date] = {}
    for family_id, started, last_on in db.exec(
        select(Family.id, col(Family.work_started_on), _last_assessment_on()).where(
            policy.in_centre(centre.id), col(Family.status) == CaseStatus.active
        )
    ).all():
        due = assessment_due(started, last_on)
        if due is not None and assessment_status(due, today=today) is AssessmentStatus.overdue:
            due_on[family_id] = due
    overdue = [
        DueRow(family, assistant, due_on[family.id], AssessmentStatus.overdue)
        for family, assistant in db.exec(
            select(Family, User)
            .outerjoin(Assignment, _current_assignment())
            .outerjoin(User, col(User.id) == col(Assignment.assistant_id))
            .where(col(Family.id).in_(list(due_on)))
        ).all()
    ]
    in_force = select(Consent.id).where(
        col(Consent.family_id) == col(Family.id), col(Consent.withdrawn_on).is_(None)
    )
    missing = db.exec(
        select(Family, User)
        .outerjoin(Assignment, _current_assignment())
        .outerjoin(User, col(User.id) == col(Assignment.assistant_id))
        .where(
            policy.in_centre(centre.id),
            sa.or_(
                col(Family.status) == CaseStatus.referred,
                sa.and_(col(Family.status) == CaseStatus.active, ~sa.exists(in_force)),
            ),
        )
        .order_by(col(Family.referred_on), col(Family.case_number))
    ).all()
    return CentreOverview(
        centre=centre,
        caseloads=caseload.caseloads(db, centre=centre),
        unassigned=list(unassigned),
        counts_by_status={CaseStatus(status): int(n) for status, n in counts},
        overdue_assessments=sorted(overdue, key=lambda row: (row.due, row.family.case_number)),
        consent_missing=[FamilyAndAssistant(family, assistant) for family, assistant in missing],
    )


def assistant_home(db: Session, *, actor: Actor, now: datetime | None = None) -> AssistantToday:
    """`assistant_today` for the signed-in assistant; the families it names are audited."""
    today = assistant_today(db, assistant=actor.user, now=now)
    shown = [row.family.id for row in today.families]
    audit.record_list(db, actor=actor, page="assistant_home", family_ids=shown)
    return today


def coordinator_home(db: Session, *, actor: Actor, now: datetime | None = None) -> CentreOverview:
    """`centre_overview` for the signed-in coordinator; the families it names are audited."""
    overview = centre_overview(db, coordinator=actor.user, now=now)
    shown = [
        *(family.id for family in overview.unassigned),
        *(row.family.id for row in overview.overdue_assessments),
        *(row.family.id for row in overview.consent_missing),
    ]
    audit.record_list(db, actor=actor, page="coordinator_home", family_ids=shown)
    return overview


# --- searching families -------------------------------------------------------------------------

PAGE_SIZE = 20
_ALPHABET = "0123456789aąbcćdeęfghijklłmnńoóprsśtuvwxyzźż"
_ORDER = {letter: index for index, letter in enumerate(_ALPHABET)}
_BASE_LETTERS = str.maketrans("ąćęłńóśźż", "acelnoszz")


def polish_sort_key(text: str) -> tuple[int, ...]:
    """Sorts the Polish way: "Łukasik" after "Lis", "Śliwa" after "Sowa"."""
    return tuple(_ORDER.get(letter, 100 + ord(letter)) for letter in text.casefold())


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def matches(query: str, *texts: str) -> bool:
    """Case-insensitive (Polish letters too); typed without diacritics, it ignores them."""
    needle = _fold(query)
    if not needle:
        return True
    plain = needle == needle.translate(_BASE_LETTERS)
    for text in texts:
        folded = _fold(text)
        if needle in folded or (plain and needle in folded.translate(_BASE_LETTERS)):
            return True
    return False


@dataclass(frozen=True)
class FamilyPage:
    """One page of families found, and how many there are in all."""

    rows: list[FamilyAndAssistant]
    total: int
    page: int
    page_size: int
    query: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def search_families(
    db: Session, *, actor: Actor, query: str = "", page: int = 1, page_size: int = PAGE_SIZE
) -> FamilyPage:
    """Families by name or case number: the coordinator's centre, or the assistant's own."""
    if not actor.user.is_active or actor.role not in (Role.coordinator, Role.assistant):
        raise Forbidden(_("Only staff of the centre can search families."))
    candidates = select(Family.id, Family.name, Family.case_number).where(
        policy.in_centre(actor.centre_id)
    )
    if actor.role is Role.assistant:
        candidates = candidates.join(Assignment, col(Assignment.family_id) == col(Family.id)).where(
            Assignment.assistant_id == actor.id,
            col(Assignment.ended_at).is_(None),
            sa.func.coalesce(col(Family.handled_by_centre_id), col(Family.centre_id))
            == actor.centre_id,
        )
    # Matched in Python: SQLite's lower() leaves Polish capitals alone, and a centre's list
    # of names is short.
    found = [
        (family_id, name, number)
        for family_id, name, number in db.exec(candidates).all()
        if matches(query, name, number)
    ]
    found.sort(key=lambda row: (polish_sort_key(row[1]), row[2]))
    total = len(found)
    page = max(1, min(page, max(1, -(-total // page_size))))
    ids: list[uuid.UUID] = [row[0] for row in found[(page - 1) * page_size : page * page_size]]
    loaded = db.exec(
        select(Family, User)
        .outerjoin(Assignment, _current_assignment())
        .outerjoin(User, col(User.id) == col(Assignment.assistant_id))
        .where(col(Family.id).in_(ids))
    ).all()
    by_id = {family.id: FamilyAndAssistant(family, assistant) for family, assistant in loaded}
    audit.record_list(db, actor=actor, page="family_search", family_ids=ids)
    return FamilyPage(
        rows=[by_id[family_id] for family_id in ids],
        total=total,
        page=page,
        page_size=page_size,
        query=query,
    )


# --- the family's home ----------------------------------------------------------------------------


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
        tasks_in_force(Plan.family_id == family.id, Task.state == TaskState.open).order_by(
            col(Task.due_on)
        )
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
