"""Test data for cases: the domain's forms with a frozen clock, and for the cases pages a
centre's desk, forms as the browser posts them (dated from the real clock) and a full caseload."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from pwa.domain.cases.members import MemberForm
from pwa.domain.cases.record import ReferralForm
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.dates import add_months
from pwa.i18n import local_today
from pwa.models import (
    Assignment,
    CaseEvent,
    CaseStatus,
    Centre,
    Family,
    FamilyMember,
    Relation,
    Role,
    Task,
    User,
)
from tests.conftest import reread
from tests.support.factories.core import (
    give_consent,
    make_centre,
    make_family,
    make_goal,
    make_member,
    make_user,
)


def parent(**values: str) -> MemberForm:
    fields = {"first_name": "Ewa", "last_name": "Kowalska", "relation": "parent"}
    fields.update(values)
    return MemberForm(**fields)


def child(**values: str) -> MemberForm:
    fields = {
        "first_name": "Zosia",
        "last_name": "Kowalska",
        "relation": "child",
        "birth_date": "2018-04-12",
    }
    fields.update(values)
    return MemberForm(**fields)


def referral_form(**values: object) -> ReferralForm:
    """A complete referral, as a coordinator fills it in; override any field."""
    form = ReferralForm(
        case_number="AR.4011.7.2026",
        name="Kowalscy",
        address="ul. Rynek 5, 57-500 Bystrzyca Kłodzka",
        phone="600 200 300",
        referral_reason="Trudności w prowadzeniu gospodarstwa domowego i opiece nad dziećmi.",
        social_worker_name="Maria Wiśniewska",
        social_worker_phone="74 811 02 66",
        social_worker_email="m.wisniewska@ops.example.pl",
        referred_on="2026-11-20",
        members=(parent(), child()),
    )
    return dataclasses.replace(form, **values)  # type: ignore[arg-type]


def staff(db: Session, centre: Centre | None = None) -> tuple[Centre, Actor, Actor]:
    """A centre with a coordinator and an assistant, both acting."""
    centre = centre or make_centre(db)
    coordinator = make_user(db, centre, Role.coordinator)
    assistant = make_user(db, centre, Role.assistant)
    return centre, Actor(coordinator), Actor(assistant)


def actor(user: User) -> Actor:
    return Actor(user)


def case_events(db: Session, family_id: object) -> list[CaseEvent]:
    db.flush()
    return list(
        db.exec(
            select(CaseEvent)
            .where(CaseEvent.family_id == family_id)
            .order_by(col(CaseEvent.at), col(CaseEvent.on_date))
        ).all()
    )


WEEK = timedelta(days=7)


def months_ago(months: int, *, days: int = 0) -> date:
    return add_months(local_today(), -months) - timedelta(days=days)


@dataclass
class Desk:
    """A centre with its coordinator and two assistants (Joanna has room, Katarzyna may not)."""

    centre: Centre
    coordinator: User
    assistant: User
    other_assistant: User


def make_desk(db: Session) -> Desk:
    centre = make_centre(db)
    return Desk(
        centre=centre,
        coordinator=make_user(db, centre, Role.coordinator, first_name="Anna", last_name="Nowak"),
        assistant=make_user(
            db, centre, Role.assistant, first_name="Joanna", last_name="Lewandowska"
        ),
        other_assistant=make_user(
            db, centre, Role.assistant, first_name="Katarzyna", last_name="Wiśniewska"
        ),
    )


def referral_data(**values: str) -> dict[str, str]:
    """A complete referral as the registration form posts it: a mother, a daughter, two empty
    member rows; override any field by its form name."""
    data = {
        "case_number": "AR.4011.7.2026",
        "name": "Kowalscy",
        "address": "ul. Rynek 5, 57-500 Bystrzyca Kłodzka",
        "phone": "600 200 300",
        "referred_on": local_today().isoformat(),
        "referral_reason": "Trudności w prowadzeniu gospodarstwa domowego i opiece nad dziećmi.",
        "social_worker_name": "Maria Wiśniewska",
        "social_worker_phone": "74 811 02 66",
        "social_worker_email": "m.wisniewska@ops.example.pl",
        "foster_care_coordinator": "",
        "members-0-first_name": "Ewa",
        "members-0-last_name": "Kowalska",
        "members-0-relation": "parent",
        "members-0-birth_date": "",
        "members-0-phone": "600 200 300",
        "members-1-first_name": "Zosia",
        "members-1-last_name": "Kowalska",
        "members-1-relation": "child",
        "members-1-birth_date": "2018-04-12",
        "members-1-phone": "",
    }
    for row in (2, 3):
        data.update({f"members-{row}-{name}": "" for name in ("first_name", "last_name")})
        data.update({f"members-{row}-{name}": "" for name in ("relation", "birth_date", "phone")})
    data.update(values)
    return data


def member_data(**values: str) -> dict[str, str]:
    data = {
        "first_name": "Jan",
        "last_name": "Kowalski",
        "relation": "parent",
        "birth_date": "",
        "phone": "",
    }
    data.update(values)
    return data


def make_working_family(
    db: Session,
    centre: Centre,
    assistant: User | None,
    *,
    status: CaseStatus = CaseStatus.active,
    consent: bool = True,
    **values: object,
) -> tuple[Family, FamilyMember, FamilyMember]:
    """A family with a mother and a daughter; at work with its consent unless told otherwise."""
    if status is not CaseStatus.referred:
        values.setdefault("work_started_on", months_ago(1))
    started = values.get("work_started_on")
    values.setdefault(
        "referred_on", (started if isinstance(started, date) else local_today()) - WEEK
    )
    family = make_family(db, centre, assistant=assistant, status=status, **values)
    mother = make_member(db, family, first_name="Ewa", last_name="Kowalska")
    daughter = make_member(
        db, family, relation=Relation.child, first_name="Zosia", last_name="Kowalska"
    )
    if consent and status is not CaseStatus.referred:
        give_consent(db, family, mother, on=family.work_started_on)
    return family, mother, daughter


def fill_caseload(db: Session, centre: Centre, assistant: User, n: int = 15) -> list[Family]:
    """`n` families at work with `assistant`, with consent and nothing due (15: she is full)."""
    return [make_working_family(db, centre, assistant, name=f"Rodzina {i}")[0] for i in range(n)]


def make_tasks(db: Session, family: Family, *due: date) -> list[Task]:
    """An agreed plan with one open task per due date."""
    goal = make_goal(db, family)
    tasks = [
        Task(
            goal_id=goal.id, action=f"Zadanie na {day.isoformat()}", due_on=day,
            expected_effect="Mniejsze zaległości", position=n,
        )
        for n, day in enumerate(due)
    ]  # fmt: skip
    db.add_all(tasks)
    db.flush()
    return tasks


def current_assistant_id(db: Session, family: Family) -> object:
    reread(db)
    return db.exec(
        select(Assignment.assistant_id).where(
            Assignment.family_id == family.id, col(Assignment.ended_at).is_(None)
        )
    ).first()
