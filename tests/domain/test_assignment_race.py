"""Two coordinators assigning at the same moment never give an assistant a 16th family.

`record.assign_assistant` locks the assistant's row (SELECT ... FOR UPDATE) before counting
her families, so the second assignment waits for the first to commit and then counts it.
Each coordinator works in her own session on her own engine, as two requests of the app
would.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from pwa.db import make_engine
from pwa.domain.cases import record
from pwa.domain.cases.caseload import MAX_FAMILIES_PER_ASSISTANT
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import DomainError
from pwa.models import Assignment, CaseStatus, Role, User
from tests.conftest import on_postgres
from tests.support.clock import NOW
from tests.support.factories.core import make_centre, make_family, make_user
from tests.support.postgres import waiting_on_a_lock

# How long a thread may wait for the other before the test gives up (a hang, not a timing).
DEADLINE_SECONDS = 60
ROUNDS = 5


@dataclass(frozen=True)
class Setup:
    coordinators: tuple[Actor, Actor]
    assistant: User
    newcomers: tuple[uuid.UUID, uuid.UUID]  # the 15th and 16th family


def _setup(engine: Engine) -> Setup:
    """An assistant with 14 families and two referrals waiting, committed."""
    with Session(engine, expire_on_commit=False) as db:
        centre = make_centre(db)
        first, second = (make_user(db, centre, Role.coordinator) for _ in range(2))
        assistant = make_user(db, centre, Role.assistant)
        for _ in range(MAX_FAMILIES_PER_ASSISTANT - 1):
            make_family(db, centre, assistant=assistant)
        fifteenth, sixteenth = (
            make_family(db, centre, status=CaseStatus.referred) for _ in range(2)
        )
        db.commit()
    return Setup((Actor(first), Actor(second)), assistant, (fifteenth.id, sixteenth.id))


def _current_count(engine: Engine, assistant: User) -> int:
    with Session(engine) as db:
        return db.exec(
            select(func.count())
            .select_from(Assignment)
            .where(Assignment.assistant_id == assistant.id, col(Assignment.ended_at).is_(None))
        ).one()


def _one_round(engines: list[Engine], setup: Setup) -> list[str]:
    """Both coordinators press "assign" at the same moment; what each of them got."""
    barrier = threading.Barrier(2, timeout=DEADLINE_SECONDS)
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def assign(index: int) -> None:
        try:
            with Session(engines[index], expire_on_commit=False) as db:
                barrier.wait()
                try:
                    record.assign_assistant(
                        db,
                        actor=setup.coordinators[index],
                        family_id=setup.newcomers[index],
                        assistant_id=str(setup.assistant.id),
                        now=NOW,
                    )
                    db.commit()
                    outcomes.append("assigned")
                except record.CaseloadFull:
                    db.rollback()
                    outcomes.append("refused")
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=assign, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    assert failures == []
    return sorted(outcomes)


def _race(database_url: str) -> None:
    """One succeeds, the other hears the limit, and the assistant has 15 families: every time."""
    engines = [make_engine(database_url), make_engine(database_url)]
    try:
        for _round in range(ROUNDS):
            setup = _setup(engines[0])
            assert _one_round(engines, setup) == ["assigned", "refused"]
            assert _current_count(engines[0], setup.assistant) == MAX_FAMILIES_PER_ASSISTANT
    finally:
        for engine in engines:
            engine.dispose()


@pytest.mark.postgres_only
def test_two_coordinators_assigning_at_once_never_make_a_sixteenth_family_on_postgresql(
    database_url: str,
) -> None:
    assert on_postgres(), "this test needs PostgreSQL: set ASYSTA_TEST_DATABASE_URL"
    _race(database_url)


def test_two_coordinators_assigning_at_once_never_make_a_sixteenth_family(
    database_url: str,
) -> None:
    # On SQLite the app's engines take the write lock at BEGIN, which serialises them too.
    _race(database_url)


@pytest.mark.postgres_only
def test_the_second_assignment_waits_for_the_first_and_then_counts_it(
    database_url: str, engine: Engine
) -> None:
    """The interleaving the lock exists for, forced: the second counts while the first is open."""
    assert on_postgres(), "this test needs PostgreSQL: set ASYSTA_TEST_DATABASE_URL"
    setup = _setup(engine)
    first_engine, second_engine = make_engine(database_url), make_engine(database_url)
    first_assigned, release_first = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        try:
            with Session(first_engine, expire_on_commit=False) as db:
                results["first"] = record.assign_assistant(
                    db, actor=setup.coordinators[0], family_id=setup.newcomers[0],
                    assistant_id=str(setup.assistant.id), now=NOW,
                )  # fmt: skip
                first_assigned.set()
                release_first.wait(DEADLINE_SECONDS)
                db.commit()
        except BaseException as error:
            results["first"] = error
            first_assigned.set()

    def second() -> None:
        first_assigned.wait(DEADLINE_SECONDS)
        with Session(second_engine, expire_on_commit=False) as db:
            try:
                results["second"] = record.assign_assistant(
                    db, actor=setup.coordinators[1], family_id=setup.newcomers[1],
                    assistant_id=str(setup.assistant.id), now=NOW,
                )  # fmt: skip
                db.commit()
            except DomainError as error:
                results["second"] = error

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not waiting_on_a_lock(engine, "%FOR UPDATE%") and "second" not in results:
            assert time.monotonic() < deadline, "the second assignment never waited for the first"
            time.sleep(0.02)
        release_first.set()
        for thread in threads:
            thread.join(DEADLINE_SECONDS)
    finally:
        release_first.set()
        first_engine.dispose()
        second_engine.dispose()

    assert isinstance(results["first"], Assignment)
    assert isinstance(results["second"], record.CaseloadFull)
    assert _current_count(engine, setup.assistant) == MAX_FAMILIES_PER_ASSISTANT
