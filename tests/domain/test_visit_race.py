"""The same visit posted twice at once is stored once, and both posts succeed.

The visit's client-generated UUID is its primary key. When the second post gets past the
"already stored?" check before the first commits, the database's UNIQUE key refuses the
second insert; that refusal is caught inside a savepoint and answered with the stored visit.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from pwa.domain.kernel import audit
from pwa.domain.visits.recording import RecordedVisit, record_visit
from pwa.models import AuditEvent, Visit
from tests.conftest import on_postgres
from tests.support.clock import NOW
from tests.support.factories.visits import Case, make_case, visit_form
from tests.support.postgres import waiting_on_a_lock

# How long a thread may wait for the other before the test gives up (a hang, not a timing).
DEADLINE_SECONDS = 60


def _poster(engine: Engine, case: Case, visit_id: str) -> Callable[[], RecordedVisit]:
    def post() -> RecordedVisit:
        with Session(engine, expire_on_commit=False) as db:
            recorded = record_visit(
                db, actor=case.as_assistant, family_id=case.family.id,
                form=visit_form(visit_id=visit_id), now=NOW,
            )  # fmt: skip
            db.commit()
            return recorded

    return post


@pytest.mark.postgres_only
def test_two_phones_posting_the_same_visit_at_once_store_it_once_and_both_succeed(
    engine: Engine, db: Session
) -> None:
    assert on_postgres(), "this test needs PostgreSQL: set ASYSTA_TEST_DATABASE_URL"
    case = make_case(db)
    db.commit()
    visit_id = str(uuid.uuid4())
    first_inserted, release_first = threading.Event(), threading.Event()
    results: dict[str, RecordedVisit] = {}
    failures: list[BaseException] = []

    def first() -> None:
        # Inserts and holds its transaction open until the second post is stuck behind it.
        try:
            with Session(engine, expire_on_commit=False) as session:
                results["first"] = record_visit(
                    session, actor=case.as_assistant, family_id=case.family.id,
                    form=visit_form(visit_id=visit_id), now=NOW,
                )  # fmt: skip
                first_inserted.set()
                release_first.wait(DEADLINE_SECONDS)
                session.commit()
        except BaseException as error:
            failures.append(error)
            first_inserted.set()

    def second() -> None:
        try:
            first_inserted.wait(DEADLINE_SECONDS)
            results["second"] = _poster(engine, case, visit_id)()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not waiting_on_a_lock(engine, "INSERT INTO visit %") and not failures:
        assert time.monotonic() < deadline, "the second insert never waited for the first"
        time.sleep(0.02)
    release_first.set()
    for thread in threads:
        thread.join(DEADLINE_SECONDS)

    assert failures == []
    assert results["first"].created and not results["second"].created
    assert results["second"].visit.id == results["first"].visit.id == uuid.UUID(visit_id)
    with Session(engine) as check:
        assert check.exec(select(func.count()).select_from(Visit)).one() == 1


@pytest.mark.postgres_only
def test_many_posts_of_the_same_visit_at_once_all_succeed_with_one_stored(
    engine: Engine, db: Session
) -> None:
    assert on_postgres(), "this test needs PostgreSQL: set ASYSTA_TEST_DATABASE_URL"
    case = make_case(db)
    db.commit()
    post = _poster(engine, case, str(uuid.uuid4()))
    start = threading.Barrier(4)
    results: list[RecordedVisit] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(DEADLINE_SECONDS)
            results.append(post())
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    assert failures == []
    assert sorted(r.created for r in results) == [False, False, False, True]
    with Session(engine) as check:
        assert check.exec(select(func.count()).select_from(Visit)).one() == 1


def test_a_twin_found_only_by_the_unique_key_keeps_the_rest_of_the_unit_of_work(
    engine: Engine, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The savepoint path, on either database: the early check misses a twin stored meanwhile."""
    case = make_case(db)
    db.commit()
    visit_id = str(uuid.uuid4())
    _poster(engine, case, visit_id)()  # another request stored it just now

    real_get = db.get
    missed: list[object] = []

    def get_missing_the_twin_once(entity, ident, **kwargs):  # type: ignore[no-untyped-def]
        if entity is Visit and not missed:
            missed.append(ident)
            return None
        return real_get(entity, ident, **kwargs)

    monkeypatch.setattr(db, "get", get_missing_the_twin_once)
    earlier = audit.record(db, actor=case.as_assistant, action="family.read", family_id=case.family.id)  # fmt: skip
    recorded = record_visit(
        db, actor=case.as_assistant, family_id=case.family.id,
        form=visit_form(visit_id=visit_id), now=NOW,
    )  # fmt: skip
    db.commit()

    assert missed and not recorded.created and recorded.visit.id == uuid.UUID(visit_id)
    assert db.exec(select(func.count()).select_from(Visit)).one() == 1
    assert db.get(AuditEvent, earlier.id) is not None  # the work before the twin survived
