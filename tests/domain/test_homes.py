"""The pages' data: the assistant's day, the centre at a glance, finding a family (issue 5, 5)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from pwa.domain.assessments.due import AssessmentStatus, assessment_due, assessment_status
from pwa.domain.centre import homes
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Forbidden
from pwa.models import (
    Assessment,
    AssessmentKind,
    CaseStatus,
    Centre,
    Family,
    Goal,
    GoalArea,
    Meeting,
    PlaceKind,
    Plan,
    PlanStatus,
    Role,
    Task,
    TaskState,
    User,
    Visit,
    VisitKind,
)
from tests.support.clock import NOW, TODAY
from tests.support.factories.cases import staff
from tests.support.factories.core import (
    give_consent,
    make_centre,
    make_family,
    make_member,
    make_user,
)

_versions = itertools.count(1)


# --- the periodic assessment -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("started", "last", "due"),
    [
        (date(2026, 2, 1), None, date(2026, 8, 1)),
        (date(2026, 2, 1), date(2026, 7, 15), date(2027, 1, 15)),
        (date(2026, 2, 1), date(2025, 12, 1), date(2026, 8, 1)),  # before the work: ignored
        (date(2026, 8, 31), None, date(2027, 2, 28)),  # no 31 February
        (date(2027, 8, 31), None, date(2028, 2, 29)),  # a leap year
        (None, date(2026, 7, 15), None),  # no work, nothing due
    ],
)
def test_the_assessment_is_due_six_months_after_the_start_or_the_last_one(
    started: date | None, last: date | None, due: date | None
) -> None:
    assert assessment_due(started, last) == due


@pytest.mark.parametrize(
    ("due", "status"),
    [
        (TODAY - timedelta(days=1), AssessmentStatus.overdue),
        (TODAY, AssessmentStatus.soon),
        (TODAY + timedelta(days=14), AssessmentStatus.soon),
        (TODAY + timedelta(days=15), AssessmentStatus.ok),
        (None, None),
    ],
)
def test_overdue_is_red_and_within_fourteen_days_is_amber(
    due: date | None, status: AssessmentStatus | None
) -> None:
    assert assessment_status(due, today=TODAY) == status


# --- helpers ---------------------------------------------------------------------------------


@contextmanager
def counted_queries(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _plan(db: Session, family: Family, *, status: PlanStatus = PlanStatus.agreed) -> Goal:
    """A plan version of the family with one goal (the version after the ones it has)."""
    plan = Plan(family_id=family.id, version=next(_versions), status=status)
    db.add(plan)
    db.flush()
    goal = Goal(plan_id=plan.id, area=GoalArea.household, wording="Porządek w domu")
    db.add(goal)
    db.flush()
    return goal


def _task(
    db: Session, goal: Goal, due_on: date, *, state: TaskState = TaskState.open, action: str = ""
) -> Task:
    task = Task(
        goal_id=goal.id,
        action=action or "Zadanie",
        due_on=due_on,
        expected_effect="Efekt",
        state=state,
    )
    db.add(task)
    db.flush()
    return task


def _visit(db: Session, family: Family, author: User, day: date) -> None:
    db.add(
        Visit(
            id=uuid.uuid4(),
            family_id=family.id,
            author_id=author.id,
            visit_date=day,
            starts_at=time(10, 0),
            duration_minutes=60,
            place_kind=PlaceKind.home,
            kind=VisitKind.home_visit,
        )
    )
    db.flush()


def _assessed(db: Session, family: Family, on: date, kind: AssessmentKind) -> None:
    db.add(Assessment(family_id=family.id, kind=kind, assessed_on=on))
    db.flush()


def _busy_family(db: Session, centre: Centre, assistant: User, n: int) -> Family:
    """An active family with a meeting, an assessment, a task and a visit."""
    family = make_family(db, centre, assistant=assistant, name=f"Rodzina {n:02d}")
    db.add(
        Meeting(
            family_id=family.id, assistant_id=assistant.id, starts_at=NOW + timedelta(days=n + 1)
        )
    )
    _assessed(db, family, date(2026, 6, 1), AssessmentKind.periodic)
    give_consent(db, family, make_member(db, family))
    _task(db, _plan(db, family), TODAY + timedelta(days=2))
    _visit(db, family, assistant, TODAY - timedelta(days=1))
    return family


# --- the assistant's day -----------------------------------------------------------------------


def test_the_assistants_day_shows_her_open_cases_with_their_state(db: Session) -> None:
    centre, _coordinator, assistant = staff(db)
    her = assistant.user
    active = make_family(db, centre, assistant=her, name="Adamscy")
    monitored = make_family(db, centre, assistant=her, status=CaseStatus.monitoring, name="Bąk")
    make_family(db, centre, assistant=her, status=CaseStatus.closed, name="Zamknięci")
    make_family(db, centre, assistant=make_user(db, centre, Role.assistant), name="Cudzy")

    today = homes.assistant_today(db, assistant=her, now=NOW)

    assert today.today == TODAY
    assert [(row.family.name, row.family.status) for row in today.families] == [
        ("Adamscy", CaseStatus.active),
        ("Bąk", CaseStatus.monitoring),
    ]
    assert {row.family.id for row in today.families} == {active.id, monitored.id}


def test_each_family_shows_its_next_meeting_and_assessment_due(db: Session) -> None:
    centre, _coordinator, assistant = staff(db)
    her = assistant.user
    late = make_family(db, centre, assistant=her, name="A", work_started_on=date(2026, 3, 1))
    soon = make_family(db, centre, assistant=her, name="B", work_started_on=date(2026, 1, 1))
    _assessed(db, soon, date(2026, 6, 1), AssessmentKind.periodic)
    _assessed(db, soon, date(2026, 5, 30), AssessmentKind.final)  # not a periodic one
    fine = make_family(db, centre, assistant=her, name="C", work_started_on=date(2026, 10, 1))
    monitored = make_family(db, centre, assistant=her, name="D", status=CaseStatus.monitoring)
    past = Meeting(family_id=fine.id, assistant_id=her.id, starts_at=NOW - timedelta(hours=1))
    next_one = Meeting(family_id=fine.id, assistant_id=her.id, starts_at=NOW + timedelta(days=2))
    later = Meeting(family_id=fine.id, assistant_id=her.id, starts_at=NOW + timedelta(days=9))
    db.add_all([past, later, next_one])
    db.flush()

    rows = {
        row.family.id: row for row in homes.assistant_today(db, assistant=her, now=NOW).families
    }

    assert (rows[late.id].assessment_due, rows[late.id].assessment_status) == (
        date(2026, 9, 1),
        AssessmentStatus.overdue,
    )
    assert (rows[soon.id].assessment_due, rows[soon.id].assessment_status) == (
        date(2026, 12, 1),
        AssessmentStatus.soon,
    )
    assert rows[fine.id].assessment_status is AssessmentStatus.ok
    assert rows[fine.id].next_meeting is not None and rows[fine.id].next_meeting.id == next_one.id
    assert rows[late.id].next_meeting is None
    assert (rows[monitored.id].assessment_due, rows[monitored.id].assessment_status) == (None, None)


def test_tasks_due_this_week_include_late_ones_but_not_next_weeks(db: Session) -> None:
    centre, _coordinator, assistant = staff(db)
    family = make_family(db, centre, assistant=assistant.user)
    goal = _plan(db, family)
    late = _task(db, goal, TODAY - timedelta(days=3), action="Spóźnione")
    sunday = _task(db, goal, date(2026, 11, 29), action="W niedzielę")
    _task(db, goal, date(2026, 11, 30), action="W przyszłym tygodniu")
    _task(db, goal, TODAY, action="Zrobione", state=TaskState.done)
    _task(db, _plan(db, family, status=PlanStatus.draft), TODAY, action="Szkic")
    other = make_family(db, centre, assistant=make_user(db, centre, Role.assistant))
    _task(db, _plan(db, other), TODAY, action="Cudze")

    week = homes.assistant_today(db, assistant=assistant.user, now=NOW).tasks_this_week

    assert [(row.task.id, row.overdue) for row in week] == [(late.id, True), (sunday.id, False)]
    assert week[0].family.id == family.id


def test_visits_are_counted_for_this_month_only(db: Session) -> None:
    centre, _coordinator, assistant = staff(db)
    family = make_family(db, centre, assistant=assistant.user)
    for day in (date(2026, 11, 1), date(2026, 11, 23), date(2026, 10, 31), date(2026, 12, 1)):
        _visit(db, family, assistant.user, day)
    _visit(db, family, make_user(db, centre, Role.assistant), date(2026, 11, 5))
    assert homes.assistant_today(db, assistant=assistant.user, now=NOW).visits_this_month == 2


def test_the_assistants_day_takes_the_same_queries_for_two_or_twelve_families(
    db: Session, engine: Engine
) -> None:
    centre, _coordinator, assistant = staff(db)
    for n in range(2):
        _busy_family(db, centre, assistant.user, n)
    with counted_queries(engine) as few:
        homes.assistant_today(db, assistant=assistant.user, now=NOW)
    for n in range(2, 12):
        _busy_family(db, centre, assistant.user, n)
    with counted_queries(engine) as many:
        today = homes.assistant_today(db, assistant=assistant.user, now=NOW)
    assert len(today.families) == 12 and len(today.tasks_this_week) == 12
    assert len(many) == len(few)


# --- the centre at a glance ---------------------------------------------------------------------


def test_the_centre_shows_caseloads_against_the_limit(db: Session) -> None:
    centre, coordinator, assistant = staff(db)
    for _ in range(14):
        make_family(db, centre, assistant=assistant.user)
    make_family(db, centre, assistant=assistant.user, status=CaseStatus.closed)
    overview = homes.centre_overview(db, coordinator=coordinator.user, now=NOW)
    [load] = overview.caseloads
    assert (load.assistant.id, f"{load.counted}/{load.limit}") == (assistant.id, "14/15")


def test_the_centre_lists_overdue_assessments_across_assistants(db: Session) -> None:
    centre, coordinator, assistant = staff(db)
    other = make_user(db, centre, Role.assistant)
    late = make_family(db, centre, assistant=assistant.user, work_started_on=date(2026, 4, 1))
    later = make_family(db, centre, assistant=other, work_started_on=date(2026, 3, 1))
    recent = make_family(db, centre, assistant=other, work_started_on=date(2026, 3, 1))
    _assessed(db, recent, date(2026, 9, 1), AssessmentKind.periodic)
    make_family(db, centre, status=CaseStatus.monitoring, work_started_on=date(2025, 1, 1))
    make_family(db, make_centre(db), work_started_on=date(2025, 1, 1))

    overdue = homes.centre_overview(db, coordinator=coordinator.user, now=NOW).overdue_assessments

    assert [(row.family.id, row.due, row.assistant) for row in overdue] == [
        (later.id, date(2026, 9, 1), other),
        (late.id, date(2026, 10, 1), assistant.user),
    ]
    assert all(row.status is AssessmentStatus.overdue for row in overdue)


def test_the_centre_lists_families_whose_consent_is_missing(db: Session) -> None:
    centre, coordinator, assistant = staff(db)
    waiting = make_family(
        db,
        centre,
        assistant=assistant.user,
        status=CaseStatus.referred,
        referred_on=date(2026, 11, 2),
    )
    unassigned = make_family(db, centre, status=CaseStatus.referred, referred_on=date(2026, 11, 9))
    without = make_family(db, centre, assistant=assistant.user, referred_on=date(2026, 1, 5))
    with_consent = make_family(db, centre, assistant=assistant.user)
    give_consent(db, with_consent, make_member(db, with_consent))

    overview = homes.centre_overview(db, coordinator=coordinator.user, now=NOW)

    assert [(row.family.id, row.assistant) for row in overview.consent_missing] == [
        (without.id, assistant.user),
        (waiting.id, assistant.user),
        (unassigned.id, None),
    ]
    assert [family.id for family in overview.unassigned] == [unassigned.id]


def test_the_centre_overview_takes_the_same_queries_for_few_or_many_families(
    db: Session, engine: Engine
) -> None:
    centre, coordinator, assistant = staff(db)
    for n in range(2):
        _busy_family(db, centre, assistant.user, n)
    make_family(db, centre, status=CaseStatus.referred)
    with counted_queries(engine) as few:
        homes.centre_overview(db, coordinator=coordinator.user, now=NOW)
    for n in range(2, 12):
        _busy_family(db, centre, make_user(db, centre, Role.assistant), n)
        make_family(db, centre, status=CaseStatus.referred)
    with counted_queries(engine) as many:
        overview = homes.centre_overview(db, coordinator=coordinator.user, now=NOW)
    assert len(overview.consent_missing) == 11 and len(overview.caseloads) == 11
    assert len(many) == len(few)


# --- finding a family -------------------------------------------------------------------------


def _names(page: homes.FamilyPage) -> list[str]:
    return [row.family.name for row in page.rows]


@pytest.mark.parametrize("query", ["łąccy", "ŁĄCCY", "Łąccy", "lacc", "ĄCC", " łąccy "])
def test_families_are_found_by_name_whatever_the_case_polish_letters_too(
    db: Session, query: str
) -> None:
    centre, coordinator, _assistant = staff(db)
    make_family(db, centre, name="Łąccy")
    make_family(db, centre, name="Lis")
    page = homes.search_families(db, actor=coordinator, query=query)
    assert _names(page) == ["Łąccy"] and page.total == 1


def test_families_are_found_by_case_number(db: Session) -> None:
    centre, coordinator, _assistant = staff(db)
    make_family(db, centre, name="Nowakowie", case_number="AR.4011.12.2026")
    make_family(db, centre, name="Wójcikowie", case_number="AR.4011.120.2025")
    make_family(db, centre, name="Zającowie", case_number="AR.4011.3.2026")
    page = homes.search_families(db, actor=coordinator, query="ar.4011.12")
    assert _names(page) == ["Nowakowie", "Wójcikowie"]


def test_results_are_in_polish_alphabetical_order(db: Session) -> None:
    centre, coordinator, _assistant = staff(db)
    for name in ("Żak", "Łuczak", "Zając", "Lis", "Śliwa", "Sowa", "Ćwik", "Cichy"):
        make_family(db, centre, name=name)
    page = homes.search_families(db, actor=coordinator)
    assert _names(page) == ["Cichy", "Ćwik", "Lis", "Łuczak", "Sowa", "Śliwa", "Zając", "Żak"]


def test_results_come_in_pages_of_twenty_with_the_total(db: Session) -> None:
    centre, coordinator, assistant = staff(db)
    for n in range(45):
        make_family(db, centre, name=f"Rodzina {n:02d}", assistant=assistant.user)
    first = homes.search_families(db, actor=coordinator, query="rodzina")
    third = homes.search_families(db, actor=coordinator, query="rodzina", page=3)
    beyond = homes.search_families(db, actor=coordinator, query="rodzina", page=99)
    assert (first.total, first.pages, len(first.rows), first.has_next) == (45, 3, 20, True)
    assert _names(first)[0] == "Rodzina 00" and first.rows[0].assistant == assistant.user
    assert _names(third) == [f"Rodzina {n}" for n in range(40, 45)] and not third.has_next
    assert third.has_previous and beyond.page == 3


def test_an_assistant_finds_only_her_own_families(db: Session) -> None:
    centre, _coordinator, assistant = staff(db)
    make_family(db, centre, name="Moi", assistant=assistant.user)
    make_family(db, centre, name="Cudzy", assistant=make_user(db, centre, Role.assistant))
    make_family(db, make_centre(db), name="Moi z innego ośrodka")
    assert _names(homes.search_families(db, actor=assistant, query="")) == ["Moi"]


def test_a_coordinator_never_finds_another_centres_families(db: Session) -> None:
    _centre, coordinator, _assistant = staff(db)
    make_family(db, make_centre(db), name="Obcy")
    page = homes.search_families(db, actor=coordinator, query="obcy")
    assert (page.total, page.rows, page.pages) == (0, [], 1)


@pytest.mark.parametrize("who", ["family", "deactivated"])
def test_only_active_staff_can_search_families(db: Session, who: str) -> None:
    centre, _coordinator, _assistant = staff(db)
    family = make_family(db, centre)
    if who == "family":
        user = make_user(db, centre, Role.family, family_id=family.id)
    else:
        user = make_user(db, centre, Role.coordinator, is_active=False)
    with pytest.raises(Forbidden):
        homes.search_families(db, actor=Actor(user), query="")


def test_the_search_takes_two_queries_whatever_the_page(db: Session, engine: Engine) -> None:
    centre, coordinator, _assistant = staff(db)
    for n in range(30):
        make_family(db, centre, name=f"Rodzina {n:02d}")
    db.flush()
    with counted_queries(engine) as statements:
        homes.search_families(db, actor=coordinator, query="rodzina", page=2)
    assert len(statements) == 2


def test_the_time_of_day_is_read_in_warsaw(db: Session) -> None:
    centre, _coordinator, assistant = staff(db)
    make_family(db, centre, assistant=assistant.user)
    late_evening_utc = datetime(2026, 11, 30, 23, 30, tzinfo=NOW.tzinfo)  # 1 December in Warsaw
    assert homes.assistant_today(db, assistant=assistant.user, now=late_evening_utc).today == date(
        2026, 12, 1
    )
