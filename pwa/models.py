"""Every table of Asysta, in one place.

Conventions:
- primary keys are random UUIDs; they are also the public identifiers in URLs, so nothing
  sequential ever leaks how many families a centre has;
- every record hangs off a Centre (directly or through its family): users of one centre
  never see another's;
- timestamps are stored in UTC (`UTCDateTime`) and shown in Europe/Warsaw by the UI layer;
- states are enums stored as short strings, so that PostgreSQL and SQLite agree.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from pwa.i18n import local_today


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on both databases (SQLite has no time zones of its own)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _id() -> Any:
    return Field(default_factory=uuid.uuid4, primary_key=True)


def _fk(target: str, *, nullable: bool = False, index: bool = True) -> Any:
    return Field(
        default=None if nullable else ...,
        foreign_key=target,
        nullable=nullable,
        index=index,
    )


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _when(*, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=True, index=index)


def _text(max_length: int = 200, *, default: str = "") -> Any:
    return Field(default=default, max_length=max_length, nullable=False)


def _long_text() -> Any:
    return Field(default="", sa_type=sa.Text, nullable=False)


def _enum(enum_cls: type[enum.StrEnum], default: enum.StrEnum | None = None) -> Any:
    """An enum stored as its short string value (VARCHAR on both databases)."""
    return Field(
        default=default if default is not None else ...,
        sa_type=_enum_type(enum_cls),
        nullable=False,
    )


def _enum_type(enum_cls: type[enum.StrEnum]) -> sa.Enum:
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=max(len(member.value) for member in enum_cls),
        values_callable=lambda members: [member.value for member in members],
    )


# --- enums -------------------------------------------------------------------------------


class Role(enum.StrEnum):
    """What a user is to the centre."""

    coordinator = "coordinator"  # koordynator/kierownik: invites, assigns, oversees
    assistant = "assistant"  # asystent rodziny: works with assigned families
    family = "family"  # an adult member of a supported family


class Gender(enum.StrEnum):
    """Grammatical gender for Polish role names (koordynatorka/koordynator)."""

    female = "f"
    male = "m"


class CaseStatus(enum.StrEnum):
    """Where a family is in the cycle of work (see DOMAIN.md)."""

    referred = "referred"  # registered, waiting for consent/assistant
    active = "active"  # consent given, work under way
    ended = "ended"  # work ended, monitoring not yet started
    monitoring = "monitoring"  # lighter check-ins until a date
    closed = "closed"  # the case is over (can be reopened with a reason)


class EndReason(enum.StrEnum):
    """Why the work with a family ended."""

    goals_met = "goals_met"
    consent_withdrawn = "consent_withdrawn"
    moved_away = "moved_away"
    refused_at_first_contact = "refused_at_first_contact"
    other = "other"


class Relation(enum.StrEnum):
    """A member's place in the family."""

    parent = "parent"
    guardian = "guardian"
    child = "child"
    other = "other"


class ConsentForm(enum.StrEnum):
    """How the family gave its consent."""

    written = "written"
    oral = "oral"


class PlanStatus(enum.StrEnum):
    """The state of one version of a work plan."""

    draft = "draft"  # being prepared or changed
    agreed = "agreed"  # agreed by the family, in force
    superseded = "superseded"  # replaced by a later agreed version


class AgreementMethod(enum.StrEnum):
    """How the family agreed to a plan version."""

    phone = "phone"  # confirmed by an adult member signed in with a passkey
    paper = "paper"  # a paper copy signed, recorded by the assistant


class GoalArea(enum.StrEnum):
    """Areas of a family's life a goal can belong to."""

    care = "care"
    household = "household"
    budget = "budget"
    work = "work"
    health = "health"
    school = "school"
    institutions = "institutions"
    social = "social"
    safety = "safety"
    other = "other"


class TaskState(enum.StrEnum):
    """The state of a plan task."""

    open = "open"
    done = "done"
    dropped = "dropped"


class VisitKind(enum.StrEnum):
    """What kind of contact a visit was."""

    home_visit = "home_visit"
    consultation = "consultation"
    accompanying = "accompanying"
    phone = "phone"
    intervention = "intervention"
    monitoring = "monitoring"


class PlaceKind(enum.StrEnum):
    """Where a visit or meeting takes place."""

    home = "home"
    centre = "centre"
    other = "other"


class MeetingStatus(enum.StrEnum):
    """Whether a scheduled meeting still stands."""

    scheduled = "scheduled"
    cancelled = "cancelled"


class AssessmentKind(enum.StrEnum):
    """Which assessment of the family's situation this is."""

    initial = "initial"  # ocena wstępna
    periodic = "periodic"  # okresowa ocena sytuacji rodziny
    final = "final"  # ocena końcowa


class Recommendation(enum.StrEnum):
    """What an assessment recommends."""

    continue_work = "continue"
    change_plan = "change_plan"
    end_work = "end_work"


class OpinionStatus(enum.StrEnum):
    """A court opinion's state: drafts are edited, final ones only superseded."""

    draft = "draft"
    final = "final"
    superseded = "superseded"


class SupportCategory(enum.StrEnum):
    """Categories of the "Za życiem" support catalogue."""

    legal = "legal"
    psychological = "psychological"
    rehabilitation = "rehabilitation"
    health = "health"
    benefits = "benefits"
    other = "other"


class ReminderKind(enum.StrEnum):
    """What a reminder is about."""

    assessment_due = "assessment_due"
    meeting_tomorrow = "meeting_tomorrow"
    meeting_soon = "meeting_soon"
    task_due = "task_due"
    office_hours = "office_hours"
    opinion_due = "opinion_due"
    overdue_digest = "overdue_digest"


class ReminderStatus(enum.StrEnum):
    """Where a reminder is on its way to the user."""

    pending = "pending"
    sending = "sending"
    sent = "sent"
    cancelled = "cancelled"
    failed = "failed"


class InvitationStatus(enum.StrEnum):
    """Derived state of an invitation, for messages."""

    valid = "valid"
    expired = "expired"
    used = "used"
    revoked = "revoked"


# --- the centre and its people -----------------------------------------------------------


class Centre(SQLModel, table=True):
    """A social-services centre (OPS/MOPS): the data controller and the tenant."""

    id: uuid.UUID = _id()
    name: str = _text()
    short_name: str = _text(60)
    address: str = _text()
    phone: str = _text(40)
    email: str = _text(120)
    website: str = _text()
    # The centre's own words for its public page (what an assistant does, how to apply).
    public_description: str = _long_text()
    # Centre settings (each read by a domain rule).
    monitoring_counts_toward_limit: bool = Field(default=True, nullable=False)
    monitoring_default_months: int = Field(default=3, nullable=False)
    visit_edit_window_hours: int = Field(default=48, nullable=False)
    keep_family_pages_offline: bool = Field(default=True, nullable=False)
    retention_years: int = Field(default=10, nullable=False)
    requires_team_decision: bool = Field(default=False, nullable=False)
    # Accessibility statement (deklaracja dostępności): who answers, and when it was prepared.
    accessibility_contact: str = _text(200)
    accessibility_email: str = _text(120)
    accessibility_phone: str = _text(40)
    accessibility_prepared_on: date | None = Field(default=None, nullable=True)
    # A contracted organisation runs the work for this centre (Częstochowa model).
    parent_centre_id: uuid.UUID | None = _fk("centre.id", nullable=True)
    created_at: datetime = _created()


class OfficeHours(SQLModel, table=True):
    """A weekly office-hours slot (dyżur) of a centre; none on public holidays."""

    id: uuid.UUID = _id()
    centre_id: uuid.UUID = _fk("centre.id")
    weekday: int = Field(nullable=False, ge=0, le=6)  # Monday = 0 … Sunday = 6
    starts_at: time = Field(nullable=False)
    ends_at: time = Field(nullable=False)
    place: str = _text()
    phone: str = _text(40)
    email: str = _text(120)


class User(SQLModel, table=True):
    """Anyone who signs in: coordinator, assistant or a family member."""

    id: uuid.UUID = _id()
    centre_id: uuid.UUID = _fk("centre.id")
    role: Role = _enum(Role)
    first_name: str = _text(80)
    last_name: str = _text(80)
    gender: Gender = _enum(Gender, Gender.female)
    email: str = _text(120)
    work_phone: str = _text(40)
    locale: str = _text(8, default="pl")
    # For role=family: which member of which family this person is.
    family_id: uuid.UUID | None = _fk("family.id", nullable=True)
    family_member_id: uuid.UUID | None = _fk("familymember.id", nullable=True)
    is_active: bool = Field(default=True, nullable=False)
    deactivated_at: datetime | None = _when()
    # A demo account (only signed in through /demo when ASYSTA_DEMO=1).
    is_demo: bool = Field(default=False, nullable=False)
    # Private calendar feed: the URL token's hash; renewing replaces it.
    calendar_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    # Which reminder kinds this user wants pushed (comma-separated ReminderKind values).
    reminder_kinds: str = _text(300, default="")
    created_at: datetime = _created()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Invitation(SQLModel, table=True):
    """A single-use, 72-hour link that lets a new person register a passkey."""

    id: uuid.UUID = _id()
    centre_id: uuid.UUID = _fk("centre.id")
    role: Role = _enum(Role)
    token_hash: str = Field(max_length=64, unique=True, nullable=False)
    first_name: str = _text(80)
    last_name: str = _text(80)
    gender: Gender = _enum(Gender, Gender.female)
    email: str = _text(120)
    family_id: uuid.UUID | None = _fk("family.id", nullable=True)
    family_member_id: uuid.UUID | None = _fk("familymember.id", nullable=True)
    created_by_id: uuid.UUID | None = _fk("user.id", nullable=True)
    created_at: datetime = _created()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = _when()
    used_by_id: uuid.UUID | None = _fk("user.id", nullable=True)
    revoked_at: datetime | None = _when()


class PasskeyCredential(SQLModel, table=True):
    """A WebAuthn credential (passkey) of a user."""

    id: uuid.UUID = _id()
    user_id: uuid.UUID = _fk("user.id")
    credential_id: bytes = Field(sa_type=sa.LargeBinary, nullable=False, unique=True)
    public_key: bytes = Field(sa_type=sa.LargeBinary, nullable=False)
    sign_count: int = Field(default=0, nullable=False)
    transports: str = _text(120)
    label: str = _text(120)
    created_at: datetime = _created()
    last_used_at: datetime | None = _when()
    revoked_at: datetime | None = _when()


class WebAuthnChallenge(SQLModel, table=True):
    """A single-use, short-lived WebAuthn challenge (kept in the database for every worker)."""

    id: uuid.UUID = _id()
    challenge: bytes = Field(sa_type=sa.LargeBinary, nullable=False, unique=True)
    purpose: str = _text(20)  # "register" or "authenticate"
    user_id: uuid.UUID | None = _fk("user.id", nullable=True)
    # The WebAuthn user handle offered at registration (the new account's id).
    user_handle: bytes | None = Field(default=None, sa_type=sa.LargeBinary, nullable=True)
    invitation_id: uuid.UUID | None = _fk("invitation.id", nullable=True)
    created_at: datetime = _created()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = _when()


class UserSession(SQLModel, table=True):
    """A signed-in session; the cookie carries only a random token whose hash is stored here."""

    id: uuid.UUID = _id()
    user_id: uuid.UUID = _fk("user.id")
    token_hash: str = Field(max_length=64, unique=True, nullable=False)
    created_at: datetime = _created()
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    ended_at: datetime | None = _when()
    ended_reason: str = _text(200)
    user_agent: str = _text(300)


class RateLimitEvent(SQLModel, table=True):
    """One failed attempt (sign-in, invitation) from one client, counted across workers."""

    id: uuid.UUID = _id()
    key: str = Field(max_length=200, nullable=False, index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)


class AuditEvent(SQLModel, table=True):
    """Append-only: who read or changed what in a family's record, when, from which session."""

    id: uuid.UUID = _id()
    centre_id: uuid.UUID | None = _fk("centre.id", nullable=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
    actor_id: uuid.UUID | None = _fk("user.id", nullable=True)
    session_id: uuid.UUID | None = Field(default=None, nullable=True)
    action: str = Field(max_length=60, nullable=False)
    family_id: uuid.UUID | None = _fk("family.id", nullable=True)
    object_type: str = _text(40)
    object_id: uuid.UUID | None = Field(default=None, nullable=True)
    detail: str = _long_text()


# --- families and their cases -------------------------------------------------------------


class Family(SQLModel, table=True):
    """A family referred to the centre, and the state of the work with it."""

    __table_args__ = (sa.UniqueConstraint("centre_id", "case_number"),)

    id: uuid.UUID = _id()
    centre_id: uuid.UUID = _fk("centre.id")
    case_number: str = Field(max_length=40, nullable=False)
    name: str = _text(120)  # how staff call the family, e.g. "Kowalscy"
    address: str = _text()
    phone: str = _text(40)
    status: CaseStatus = _enum(CaseStatus, CaseStatus.referred)
    referral_reason: str = _long_text()
    referred_on: date = Field(default_factory=local_today, nullable=False)
    social_worker_name: str = _text(120)
    social_worker_phone: str = _text(40)
    social_worker_email: str = _text(120)
    za_zyciem: bool = Field(default=False, nullable=False)
    foster_care: bool = Field(default=False, nullable=False)
    foster_care_coordinator: str = _text(300)
    # Intake: the social worker's community interview and analysis, the director's request.
    interview_on: date | None = Field(default=None, nullable=True)
    interview_by: str = _text(120)
    situation_analysis: str = _long_text()
    director_request_on: date | None = Field(default=None, nullable=True)
    director_request_reference: str = _text(80)
    # The work handed to a contracted organisation (its own Centre row), and when.
    handled_by_centre_id: uuid.UUID | None = _fk("centre.id", nullable=True)
    handed_over_on: date | None = Field(default=None, nullable=True)
    work_started_on: date | None = Field(default=None, nullable=True)
    ended_on: date | None = Field(default=None, nullable=True)
    end_reason: EndReason | None = Field(default=None, sa_type=_enum_type(EndReason), nullable=True)
    monitoring_until: date | None = Field(default=None, nullable=True)
    closed_on: date | None = Field(default=None, nullable=True)
    # Personal data removed after the retention period; counts for reports stay.
    anonymised_at: datetime | None = _when()
    created_at: datetime = _created()


class FamilyMember(SQLModel, table=True):
    """A person in the family; never deleted, only marked as no longer in the household."""

    id: uuid.UUID = _id()
    family_id: uuid.UUID = _fk("family.id")
    first_name: str = _text(80)
    last_name: str = _text(80)
    relation: Relation = _enum(Relation)
    birth_date: date | None = Field(default=None, nullable=True)
    phone: str = _text(40)
    in_household: bool = Field(default=True, nullable=False)
    left_household_on: date | None = Field(default=None, nullable=True)
    created_at: datetime = _created()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Assignment(SQLModel, table=True):
    """An assistant working with a family for a period; the current one has no end."""

    id: uuid.UUID = _id()
    family_id: uuid.UUID = _fk("family.id")
    assistant_id: uuid.UUID = _fk("user.id")
    assigned_by_id: uuid.UUID | None = _fk("user.id", nullable=True)
    started_at: datetime = _created()
    ended_at: datetime | None = _when(index=True)


class Consent(SQLModel, table=True):
    """The family's consent to the work, and its withdrawal."""

    id: uuid.UUID = _id()
    family_id: uuid.UUID = _fk("family.id")
    given_on: date = Field(nullable=False)
    given_by_member_id: uuid.UUID = _fk("familymember.id")
    form: ConsentForm = _enum(ConsentForm)
    recorded_by_id: uuid.UUID | None = _fk("user.id", nullable=True)
    created_at: datetime = _created()
    withdrawn_on: date | None = Field(default=None, nullable=True)
    withdrawal_reason: str = _long_text()


class CaseEvent(SQLModel, table=True):
    """A transition in the case's life cycle, for the timeline and the reports."""

    id: uuid.UUID = _id()
    family_id: uuid.UUID = _fk("family.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
    on_date: date = Field(nullable=False)
    from_status: CaseStatus | None = Field(
        default=None, sa_type=_enum_type(CaseStatus), nullable=True
    )
    to_status: CaseStatus = _enum(CaseStatus)
    # Why the work ended (an end of work only); `reason` keeps the words given with it.
    end_reason: EndReason | None = Field(default=None, sa_type=_enum_type(EndReason), nullable=True)
    reason: str = _long_text()
    by_user_id: uuid.UUID | None = _fk("user.id", nullable=True)


# --- the work plan -----------------------------------------------------------------------


class Plan(SQLModel, table=True):
    """One version of a family's work plan (plan pracy z rodziną)."""

    __table_args__ = (sa.UniqueConstraint("family_id", "version"),)

    id: uuid.UUID = _id()
    family_id: uuid.UUID = _fk("family.id")
    version: int = Field(default=1, nullable=False)
    status: PlanStatus = _enum(PlanStatus, PlanStatus.draft)
    based_on_id: uuid.UUID | None = _fk("plan.id", nullable=True)
    created_by_id: uuid.UUID | None = _fk("user.id", nullable=True)
    created_at: datetime = _created()
    # Consultation with the social worker.
    consulted_on: date | None = Field(default=None, nullable=True)
    consulted_with: str = _text(120)
    consultation_remarks: str = _long_text()
    # Coordination with the foster-care coordinator's plan for a child.
    foster_coordination_with: str = _text(120)
    foster_coordination_reference: str = _text(120)
    foster_coordination_on: date | None = Field(default=None, nullable=True)
    # Agreement by the family.
    agreed_at: datetime | None = _when()
    agreement_method: AgreementMethod | None = Field(
        default=None, sa_type=_enum_type(AgreementMethod), nullable=True
    )
    agreed_by_member_id: uuid.UUID | None = _fk("familymember.id", nullable=True)
    agreed_by_user_id: uuid.UUID | None = _fk("user.id", nullable=True)
    recorded_by_id: uuid.UUID | None = _fk("user.id", nullable=True)


class Goal(SQLModel, table=True):
    """A goal of a plan version, worded so that the family understands it."""

    id: uuid.UUID = _id()
    plan_id: uuid.UUID = _fk("plan.id")
    # The same goal across versions shares its lineage id (for the diff between versions).
    lineage_id: uuid.UUID = Field(default_factory=uuid.uuid4, nullable=False)
    area: GoalArea = _enum(GoalArea)
    wording: str = _text(500)
    position: int = Field(default=0, nullable=False)


class Task(SQLModel, table=True):
    """An action with an owner, a deadline and an expected effect (art. 15 ust. 3)."""

    id: uuid.UUID = _id()
    goal_id: uuid.UUID = _fk("goal.id")
    lineage_id: uuid.UUID = Field(default_factory=uuid.uuid4, nullable=False)
    action: str = _text(500)
    owner_member_id: uuid.UUID | None = _fk("familymember.id", nullable=True)
    owner_is_assistant: bool = Field(default=False, nullable=False)
    due_on: date = Field(nullable=False, index=True)
    expected_effect: str = _text(500)
    state: TaskState = _enum(TaskState, TaskState.open)
    drop_reason: str = _text(500)
    done_at: datetime | None = _when()
    done_by_id: uuid.UUID | None = _fk("user.id", nullable=True)
    # Bumped on every change, so a stale tick is refused instead of overwriting.
    revision: int = Field(default=1, nullable=False)
    position: int = Field(default=0, nullable=False)


# --- visits, meetings ----------------------------------------------------------------------


class Visit(SQLModel, table=True):
    """A visit in the diary; its id is generated by the client so it is stored exactly once."""

    # The assistant's visits of a month (her home page counts them): one range scan.
    __table_args__ = (sa.Index("ix_visit_author_id_visit_date", "author_id", "visit_date"),)

    id: uuid.UUID = Field(primary_key=True)  # client-generated UUID: the dedupe key
    family_id: uuid.UUID = _fk("family.id")
    author_id: uuid.UUID = _fk("user.id")
    visit_date: date = Field(nullable=False, index=True)
    starts_at: time = Field(nullable=False)
    duration_minutes: int = Field(nullable=False)
    place_kind: PlaceKind = _enum(PlaceKind)
    place_text: str = _text(200)
    present_others: str = _text(300)
    kind: VisitKind = _enum(VisitKind)
    notes: str = _long_text()  # internal to staff: never shown to the family
    created_at: datetime = _created()
    updated_at: datetime | None = _when()
    confirmed_at: datetime | None = _when()
    confirmed_by_id: uuid.UUID | None = _fk("user.id", nullable=True)


class VisitAttendance(SQLModel, table=True):
    """Which family members were present at a visit."""

    visit_id: uuid.UUID = Field(foreign_key="visit.id", primary_key=True)
    member_id: uuid.UUID = Field(foreign_key="familymember.id", primary_key=True)


class VisitRevision(SQLModel, table=True):
    """The previous version of an edited visit (edits keep history)."""

    id: uuid.UUID = _id()
    visit_id: uuid.UUID = _fk("visit.id")
    notes: str = _long_text()
    duration_minutes: int = Field(nullable=False)
    visit_date: date | None = Field(default=None, nullable=True)
    starts_at: time | None = Field(default=None, nullable=True)
    place_kind: PlaceKind | None = Field(default=None, sa_type=_enum_type(PlaceKind), nullable=True)
    place_text: str = _text(200)
    kind: VisitKind | None = Field(default=None, sa_type=_enum_type(VisitKind), nullable=True)
    present_others: str = _text(300)
    present_member_ids: str = _long_text()  # comma-separated member ids
    edited_at: datetime = _created()
    edited_by_id: uuid.UUID | None = _fk("user.id", nullable=True)


class Meeting(SQLModel, table=True):
    """A scheduled meeting with the family; moving or cancelling it is shown to the family."""

    id: uuid.UUID = _id()
    family_id: uuid.UUID = _fk("family.id")
    assistant_id: uuid.UUID = _fk("user.id")
    starts_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    duration_minutes: int = Field(default=60, nullable=False)
    place_kind: PlaceKind = _enum(PlaceKind, PlaceKind.home)
    place_text: str = _text(200)
    status: MeetingStatus = _enum(MeetingStatus, MeetingStatus.scheduled)
    cancel_reason: str = _text(300)
    previous_starts_at: datetime | None = _when()
    created_from_visit_id: uuid.UUID | None = _fk("visit.id", nullable=True)
    created_at: datetime = _created()
    updated_at: datetime | None = _when()


# --- assessments, opinions, cooperation, support --------------------------------------------


class TeamDecisionKind(enum.StrEnum):
    """What the multiprofessional team decided about taking the family on."""

    take_on = "take_on"
    not_take_on = "not_take_on"
    postpone = "postpone"


class TeamDecision(SQLModel, table=True):
    """The multiprofessional team's decision whether to take the family on (staff only)."""

    id: uuid.UUID = _id()
    family_id: uuid.UUID = _fk("family.id")
    met_on: date = Field(nullable=False)
    participants: str = _long_text()  # names and roles, one per line
    deficits: str = _long_text()
    resources: str = _long_text()
    decision: TeamDecisionKind = _enum(TeamDecisionKind)
    reason: str = _long_text()
    remarks: str = _long_text()
    recorded_by_id: uuid.UUID | None = _fk("user.id", nullable=True)
    created_at: datetime = _created()


class FirstContact(SQLModel, table=True):
    """The assistant's first meetings: the role explained, the family's expectations, the answer."""

    id: uuid.UUID = _id()
    family_id: uuid.UUID = _fk("family.id")
    met_on: date = Field(nullable=False)
    role_explained: bool = Field(default=False, nullable=False)
    expectations: str = _long_text()  # in the family's own words
    outcome: str = _text(20)  # "consent", "refusal" or "" (not decided yet)
    recorded_by_id: uuid.UUID | None = _fk("user.id", nullable=True)
    created_at: datetime = _created()


class Assessment(SQLModel, table=True):
    """An assessment of the family's situation (initial, periodic or final); staff only."""

    # A family's last assessment (when the next one is due, on every home page): one index probe.
    __table_args__ = (sa.Index("ix_assessment_family_id_assessed_on", "family_id", "assessed_on"),)

    id: uuid.UUID = _id()
    family_id: uuid.UUID = _fk("family.id")
    kind: AssessmentKind = _enum(AssessmentKind)
    assessed_on: date = Field(nullable=False, index=True)
    author_id: uuid.UUID | None = _fk("user.id", nullable=True)
    children_situation: str = _long_text()
    care_and_upbringing: str = _long_text()
    household: str = _long_text()
    finances: str = _long_text()
    health: str = _long_text()
    work: str = _long_text()
    school: str = _long_text()
    family_view: str = _long_text()
    strengths: str = _long_text()
    recommendation: Recommendation = _enum(Recommendation, Recommendation.continue_work)
    created_at: datetime = _created()


class GoalProgress(SQLModel, table=True):
    """Progress on one plan goal, rated in an assessment."""

    id: uuid.UUID = _id()
    assessment_id: uuid.UUID = _fk("assessment.id")
    goal_id: uuid.UUID = _fk("goal.id")
    rating: int = Field(nullable=False, ge=0, le=4)
    comment: str = _text(500)


class CourtOpinion(SQLModel, table=True):
    """An opinion about the family for a court; final ones are never edited, only superseded."""

    id: uuid.UUID = _id()
    family_id: uuid.UUID = _fk("family.id")
    author_id: uuid.UUID | None = _fk("user.id", nullable=True)
    court: str = _text(200)
    case_reference: str = _text(80)
    requested_on: date = Field(nullable=False)
    deadline: date = Field(nullable=False, index=True)
    body: str = _long_text()
    status: OpinionStatus = _enum(OpinionStatus, OpinionStatus.draft)
    finalised_at: datetime | None = _when()
    supersedes_id: uuid.UUID | None = _fk("courtopinion.id", nullable=True)
    created_at: datetime = _created()


class InstitutionContact(SQLModel, table=True):
    """Cooperation with an institution (school, court, clinic, police …) about the family."""

    id: uuid.UUID = _id()
    family_id: uuid.UUID = _fk("family.id")
    author_id: uuid.UUID | None = _fk("user.id", nullable=True)
    contact_on: date = Field(nullable=False)
    institution: str = _text(200)
    purpose: str = _long_text()
    outcome: str = _long_text()
    created_at: datetime = _created()


class SupportService(SQLModel, table=True):
    """An item of the centre's "Za życiem" support catalogue."""

    id: uuid.UUID = _id()
    centre_id: uuid.UUID = _fk("centre.id")
    category: SupportCategory = _enum(SupportCategory)
    name: str = _text(200)
    description: str = _long_text()
    address: str = _text(200)
    phone: str = _text(40)
    hours: str = _text(120)
    website: str = _text(300)
    is_active: bool = Field(default=True, nullable=False)


class SupportRequest(SQLModel, table=True):
    """A catalogue item requested for a family, and what came of it."""

    id: uuid.UUID = _id()
    family_id: uuid.UUID = _fk("family.id")
    service_id: uuid.UUID = _fk("supportservice.id")
    requested_on: date = Field(nullable=False)
    outcome: str = _text(500)
    recorded_by_id: uuid.UUID | None = _fk("user.id", nullable=True)


# --- push and reminders ---------------------------------------------------------------------


class PushSubscription(SQLModel, table=True):
    """A device's Web Push subscription."""

    id: uuid.UUID = _id()
    user_id: uuid.UUID = _fk("user.id")
    # The session that subscribed: signing out there, or ending that session elsewhere, stops
    # the device's reminders (an idle session does not: reminders are for when the app is shut).
    session_id: uuid.UUID | None = _fk("usersession.id", nullable=True)
    endpoint: str = Field(max_length=1000, nullable=False, unique=True)
    p256dh: str = _text(200)
    auth: str = _text(100)
    device_label: str = _text(200)
    created_at: datetime = _created()
    last_success_at: datetime | None = _when()


class Reminder(SQLModel, table=True):
    """A reminder for one user, keyed so that it is created and sent exactly once."""

    id: uuid.UUID = _id()
    # user, kind, object and date: the same reminder can never be made twice.
    dedupe_key: str = Field(max_length=200, nullable=False, unique=True)
    user_id: uuid.UUID = _fk("user.id")
    kind: ReminderKind = _enum(ReminderKind)
    object_id: uuid.UUID | None = Field(default=None, nullable=True)
    send_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    url: str = _text(300)
    status: ReminderStatus = _enum(ReminderStatus, ReminderStatus.pending)
    claimed_at: datetime | None = _when()
    sent_at: datetime | None = _when()
    attempts: int = Field(default=0, nullable=False)
    last_error: str = _text(500)
    created_at: datetime = _created()
