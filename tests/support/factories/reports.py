"""Factories for the reports and data rights: case histories, assignments with dates, the
records a report counts (flushed, not committed). Times are given as Warsaw wall-clock."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session

from pwa.domain.kernel.actors import Actor
from pwa.domain.people import invitations, sessions
from pwa.models import (
    Assessment,
    AssessmentKind,
    Assignment,
    CaseEvent,
    CaseStatus,
    Centre,
    Consent,
    ConsentForm,
    CourtOpinion,
    EndReason,
    Family,
    FamilyMember,
    Goal,
    GoalArea,
    GoalProgress,
    InstitutionContact,
    OpinionStatus,
    PasskeyCredential,
    PlaceKind,
    Plan,
    PlanStatus,
    PushSubscription,
    Relation,
    Role,
    SupportCategory,
    SupportRequest,
    SupportService,
    Task,
    TaskState,
    TeamDecision,
    TeamDecisionKind,
    User,
    Visit,
    VisitKind,
)
from tests.support.clock import warsaw
from tests.support.factories.core import (
    make_centre,
    make_family,
    make_family_user,
    make_member,
    make_user,
)


def assign(
    db: Session, family: Family, assistant: User, *, since: date, until: date | None = None
) -> Assignment:
    """An assignment from noon of `since` to noon of `until` (Warsaw)."""
    row = Assignment(
        family_id=family.id,
        assistant_id=assistant.id,
        started_at=warsaw(since.year, since.month, since.day),
        ended_at=warsaw(until.year, until.month, until.day) if until else None,
    )
    db.add(row)
    db.flush()
    return row


def end_reason(status: CaseStatus, reason: str) -> EndReason | None:
    """A step's end reason: an "ended" step's reason starts with its code ("goals_met: …")."""
    return EndReason(reason.partition(":")[0]) if status is CaseStatus.ended else None


def history(db: Session, family: Family, *steps: tuple[CaseStatus, date, str]) -> list[CaseEvent]:
    """The family's CaseEvents, one a step (state, day, reason), recorded in that order;
    the family's own fields follow, as the life cycle would leave them."""
    events, before = [], None
    for k, (status, day, words) in enumerate(steps):
        why = end_reason(status, words)
        reason = words.partition(": ")[2] if why else words
        events.append(
            CaseEvent(
                family_id=family.id, at=warsaw(day.year, day.month, day.day, 12, k),
                on_date=day, from_status=before, to_status=status, reason=reason,
                end_reason=why,
            )
        )  # fmt: skip
        before = status
        if status is CaseStatus.referred:
            family.referred_on = day
        elif status is CaseStatus.active:
            family.work_started_on = day
        elif status is CaseStatus.ended:
            family.ended_on, family.end_reason = day, why
        elif status is CaseStatus.closed:
            family.closed_on = day
    family.status = before or family.status
    db.add_all([family, *events])
    db.flush()
    return events


def case(
    db: Session, centre: Centre, *steps: tuple[CaseStatus, date, str], **values: object
) -> Family:
    """A family with the history `steps` (its first step is the referral)."""
    family = make_family(db, centre, status=CaseStatus.referred, work_started_on=None, **values)
    history(db, family, *steps)
    return family


def referred(day: date) -> tuple[CaseStatus, date, str]:
    return (CaseStatus.referred, day, "")


def active(day: date) -> tuple[CaseStatus, date, str]:
    return (CaseStatus.active, day, "")


def ended(day: date, reason: EndReason = EndReason.goals_met) -> tuple[CaseStatus, date, str]:
    return (CaseStatus.ended, day, f"{reason.value}: Rodzina radzi sobie sama.")


def monitoring(day: date) -> tuple[CaseStatus, date, str]:
    return (CaseStatus.monitoring, day, "")


def closed(day: date) -> tuple[CaseStatus, date, str]:
    return (CaseStatus.closed, day, "Koniec monitorowania.")


def child(db: Session, family: Family, born: date, **values: object) -> FamilyMember:
    return make_member(db, family, relation=Relation.child, birth_date=born, **values)


def visit(
    db: Session,
    family: Family,
    author: User,
    day: date,
    at: time = time(10, 0),
    *,
    minutes: int = 60,
    kind: VisitKind = VisitKind.home_visit,
    notes: str = "Notatka z wizyty",
) -> Visit:
    row = Visit(
        id=uuid.uuid4(), family_id=family.id, author_id=author.id, visit_date=day, starts_at=at,
        duration_minutes=minutes, place_kind=PlaceKind.home, kind=kind, notes=notes,
    )  # fmt: skip
    db.add(row)
    db.flush()
    return row


def assessment(
    db: Session, family: Family, author: User, day: date, kind: AssessmentKind
) -> Assessment:
    row = Assessment(family_id=family.id, kind=kind, assessed_on=day, author_id=author.id)
    db.add(row)
    db.flush()
    return row


def plan_goal(
    db: Session, family: Family, *, version: int = 1, status: PlanStatus = PlanStatus.agreed
) -> Goal:
    plan = Plan(family_id=family.id, version=version, status=status)
    db.add(plan)
    db.flush()
    goal = Goal(plan_id=plan.id, area=GoalArea.budget, wording="Spłacić zaległy czynsz")
    db.add(goal)
    db.flush()
    return goal


def task(
    db: Session,
    goal: Goal,
    *,
    done_at: datetime | None = None,
    lineage_id: uuid.UUID | None = None,
) -> Task:
    row = Task(
        goal_id=goal.id, action="Zapłacić ratę", due_on=date(2026, 12, 15),
        expected_effect="Mniejszy dług",
        state=TaskState.done if done_at else TaskState.open, done_at=done_at,
        **({"lineage_id": lineage_id} if lineage_id else {}),
    )  # fmt: skip
    db.add(row)
    db.flush()
    return row


def opinion(
    db: Session,
    family: Family,
    author: User,
    *,
    status: OpinionStatus,
    finalised_at: datetime | None = None,
) -> CourtOpinion:
    row = CourtOpinion(
        family_id=family.id, author_id=author.id, court="Sąd Rejonowy w Kłodzku",
        case_reference="III Nsm 12/26", requested_on=date(2026, 10, 1),
        deadline=date(2026, 12, 31), body="Opinia", status=status, finalised_at=finalised_at,
    )  # fmt: skip
    db.add(row)
    db.flush()
    return row


# --- a closed case past its retention period (data rights) --------------------------------

SECRET_KEY = b"\x01secret-public-key-bytes"


@dataclass
class ClosedCase:
    """A case closed on 31.03.2016: ten years later, on 1.04.2026, its retention is over."""

    centre: Centre
    coordinator: User
    assistant: User
    family: Family
    parent: FamilyMember
    parent_user: User
    session_token: str

    @property
    def as_coordinator(self) -> Actor:
        return Actor(user=self.coordinator, session_id=uuid.uuid4())


def make_closed_case(db: Session) -> ClosedCase:
    """A closed case with one of every record, an account with secrets, texts with names."""
    centre = make_centre(db, name="Ośrodek Pomocy Społecznej w Bystrzycy Kłodzkiej")
    coordinator = make_user(db, centre, Role.coordinator)
    assistant = make_user(db, centre, Role.assistant, created_at=warsaw(2014, 1, 2))
    family = case(
        db, centre, referred(date(2015, 1, 10)), active(date(2015, 2, 1)),
        ended(date(2016, 1, 20)), monitoring(date(2016, 1, 20)), closed(date(2016, 3, 31)),
        name="Nowakowie", address="ul. Kwiatowa 7, Bystrzyca Kłodzka", phone="600 555 444",
        social_worker_name="Halina Kowal", za_zyciem=True,
    )  # fmt: skip
    assign(db, family, assistant, since=date(2015, 1, 15), until=date(2016, 3, 31))
    parent = make_member(db, family, first_name="Joanna", last_name="Nowak", phone="601 222 333")
    child(db, family, date(2012, 5, 17), first_name="Zosia", last_name="Nowak")
    db.add(
        Consent(
            family_id=family.id, given_on=date(2015, 2, 1), given_by_member_id=parent.id,
            form=ConsentForm.written,
        )
    )  # fmt: skip
    visit(db, family, assistant, date(2015, 3, 3), notes="Joanna mówiła o długach za prąd.")
    visit(db, family, assistant, date(2016, 1, 12), minutes=90, notes="Zosia ma świadectwo z paskiem.")  # fmt: skip
    goal = plan_goal(db, family)
    task(db, goal, done_at=warsaw(2015, 9, 1))
    done = assessment(db, family, assistant, date(2015, 8, 1), AssessmentKind.periodic)
    done.family_view = "Joanna uważa, że jest lepiej."
    db.add(GoalProgress(assessment_id=done.id, goal_id=goal.id, rating=3, comment="Spłaca raty"))
    db.add(
        InstitutionContact(
            family_id=family.id, author_id=assistant.id, contact_on=date(2015, 4, 1),
            institution="Szkoła Podstawowa nr 2", purpose="Frekwencja Zosi",
        )
    )  # fmt: skip
    service = SupportService(centre_id=centre.id, category=SupportCategory.legal, name="Porady prawne")  # fmt: skip
    db.add(service)
    db.flush()
    db.add(SupportRequest(family_id=family.id, service_id=service.id, requested_on=date(2015, 5, 5), outcome="Porada w sprawie alimentów"))  # fmt: skip
    db.add(
        TeamDecision(
            family_id=family.id, met_on=date(2015, 1, 12), participants="Halina Kowal, pracownik socjalny",
            decision=TeamDecisionKind.take_on, reason="Rodzina potrzebuje wsparcia.",
        )
    )  # fmt: skip
    parent_user = make_family_user(db, family, parent)
    parent_user.calendar_token_hash = "c" * 64
    db.add(PasskeyCredential(user_id=parent_user.id, credential_id=b"cred-1", public_key=SECRET_KEY, label="telefon Joanny"))  # fmt: skip
    db.add(PushSubscription(user_id=parent_user.id, endpoint="https://push.example/abc", p256dh="key", auth="auth", device_label="Android"))  # fmt: skip
    _row, token = sessions.start_session(
        db, user=parent_user, policy=sessions.SessionPolicy(idle_timeout=3600, max_age=86400),
        user_agent="Mozilla/5.0 (Linux; Android 14)",
    )  # fmt: skip
    invitations.issue(
        db, centre_id=centre.id, role=Role.family, first_name="Zosia", last_name="Nowak",
        created_by=assistant, family_id=family.id,
    )  # fmt: skip
    db.flush()
    return ClosedCase(centre, coordinator, assistant, family, parent, parent_user, token)
