"""Test data for reminders: meetings, tasks of agreed plans, devices (push subscriptions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from pwa.models import (
    Assessment,
    AssessmentKind,
    Centre,
    Family,
    FamilyMember,
    GoalArea,
    Meeting,
    MeetingStatus,
    PlanStatus,
    PushSubscription,
    Relation,
    Role,
    Task,
    TaskState,
    User,
)
from tests.support.factories.core import (
    give_consent,
    make_centre,
    make_family,
    make_family_user,
    make_goal,
    make_member,
    make_office_hours,
    make_user,
)
from tests.support.push_receiver import TestSubscription


@dataclass(frozen=True)
class ReminderWorld:
    """A centre with office hours, its coordinator, an assistant, and her family with a
    member who uses the app."""

    centre: Centre
    coordinator: User
    assistant: User
    family: Family
    parent: FamilyMember
    family_user: User


def make_reminder_world(
    db: Session, *, work_started_on: date = date(2026, 6, 1), **family_values: object
) -> ReminderWorld:
    centre = make_centre(db)
    make_office_hours(db, centre)
    coordinator = make_user(db, centre, Role.coordinator)
    assistant = make_user(db, centre, Role.assistant)
    family = make_family(db, centre, assistant=assistant, work_started_on=work_started_on,
                         **family_values)  # fmt: skip
    parent = make_member(db, family, relation=Relation.parent)
    give_consent(db, family, parent)
    family_user = make_family_user(db, family, parent)
    return ReminderWorld(centre, coordinator, assistant, family, parent, family_user)


def make_meeting(
    db: Session,
    family: Family,
    assistant: User,
    starts_at: datetime,
    *,
    status: MeetingStatus = MeetingStatus.scheduled,
) -> Meeting:
    meeting = Meeting(
        family_id=family.id, assistant_id=assistant.id, starts_at=starts_at, status=status
    )
    db.add(meeting)
    db.flush()
    return meeting


def make_task(
    db: Session,
    family: Family,
    due_on: date,
    *,
    owner: FamilyMember | None = None,
    plan_status: PlanStatus = PlanStatus.agreed,
    state: TaskState = TaskState.open,
) -> Task:
    goal = make_goal(
        db, family, status=plan_status, area=GoalArea.school, wording="Dzieci chodzą do szkoły"
    )
    task = Task(
        goal_id=goal.id,
        action="Zapisać dziecko na zajęcia",
        owner_member_id=owner.id if owner else None,
        owner_is_assistant=owner is None,
        due_on=due_on,
        expected_effect="Dziecko chodzi na zajęcia",
        state=state,
    )
    db.add(task)
    db.flush()
    return task


def make_assessment(db: Session, family: Family, on: date) -> Assessment:
    assessment = Assessment(family_id=family.id, kind=AssessmentKind.periodic, assessed_on=on)
    db.add(assessment)
    db.flush()
    return assessment


def make_device(
    db: Session, user: User, subscription: TestSubscription | None = None, *, label: str = ""
) -> PushSubscription:
    """A stored push subscription (by default to an endpoint nobody listens on)."""
    subscription = subscription or TestSubscription.make(
        f"https://fcm.googleapis.com/fcm/send/{user.id}"
    )
    row = PushSubscription(
        user_id=user.id,
        endpoint=subscription.endpoint,
        p256dh=subscription.p256dh,
        auth=subscription.auth,
        device_label=label or "Chrome, Android",
    )
    db.add(row)
    db.flush()
    return row
