"""The demo centre: deterministic, idempotent, and a consistent story of the work."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from pwa.demo.centre import (
    DEMO_CENTRE_ID,
    DEMO_NAMESPACE,
    DEMO_ORGANISATION_ID,
    INTAKE_FIRST,
    INTAKE_STEPS,
    demo_id,
    load_demo_data,
)
from pwa.models import (
    Assessment,
    Assignment,
    CaseEvent,
    CaseStatus,
    Centre,
    Consent,
    EndReason,
    Family,
    FamilyMember,
    Meeting,
    MeetingStatus,
    OfficeHours,
    Plan,
    PlanStatus,
    Relation,
    Role,
    Task,
    User,
    Visit,
)
from tests.support.clock import DEMO_TODAY

INTAKE_NUMBERS = range(INTAKE_FIRST, INTAKE_FIRST + len(INTAKE_STEPS))
WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture(params=[DEMO_TODAY, date(2028, 2, 27)], ids=["wednesday", "leap-year-sunday"])
def today(request: pytest.FixtureRequest) -> date:
    """The day the demo is loaded on: invariants must hold whatever the day."""
    return request.param


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(day.day, (next_month - timedelta(days=1)).day))


def row_counts(db: Session) -> dict[str, int]:
    return {
        table.name: db.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    }


def snapshot(db: Session) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, ordered by primary key."""
    return {
        table.name: [
            tuple(row) for row in db.execute(sa.select(table).order_by(*table.primary_key.columns))
        ]
        for table in SQLModel.metadata.sorted_tables
    }


def user_named(db: Session, first_name: str) -> User:
    return db.exec(select(User).where(User.first_name == first_name, col(User.is_demo))).one()


def families(db: Session, *statuses: CaseStatus) -> list[Family]:
    return list(db.exec(select(Family).where(col(Family.status).in_(statuses))).all())


# --- loading ----------------------------------------------------------------------------


def test_loading_twice_adds_nothing_the_second_time(db: Session) -> None:
    first = load_demo_data(db, today=DEMO_TODAY)
    counts = row_counts(db)
    second = load_demo_data(db, today=DEMO_TODAY)

    assert first.created and first.centre_id == DEMO_CENTRE_ID
    assert first.counts == {name: count for name, count in counts.items() if count}
    assert not second.created and second.counts == {}
    assert row_counts(db) == counts


def test_a_second_load_keeps_what_visitors_changed(db: Session) -> None:
    load_demo_data(db, today=DEMO_TODAY)
    db.commit()
    family = db.exec(select(Family).where(Family.name == "Kowalscy")).one()
    family.name = "Kowalscy (zmienione)"
    db.commit()

    load_demo_data(db, today=DEMO_TODAY + timedelta(days=3))

    assert db.get(Family, family.id).name == "Kowalscy (zmienione)"  # type: ignore[union-attr]


def test_two_loads_with_the_same_today_give_identical_rows(db: Session) -> None:
    load_demo_data(db, today=DEMO_TODAY)
    first = snapshot(db)
    db.rollback()  # the loader never commits: this empties the database again
    assert db.get(Centre, DEMO_CENTRE_ID) is None

    load_demo_data(db, today=DEMO_TODAY)

    assert snapshot(db) == first


def test_ids_are_uuid5_names_in_the_demo_namespace(db: Session) -> None:
    load_demo_data(db, today=DEMO_TODAY)

    assert uuid.uuid5(DEMO_NAMESPACE, "centre") == DEMO_CENTRE_ID
    kowalscy = db.get(Family, uuid.uuid5(DEMO_NAMESPACE, "family/1"))
    assert kowalscy is not None and kowalscy.name == "Kowalscy"
    first_visit = db.get(Visit, uuid.uuid5(DEMO_NAMESPACE, "family/1/visit/0"))
    assert first_visit is not None and first_visit.family_id == kowalscy.id
    katarzyna = db.get(User, uuid.uuid5(DEMO_NAMESPACE, "user/katarzyna"))
    assert katarzyna is not None and katarzyna.full_name == "Katarzyna Wiśniewska"
    for name in ("family", "familymember", "visit", "plan", "task", "meeting", "assessment"):
        ids = db.execute(sa.select(SQLModel.metadata.tables[name].c.id)).scalars()
        assert {row_id.version for row_id in ids} == {5}, name


# --- the centre and its people -------------------------------------------------------------


def test_the_centre_has_its_own_words_and_wednesday_office_hours(db: Session) -> None:
    load_demo_data(db, today=DEMO_TODAY)

    centre = db.get(Centre, DEMO_CENTRE_ID)
    assert centre is not None and centre.short_name == "OPS Bystrzyca Kłodzka"
    assert centre.phone == "74 8110 266" and centre.address.startswith("ul. 1 Maja 1")
    assert "bezpłatną i dobrowolną" in centre.public_description
    assert 3 <= len(centre.public_description.split("\n\n")) <= 4
    hours = db.exec(select(OfficeHours)).one()
    assert (hours.weekday, hours.starts_at, hours.ends_at) == (2, time(7), time(15))


def test_every_demo_user_is_marked_as_demo_and_polish(db: Session) -> None:
    load_demo_data(db, today=DEMO_TODAY)

    users = db.exec(select(User)).all()
    assert Counter((user.role, user.centre_id) for user in users) == {
        (Role.coordinator, DEMO_CENTRE_ID): 1,
        (Role.assistant, DEMO_CENTRE_ID): 3,
        (Role.family, DEMO_CENTRE_ID): 3,
        # the contracted organisation's own
        (Role.coordinator, DEMO_ORGANISATION_ID): 1,
        (Role.assistant, DEMO_ORGANISATION_ID): 1,
    }
    assert all(user.is_demo and user.locale == "pl" for user in users)
    assert all(user.work_phone for user in users if user.role == Role.assistant)


@pytest.mark.parametrize(
    ("first_name", "caseload"), [("Katarzyna", 15), ("Marek", 10), ("Joanna", 7)]
)
def test_each_assistant_has_her_current_caseload(
    db: Session, first_name: str, caseload: int
) -> None:
    load_demo_data(db, today=DEMO_TODAY)
    assistant = user_named(db, first_name)

    current = db.exec(
        select(Assignment).where(
            Assignment.assistant_id == assistant.id, col(Assignment.ended_at).is_(None)
        )
    ).all()

    assert len(current) == caseload
    coordinator = user_named(db, "Anna")
    assert {assignment.assigned_by_id for assignment in current} == {coordinator.id}


def test_five_referrals_wait_for_an_assistant_and_two_assigned_families_for_consent(
    db: Session,
) -> None:
    load_demo_data(db, today=DEMO_TODAY)
    assigned = set(db.exec(select(Assignment.family_id)).all())
    referred = families(db, CaseStatus.referred)

    waiting_for_assistant = [f for f in referred if f.id not in assigned]
    waiting_for_consent = [f for f in referred if f.id in assigned]

    # Two older referrals and four families of intake (request, team pending, taken on,
    # handed over to the contracted organisation).
    assert len(waiting_for_assistant) == 6 and len(waiting_for_consent) == 2
    for family in waiting_for_consent:
        assert db.exec(select(Consent).where(Consent.family_id == family.id)).first() is None
        assert db.exec(select(Visit).where(Visit.family_id == family.id)).first() is None
        assert db.exec(select(Plan).where(Plan.family_id == family.id)).first() is None


def test_all_three_demo_family_users_point_at_members_of_their_own_family(db: Session) -> None:
    load_demo_data(db, today=DEMO_TODAY)

    users = db.exec(select(User).where(User.role == Role.family)).all()

    assert len(users) == 3
    for user in users:
        member = db.get(FamilyMember, user.family_member_id)
        assert member is not None and member.family_id == user.family_id
        assert member.relation in (Relation.parent, Relation.guardian) and member.in_household
        assert (member.first_name, member.last_name) == (user.first_name, user.last_name)
    assistants_of_their_families = {
        assignment.assistant_id
        for assignment in db.exec(
            select(Assignment).where(col(Assignment.family_id).in_([u.family_id for u in users]))
        )
    }
    assert len(assistants_of_their_families) == 3  # one family of each assistant


def test_case_numbers_are_unique_within_the_centre(db: Session) -> None:
    load_demo_data(db, today=DEMO_TODAY)

    numbers = db.exec(select(Family.case_number)).all()

    assert len(numbers) == len(set(numbers)) == 38
    assert all(number.startswith("AR.4011.") for number in numbers)


# --- the story of the work -----------------------------------------------------------------


def test_exactly_one_active_family_is_overdue_for_its_periodic_assessment(
    db: Session, today: date
) -> None:
    load_demo_data(db, today=today)

    overdue = []
    for family in families(db, CaseStatus.active):
        assessed = db.exec(
            select(col(Assessment.assessed_on)).where(Assessment.family_id == family.id)
        ).all()
        assert family.work_started_on is not None
        last = max([family.work_started_on, *assessed])
        if add_months(last, 6) < today:
            overdue.append(family)

    assert len(overdue) == 1
    started = overdue[0].work_started_on
    assert started is not None and add_months(started, 7) < today < add_months(started, 9)


def test_one_za_zyciem_family_with_marek_and_a_family_user(db: Session) -> None:
    load_demo_data(db, today=DEMO_TODAY)

    [family] = db.exec(select(Family).where(col(Family.za_zyciem))).all()

    assert family.status == CaseStatus.active
    assignment = db.exec(select(Assignment).where(Assignment.family_id == family.id)).one()
    assert assignment.assistant_id == user_named(db, "Marek").id
    assert db.exec(select(User).where(User.family_id == family.id)).one().role == Role.family
    assert "Za życiem" in family.referral_reason


def test_one_family_in_monitoring_after_meeting_its_goals(db: Session) -> None:
    load_demo_data(db, today=DEMO_TODAY)

    [family] = families(db, CaseStatus.monitoring)

    assert family.end_reason == EndReason.goals_met
    assert family.ended_on is not None and family.monitoring_until is not None
    assert 20 <= (DEMO_TODAY - family.ended_on).days <= 40
    assert 45 <= (family.monitoring_until - DEMO_TODAY).days <= 75
    events = db.exec(
        select(CaseEvent).where(CaseEvent.family_id == family.id).order_by(col(CaseEvent.at))
    ).all()
    assert [(e.from_status, e.to_status) for e in events] == [
        (None, CaseStatus.referred),
        (CaseStatus.referred, CaseStatus.active),
        (CaseStatus.active, CaseStatus.ended),
        (CaseStatus.ended, CaseStatus.monitoring),
    ]
    final = db.exec(
        select(Assessment).where(Assessment.family_id == family.id, Assessment.kind == "final")
    ).one()
    assert final.assessed_on == family.ended_on
    assignment = db.exec(select(Assignment).where(Assignment.family_id == family.id)).one()
    assert assignment.assistant_id == user_named(db, "Joanna").id


def test_one_family_has_a_child_in_foster_care_and_its_coordinator(db: Session) -> None:
    load_demo_data(db, today=DEMO_TODAY)

    [family] = db.exec(select(Family).where(col(Family.foster_care))).all()

    assert family.foster_care_coordinator
    away = db.exec(
        select(FamilyMember).where(
            FamilyMember.family_id == family.id, ~col(FamilyMember.in_household)
        )
    ).all()
    assert len(away) == 1 and away[0].left_household_on is not None


def past_intake(db: Session, *statuses: CaseStatus) -> list[Family]:
    """Families whose work started before intake's demo families (those have no visits and
    no agreed plan yet: see tests/test_intake_demo.py)."""
    return [
        family
        for family in families(db, *statuses)
        if family.id not in {demo_id(f"family/{n}") for n in INTAKE_NUMBERS}
    ]


def test_work_starts_with_consent_and_no_visit_is_in_the_future(db: Session, today: date) -> None:
    load_demo_data(db, today=today)

    for family in past_intake(db, CaseStatus.active, CaseStatus.monitoring):
        consent = db.exec(select(Consent).where(Consent.family_id == family.id)).one()
        visits = db.exec(select(col(Visit.visit_date)).where(Visit.family_id == family.id)).all()
        assert visits, family.name
        assert family.work_started_on is not None
        assert consent.given_on == family.work_started_on <= min(visits)
        assert max(visits) < today
        member = db.get(FamilyMember, consent.given_by_member_id)
        assert member is not None and member.relation != Relation.child


def test_visits_are_realistic(db: Session, today: date) -> None:
    load_demo_data(db, today=today)

    visits = db.exec(select(Visit)).all()

    assert len(visits) > 200
    assert all(30 <= visit.duration_minutes <= 180 for visit in visits)
    assert all(time(8) <= visit.starts_at <= time(17) for visit in visits)
    public_holidays = holidays.country_holidays("PL", years=range(today.year - 1, today.year + 1))
    assert all(visit.visit_date.weekday() < 5 and visit.notes for visit in visits)
    assert not {visit.visit_date for visit in visits} & set(public_holidays)
    assert all(visit.place_text for visit in visits if visit.place_kind == "other")
    confirmed = [visit for visit in visits if visit.confirmed_at is not None]
    assert confirmed and all(visit.confirmed_by_id for visit in confirmed)


def test_every_active_family_works_to_an_agreed_plan(db: Session, today: date) -> None:
    load_demo_data(db, today=today)

    for family in past_intake(db, CaseStatus.active, CaseStatus.monitoring):
        agreed = db.exec(
            select(Plan).where(Plan.family_id == family.id, Plan.status == PlanStatus.agreed)
        ).one()
        assert agreed.agreed_at is not None and agreed.agreed_by_member_id is not None
        assert agreed.agreement_method in ("phone", "paper")
        assert agreed.consulted_on is not None and agreed.consulted_with
        assert family.work_started_on is not None
        assert agreed.agreed_at.astimezone(WARSAW).date() >= family.work_started_on
    statuses = db.exec(select(Plan.status)).all()
    assert PlanStatus.superseded in statuses and PlanStatus.draft in statuses


def test_every_task_has_an_expected_effect_and_a_due_date(db: Session, today: date) -> None:
    load_demo_data(db, today=today)

    tasks = db.exec(select(Task)).all()

    assert tasks
    assert all(task.expected_effect and task.due_on for task in tasks)
    assert all(task.owner_is_assistant == (task.owner_member_id is None) for task in tasks)
    assert all(task.done_at is not None for task in tasks if task.state == "done")
    assert any(task.state == "done" for task in tasks) and any(t.state == "open" for t in tasks)


def test_upcoming_meetings_are_within_two_weeks_in_working_hours(db: Session, today: date) -> None:
    load_demo_data(db, today=today)
    now = datetime.combine(today, time(0), tzinfo=WARSAW)

    meetings = db.exec(select(Meeting)).all()
    upcoming = [m for m in meetings if m.starts_at > now and m.status == MeetingStatus.scheduled]

    assert len(upcoming) >= 20
    for meeting in upcoming:
        local = meeting.starts_at.astimezone(WARSAW)
        assert meeting.starts_at.tzinfo is not None
        assert 1 <= (local.date() - today).days <= 14 and time(8) <= local.time() <= time(16)
    assert sum(m.starts_at < now for m in meetings) >= 2
    [cancelled] = [m for m in meetings if m.status == MeetingStatus.cancelled]
    assert cancelled.cancel_reason


def test_nothing_is_recorded_after_today(db: Session, today: date) -> None:
    load_demo_data(db, today=today)
    end_of_today = datetime.combine(today + timedelta(days=1), time(0), tzinfo=WARSAW)

    for table in SQLModel.metadata.sorted_tables:
        for column in ("created_at", "started_at", "at", "updated_at", "done_at", "agreed_at"):
            if column in table.columns:
                latest = db.execute(sa.select(sa.func.max(table.columns[column]))).scalar()
                if latest is not None:
                    stamp = latest if latest.tzinfo else latest.replace(tzinfo=UTC)
                    assert stamp < end_of_today, f"{table.name}.{column}"
