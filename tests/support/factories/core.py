"""Factories for test data: small functions with sensible defaults, flushed, not committed."""

from __future__ import annotations

import itertools
from datetime import date, time, timedelta

from sqlmodel import Session, func, select

from pwa.models import (
    Assignment,
    CaseStatus,
    Centre,
    Consent,
    ConsentForm,
    Family,
    FamilyMember,
    Gender,
    Goal,
    GoalArea,
    OfficeHours,
    Plan,
    PlanStatus,
    Relation,
    Role,
    User,
)

_sequence = itertools.count(1)


def make_centre(db: Session, **values: object) -> Centre:
    n = next(_sequence)
    centre = Centre(
        name=str(values.pop("name", f"Ośrodek Pomocy Społecznej nr {n}")),
        short_name=str(values.pop("short_name", f"OPS {n}")),
        address=str(values.pop("address", "ul. 1 Maja 1, 57-500 Bystrzyca Kłodzka")),
        phone=str(values.pop("phone", "74 8110 266")),
        **values,  # type: ignore[arg-type]
    )
    db.add(centre)
    db.flush()
    return centre


def make_office_hours(db: Session, centre: Centre, *, weekday: int = 2) -> OfficeHours:
    slot = OfficeHours(
        centre_id=centre.id,
        weekday=weekday,
        starts_at=time(7, 0),
        ends_at=time(15, 0),
        place="OPS, ul. 1 Maja 1",
        phone="74 8110 266",
    )
    db.add(slot)
    db.flush()
    return slot


def make_user(db: Session, centre: Centre, role: Role, **values: object) -> User:
    n = next(_sequence)
    user = User(
        centre_id=centre.id,
        role=role,
        first_name=str(values.pop("first_name", f"Anna{n}")),
        last_name=str(values.pop("last_name", f"Nowak{n}")),
        gender=values.pop("gender", Gender.female),  # type: ignore[arg-type]
        work_phone=str(values.pop("work_phone", "600 100 200")),
        **values,  # type: ignore[arg-type]
    )
    db.add(user)
    db.flush()
    return user


def make_family(
    db: Session,
    centre: Centre,
    *,
    assistant: User | None = None,
    status: CaseStatus = CaseStatus.active,
    **values: object,
) -> Family:
    n = next(_sequence)
    family = Family(
        centre_id=centre.id,
        case_number=str(values.pop("case_number", f"AR.4011.{n}.2026")),
        name=str(values.pop("name", f"Kowalscy {n}")),
        address=str(values.pop("address", "ul. Rynek 5, Bystrzyca Kłodzka")),
        status=status,
        referred_on=values.pop("referred_on", date(2026, 1, 10)),  # type: ignore[arg-type]
        work_started_on=values.pop(  # type: ignore[arg-type]
            "work_started_on", date(2026, 2, 1) if status is not CaseStatus.referred else None
        ),
        **values,  # type: ignore[arg-type]
    )
    db.add(family)
    db.flush()
    if assistant is not None:
        db.add(Assignment(family_id=family.id, assistant_id=assistant.id))
        db.flush()
    return family


def make_member(
    db: Session, family: Family, *, relation: Relation = Relation.parent, **values: object
) -> FamilyMember:
    n = next(_sequence)
    member = FamilyMember(
        family_id=family.id,
        first_name=str(values.pop("first_name", f"Ewa{n}")),
        last_name=str(values.pop("last_name", "Kowalska")),
        relation=relation,
        birth_date=values.pop(  # type: ignore[arg-type]
            "birth_date", date(2015, 5, 1) if relation is Relation.child else None
        ),
        **values,  # type: ignore[arg-type]
    )
    db.add(member)
    db.flush()
    return member


def make_family_user(db: Session, family: Family, member: FamilyMember | None = None) -> User:
    """An adult member of `family` who signs in."""
    member = member or make_member(db, family)
    return make_user(
        db,
        db.get(Centre, family.centre_id),  # type: ignore[arg-type]
        Role.family,
        first_name=member.first_name,
        last_name=member.last_name,
        family_id=family.id,
        family_member_id=member.id,
    )


def give_consent(
    db: Session, family: Family, member: FamilyMember, *, on: date | None = None
) -> Consent:
    consent = Consent(
        family_id=family.id,
        given_on=on or (family.work_started_on or date(2026, 2, 1)) - timedelta(days=0),
        given_by_member_id=member.id,
        form=ConsentForm.written,
    )
    db.add(consent)
    db.flush()
    return consent


def make_goal(
    db: Session,
    family: Family,
    *,
    status: PlanStatus = PlanStatus.agreed,
    version: int | None = None,
    area: GoalArea = GoalArea.budget,
    wording: str = "Spłacić zaległy czynsz",
) -> Goal:
    """A plan version (the family's next one unless given) with one goal, written directly:
    for tests of what reads plans, not of how plans are made (tests/support/factories/plans.py)."""
    if version is None:
        count = db.exec(select(func.count()).select_from(Plan).where(Plan.family_id == family.id))
        version = int(count.one()) + 1
    plan = Plan(family_id=family.id, version=version, status=status)
    db.add(plan)
    db.flush()
    goal = Goal(plan_id=plan.id, area=area, wording=wording)
    db.add(goal)
    db.flush()
    return goal
