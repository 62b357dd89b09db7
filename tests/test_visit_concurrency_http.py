"""The same visit form posted twice at once over HTTP: both answers are a success, one row.

Two phones (or the offline outbox and a double tap) post the same client-generated visit id
through two app instances on one PostgreSQL database. The first request inserts and holds
its transaction open until the second one's INSERT waits on the primary key; then the
first commits, and the second must answer as the first did, not with an error.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from pwa.app import create_app
from pwa.domain.people import sessions
from pwa.domain.visits import recording as visit_rules
from pwa.i18n import local_today
from pwa.models import User, Visit
from pwa.web.middleware import cookie_names
from tests.conftest import csrf_token, make_settings, on_postgres
from tests.support.factories.visits import Case, make_case
from tests.support.postgres import waiting_on_a_lock

pytestmark = pytest.mark.postgres_only

# How long a thread may wait for the other before the test gives up (a hang, not a timing).
DEADLINE_SECONDS = 60
POLICY = sessions.SessionPolicy(idle_timeout=3600, max_age=86400)


@pytest.fixture
def clients(
    database_url: str, tmp_path: Path, engine: Engine
) -> Iterator[Callable[[User], TestClient]]:
    """Clients of separate app instances (two phones, two workers), signed in as a user."""
    assert on_postgres(), "this test needs PostgreSQL: set ASYSTA_TEST_DATABASE_URL"
    with ExitStack() as stack:

        def open_client(user: User) -> TestClient:
            settings = make_settings(database_url, tmp_path)
            client = stack.enter_context(
                TestClient(create_app(settings), base_url="http://localhost")
            )
            with Session(engine) as db:
                _row, token = sessions.start_session(db, user=db.merge(user), policy=POLICY)
                db.commit()
            client.cookies.set(cookie_names(settings)["session"], token)
            client.headers["X-CSRF-Token"] = csrf_token(client)
            return client

        yield open_client


def visit_form(case: Case, visit_id: str) -> dict[str, Any]:
    return {
        "visit_id": visit_id,
        "visit_date": local_today().isoformat(),
        "starts_at": "10:00",
        "duration_minutes": "60",
        "place_kind": "home",
        "present_member_ids": [str(case.parent.id)],
        "kind": "home_visit",
        "notes": "Wizyta wysłana dwa razy naraz",
    }


def stored_visits(engine: Engine) -> int:
    with Session(engine) as check:
        return check.exec(select(func.count()).select_from(Visit)).one()


def test_two_posts_of_one_visit_at_once_both_succeed_and_store_it_once(
    engine: Engine, db: Session, clients, monkeypatch: pytest.MonkeyPatch
):
    case = make_case(db)
    db.commit()
    first_phone, second_phone = clients(case.assistant), clients(case.assistant)
    form = visit_form(case, str(uuid.uuid4()))
    url = f"/families/{case.family.id}/visits"

    first_inserted, release_first = threading.Event(), threading.Event()
    real_record_visit = visit_rules.record_visit
    calls: list[int] = []

    def record_then_hold_the_first(*args: Any, **kwargs: Any) -> visit_rules.RecordedVisit:
        calls.append(1)
        recorded = real_record_visit(*args, **kwargs)
        if len(calls) == 1:  # the first request keeps its insert uncommitted for a while
            first_inserted.set()
            release_first.wait(DEADLINE_SECONDS)
        return recorded

    monkeypatch.setattr(visit_rules, "record_visit", record_then_hold_the_first)
    answers: dict[str, Any] = {}
    failures: list[BaseException] = []

    def post(name: str, client: TestClient) -> None:
        try:
            answers[name] = client.post(url, data=form, follow_redirects=False)
        except BaseException as error:
            failures.append(error)
            first_inserted.set()

    first = threading.Thread(target=post, args=("first", first_phone))
    first.start()
    assert first_inserted.wait(DEADLINE_SECONDS)
    second = threading.Thread(target=post, args=("second", second_phone))
    second.start()
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not waiting_on_a_lock(engine, "INSERT INTO visit %") and not failures:
        assert time.monotonic() < deadline, "the second insert never waited for the first"
        time.sleep(0.02)
    release_first.set()
    for thread in (first, second):
        thread.join(DEADLINE_SECONDS)

    assert failures == []
    assert [answers[n].status_code for n in ("first", "second")] == [303, 303]
    assert answers["first"].headers["location"] == answers["second"].headers["location"]
    assert answers["first"].headers["location"].endswith("&saved=1")
    assert stored_visits(engine) == 1


def test_four_posts_of_one_visit_at_once_all_succeed_with_one_stored(
    engine: Engine, db: Session, clients
):
    case = make_case(db)
    db.commit()
    phones = [clients(case.assistant) for _ in range(4)]
    form = visit_form(case, str(uuid.uuid4()))
    start = threading.Barrier(len(phones))
    statuses: list[int] = []
    failures: list[BaseException] = []

    def post(client: TestClient) -> None:
        try:
            start.wait(DEADLINE_SECONDS)
            response = client.post(
                f"/families/{case.family.id}/visits", data=form, follow_redirects=False
            )
            statuses.append(response.status_code)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=post, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    assert failures == []
    assert statuses == [303, 303, 303, 303]
    assert stored_visits(engine) == 1
