"""The family's data rights (GDPR): everything the centre holds about a family, and its erasure.

- Export (art. 15 GDPR, the right of access; in `data_export`): a coordinator downloads one
  ZIP file with the whole record of a family (`family_record` below).
- Retention: a closed case is kept for the centre's retention period (Centre.retention_years)
  counted from Family.closed_on; it has passed from the day after the same date that many
  years later (closed 15.01.2016, 10 years: kept until 15.01.2026, past it from 16.01.2026).
- Anonymisation: after that, a coordinator removes the personal data of the case but keeps
  what the reports count. Names become "—"; addresses, phones, e-mails, notes and every other
  free text are blanked; birth dates keep only the year (1 January); the family's accounts are
  deactivated, their passkeys and push devices deleted and their sessions ended. Dates,
  states, end reasons (the code in CaseEvent.reason), the "Za życiem" flag, visits (dates,
  lengths, kinds), member rows (relation, birth year, household) and plan tasks (states,
  dates) stay, so the yearly figures are the same before and after. The case number stays:
  it is the centre's file reference, not a person's data. The audit log is append-only and
  is not changed.

Both the export and the anonymisation are audited; only coordinators do either.
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from pwa.domain.cases.members import lock_family
from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, NotFound
from pwa.i18n import format_date
from pwa.i18n import gettext as _
from pwa.models import (
    Assessment,
    Assignment,
    AuditEvent,
    CaseEvent,
    CaseStatus,
    Centre,
    Consent,
    CourtOpinion,
    Family,
    FamilyMember,
    FirstContact,
    Goal,
    GoalProgress,
    InstitutionContact,
    Invitation,
    Meeting,
    PasskeyCredential,
    Plan,
    PushSubscription,
    Reminder,
    ReminderStatus,
    SupportRequest,
    Task,
    TeamDecision,
    User,
    UserSession,
    Visit,
    VisitAttendance,
    VisitRevision,
)

BLANK_NAME = "—"
M = TypeVar("M", bound=SQLModel)


# --- the whole record of a family ------------------------------------------------------------------


@dataclass
class FamilyRecord:
    """Every row the centre keeps about one family, by section (the export's sections)."""

    family: list[Family]
    members: list[FamilyMember]
    consents: list[Consent]
    case_events: list[CaseEvent]
    assignments: list[Assignment]
    plans: list[Plan]
    goals: list[Goal]
    tasks: list[Task]
    visits: list[Visit]
    visit_attendance: list[VisitAttendance]
    visit_revisions: list[VisitRevision]
    meetings: list[Meeting]
    assessments: list[Assessment]
    goal_progress: list[GoalProgress]
    court_opinions: list[CourtOpinion]
    institution_contacts: list[InstitutionContact]
    support_requests: list[SupportRequest]
    team_decisions: list[TeamDecision]
    first_contacts: list[FirstContact]
    users: list[User]  # the family's own accounts
    passkeys: list[PasskeyCredential]
    sessions: list[UserSession]
    push_devices: list[PushSubscription]
    invitations: list[Invitation]
    audit_events: list[AuditEvent]

    def sections(self) -> dict[str, list[SQLModel]]:
        return {f.name: list(getattr(self, f.name)) for f in fields(self)}


def ids_of(rows: Iterable[Any]) -> list[uuid.UUID]:
    return [row.id for row in rows]


def rows_where(db: Session, model: type[M], column: Any, ids: Sequence[Any]) -> list[M]:
    """The rows of `model` whose `column` is one of `ids` (none for no ids)."""
    if not ids:
        return []
    return list(db.exec(select(model).where(col(column).in_(list(ids)))).all())


def family_record(db: Session, family: Family) -> FamilyRecord:
    """Every row about `family`, each section in a stable order."""

    def of_family(model: type[M], *order: Any) -> list[M]:
        query = select(model).where(model.family_id == family.id)  # type: ignore[attr-defined]
        return list(db.exec(query.order_by(*order)).all())

    plans = of_family(Plan, col(Plan.version))
    goals = rows_where(db, Goal, Goal.plan_id, ids_of(plans))
    visits = of_family(Visit, col(Visit.visit_date), col(Visit.starts_at))
    assessments = of_family(Assessment, col(Assessment.assessed_on))
    users = list(db.exec(select(User).where(User.family_id == family.id)).all())
    user_ids = ids_of(users)
    return FamilyRecord(
        family=[family],
        members=of_family(FamilyMember, col(FamilyMember.created_at)),
        consents=of_family(Consent, col(Consent.given_on)),
        case_events=of_family(CaseEvent, col(CaseEvent.at)),
        assignments=of_family(Assignment, col(Assignment.started_at)),
        plans=plans,
        goals=goals,
        tasks=rows_where(db, Task, Task.goal_id, ids_of(goals)),
        visits=visits,
        visit_attendance=rows_where(db, VisitAttendance, VisitAttendance.visit_id, ids_of(visits)),
        visit_revisions=rows_where(db, VisitRevision, VisitRevision.visit_id, ids_of(visits)),
        meetings=of_family(Meeting, col(Meeting.starts_at)),
        assessments=assessments,
        goal_progress=rows_where(db, GoalProgress, GoalProgress.assessment_id, ids_of(assessments)),
        court_opinions=of_family(CourtOpinion, col(CourtOpinion.requested_on)),
        institution_contacts=of_family(InstitutionContact, col(InstitutionContact.contact_on)),
        support_requests=of_family(SupportRequest, col(SupportRequest.requested_on)),
        team_decisions=of_family(TeamDecision, col(TeamDecision.met_on)),
        first_contacts=of_family(FirstContact, col(FirstContact.met_on)),
        users=users,
        passkeys=rows_where(db, PasskeyCredential, PasskeyCredential.user_id, user_ids),
        sessions=rows_where(db, UserSession, UserSession.user_id, user_ids),
        push_devices=rows_where(db, PushSubscription, PushSubscription.user_id, user_ids),
        invitations=of_family(Invitation, col(Invitation.created_at)),
        audit_events=of_family(AuditEvent, col(AuditEvent.at)),
    )


# --- retention -----------------------------------------------------------------------------------


def retention_ends_on(closed_on: date, years: int) -> date:
    """The last day of the retention period (29 February becomes 28 February)."""
    year = closed_on.year + years
    last = calendar.monthrange(year, closed_on.month)[1]
    return closed_on.replace(year=year, day=min(closed_on.day, last))


def past_retention(family: Family, *, years: int, today: date) -> bool:
    """A closed case whose retention period is over (and that still has personal data)."""
    return (
        family.status is CaseStatus.closed
        and family.closed_on is not None
        and family.anonymised_at is None
        and today > retention_ends_on(family.closed_on, years)
    )


@dataclass(frozen=True)
class RetentionRow:
    family: Family
    retention_ended_on: date


@dataclass(frozen=True)
class RetentionOverview:
    """The closed cases past the retention period, and how many are kept or anonymised."""

    years: int
    due: list[RetentionRow]
    within: int  # closed, still within the period
    anonymised: int


def retention_overview(db: Session, *, actor: Actor, today: date) -> RetentionOverview:
    """The closed cases of the coordinator's centre that passed the retention period."""
    policy.require_coordinator(actor)
    centre = db.get(Centre, actor.centre_id)
    if centre is None:
        raise NotFound
    closed = db.exec(
        select(Family)
        .where(Family.centre_id == centre.id, Family.status == CaseStatus.closed)
        .order_by(col(Family.closed_on), col(Family.case_number))
    ).all()
    years = centre.retention_years
    due = [
        RetentionRow(family, retention_ends_on(family.closed_on, years))
        for family in closed
        if family.closed_on is not None and past_retention(family, years=years, today=today)
    ]
    anonymised = sum(family.anonymised_at is not None for family in closed)
    return RetentionOverview(years, due, len(closed) - len(due) - anonymised, anonymised)


# --- anonymisation --------------------------------------------------------------------------------


def _blank(rows: Iterable[SQLModel], *names: str, value: str = "") -> None:
    for row in rows:
        for name in names:
            setattr(row, name, value)


def _anonymise_case(record: FamilyRecord) -> None:
    """Blank the texts of the case itself, keeping its dates, states and reasons."""
    for family in record.family:
        family.name = BLANK_NAME
    _blank(
        record.family, "address", "phone", "referral_reason", "social_worker_name",
        "social_worker_phone", "social_worker_email", "foster_care_coordinator", "interview_by",
        "situation_analysis", "director_request_reference",
    )  # fmt: skip
    for member in record.members:
        member.first_name, member.last_name, member.phone = BLANK_NAME, "", ""
        if member.birth_date is not None:
            member.birth_date = date(member.birth_date.year, 1, 1)
    _blank(record.consents, "withdrawal_reason")
    _blank(record.case_events, "reason")  # end_reason stays: the reports count it


def _anonymise_work(record: FamilyRecord) -> None:
    """Blank the texts of the work with the family: plans, visits, assessments, opinions …"""
    _blank(
        record.plans, "consulted_with", "consultation_remarks", "foster_coordination_with",
        "foster_coordination_reference",
    )  # fmt: skip
    _blank(record.goals, "wording")
    _blank(record.tasks, "action", "expected_effect", "drop_reason")
    _blank([*record.visits, *record.visit_revisions], "notes", "place_text", "present_others")
    _blank(record.meetings, "place_text", "cancel_reason")
    _blank(
        record.assessments, "children_situation", "care_and_upbringing", "household",
        "finances", "health", "work", "school", "family_view", "strengths",
    )  # fmt: skip
    _blank(record.goal_progress, "comment")
    _blank(record.court_opinions, "case_reference", "body")
    _blank(record.institution_contacts, "purpose", "outcome")
    _blank(record.institution_contacts, "institution", value=BLANK_NAME)
    _blank(record.support_requests, "outcome")
    _blank(record.team_decisions, "participants", "deficits", "resources", "reason", "remarks")
    _blank(record.first_contacts, "expectations")


def _anonymise_accounts(db: Session, record: FamilyRecord, now: datetime) -> None:
    """Deactivate the family's accounts, drop their keys and devices, end their sessions."""
    for user in record.users:
        user.first_name, user.last_name, user.email, user.work_phone = BLANK_NAME, "", "", ""
        user.is_active, user.calendar_token_hash = False, None
        user.deactivated_at = user.deactivated_at or now
    for row in [*record.passkeys, *record.push_devices]:
        db.delete(row)
    for session in record.sessions:
        session.user_agent = ""
        if session.ended_at is None:
            session.ended_at, session.ended_reason = now, "anonymised"
    for reminder in rows_where(db, Reminder, Reminder.user_id, ids_of(record.users)):
        if reminder.status in (ReminderStatus.pending, ReminderStatus.sending):
            reminder.status = ReminderStatus.cancelled
            db.add(reminder)
    _blank(record.invitations, "first_name", "last_name", "email")
    for invitation in record.invitations:
        if invitation.used_at is None and invitation.revoked_at is None:
            invitation.revoked_at = now


def _check_may_anonymise(family: Family, centre: Centre, today: date) -> None:
    if family.anonymised_at is not None:
        raise Conflict(_("This case has already been anonymised."))
    if family.status is not CaseStatus.closed or family.closed_on is None:
        raise Conflict(
            _("Only a closed case can be anonymised, once its retention period is over.")
        )
    if not past_retention(family, years=centre.retention_years, today=today):
        raise Conflict(
            _(
                "The case must be kept until %(date)s (the retention period is counted from its closing): it can be anonymised after that day.",
                date=format_date(retention_ends_on(family.closed_on, centre.retention_years)),
            )
        )


def anonymise_family(
    db: Session, *, actor: Actor, family_id: uuid.UUID, now: datetime, today: date
) -> Family:
    """Remove the personal data of a closed case past retention, keeping its counts (audited)."""
    policy.require_coordinator(actor)
    family = lock_family(db, actor=actor, family_id=family_id)
    centre = db.get(Centre, family.centre_id)
    if centre is None:  # pragma: no cover - a foreign key guarantees it
        raise NotFound
    _check_may_anonymise(family, centre, today)
    record = family_record(db, family)
    _anonymise_case(record)
    _anonymise_work(record)
    _anonymise_accounts(db, record, now)
    family.anonymised_at = now
    for key, rows in record.sections().items():
        if key not in ("passkeys", "push_devices", "audit_events"):
            db.add_all(rows)
    db.flush()
    audit.record(db, actor=actor, action="family.anonymise", family_id=family.id, obj=family)
    return family
