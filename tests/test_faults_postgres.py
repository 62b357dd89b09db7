"""Database faults and several server processes, on PostgreSQL.

The server's connection killed in the middle of a request (`pg_terminate_backend`) gives
the Polish 503 page with Retry-After, and the next request works (the pool's pre-ping drops
the dead connection); a transaction that fails half-way leaves nothing behind; with several
`asysta serve` processes on one database, what they share (sessions, rate limits, reminder
claims) lives in the database; and many assistants posting visits at once (some twice) end
with no error, no duplicate and nothing lost (bench/load_visits.py runs the long version).
"""

from __future__ import annotations

import http.client
import importlib.util
import multiprocessing
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select
from starlette.testclient import TestClient

from pwa.db import make_engine
from pwa.domain.centre import homes
from pwa.domain.kernel import audit
from pwa.domain.people import rate_limits
from pwa.models import (
    AuditEvent,
    Family,
    FamilyMember,
    RateLimitEvent,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Role,
    Visit,
)
from pwa.reminders import store
from tests.conftest import on_postgres
from tests.support.factories.core import make_centre, make_user
from tests.support.factories.visits import Case, make_case
from tests.support.fuzzing import is_polish_message

pytestmark = pytest.mark.postgres_only

ROOT = Path(__file__).resolve().parent.parent


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_visits", ROOT / "bench" / "load_visits.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


load_visits = _load_bench()


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    assert on_postgres(), "these tests need PostgreSQL: set ASYSTA_TEST_DATABASE_URL"


def _kill_own_connection(db: Session, engine: Engine) -> None:
    """Terminate, from another connection, the server process serving `db`."""
    pid = db.exec(sa.text("SELECT pg_backend_pid()")).scalar_one()  # type: ignore[call-overload]
    with engine.connect() as other:
        assert other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()


def _visit_form(case: Case, visit_id: str) -> dict[str, str]:
    return {
        "visit_id": visit_id,
        "visit_date": datetime.now(UTC).date().isoformat(),
        "starts_at": "10:00",
        "duration_minutes": "60",
        "place_kind": "home",
        "present_member_ids": str(case.parent.id),
        "kind": "home_visit",
        "notes": "Wizyta przerwana awarią bazy",
    }


def _count(engine: Engine, model: Any, *where: Any) -> int:
    with Session(engine) as check:
        return check.exec(select(func.count()).select_from(model).where(*where)).one()


# --- (a) a connection killed mid-request ----------------------------------------------------


def test_connection_killed_mid_request_gives_polish_503_and_the_next_request_works(
    db: Session, engine: Engine, sign_in, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_case(db)
    db.commit()
    client: TestClient = sign_in(case.assistant)
    real_today = homes.assistant_today
    kills: list[int] = []

    def killed_then_today(session: Session, **kwargs: Any) -> Any:
        if not kills:
            kills.append(1)
            _kill_own_connection(session, engine)
        return real_today(session, **kwargs)

    monkeypatch.setattr(homes, "assistant_today", killed_then_today)
    broken = client.get("/assistant")
    assert broken.status_code == 503
    assert broken.headers["retry-after"] == "5"
    assert is_polish_message(broken.text)
    assert '<html lang="pl"' in broken.text
    # The pool hands out a live connection next time (pre-ping), and the session still holds.
    again = client.get("/assistant")
    assert again.status_code == 200
    assert kills == [1]


# --- (b) a transaction failing half-way -----------------------------------------------------


def test_visit_whose_connection_dies_after_its_insert_leaves_nothing_behind(
    db: Session, engine: Engine, sign_in, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_case(db)
    db.commit()
    client: TestClient = sign_in(case.assistant)
    real_record = audit.record
    visit_id = str(uuid.uuid4())

    def record_then_die(session: Session, **kwargs: Any) -> Any:
        event = real_record(session, **kwargs)
        if kwargs.get("action") == "visit.create":
            session.flush()  # the visit and its attendance are written, not committed
            assert _count(engine, Visit) == 0
            _kill_own_connection(session, engine)
        return event

    monkeypatch.setattr(audit, "record", record_then_die)
    answer = client.post(
        f"/families/{case.family.id}/visits",
        data=_visit_form(case, visit_id),
        follow_redirects=False,
    )
    assert answer.status_code == 503
    assert is_polish_message(answer.text)
    assert _count(engine, Visit) == 0
    assert _count(engine, AuditEvent, col(AuditEvent.action) == "visit.create") == 0
    # Sent again (as the outbox does after a 503), it is stored once.
    monkeypatch.setattr(audit, "record", real_record)
    again = client.post(
        f"/families/{case.family.id}/visits",
        data=_visit_form(case, visit_id),
        follow_redirects=False,
    )
    assert again.status_code == 303
    assert _count(engine, Visit) == 1


def test_family_registration_failing_after_its_members_leaves_no_family(
    db: Session, engine: Engine, sign_in, monkeypatch: pytest.MonkeyPatch
) -> None:
    centre = make_centre(db)
    coordinator = make_user(db, centre, Role.coordinator)
    db.commit()
    client: TestClient = sign_in(coordinator)
    real_record = audit.record

    def fail_on_create(session: Session, **kwargs: Any) -> Any:
        if kwargs.get("action") == "family.create":
            session.flush()
            raise RuntimeError("the disk is full")
        return real_record(session, **kwargs)

    monkeypatch.setattr(audit, "record", fail_on_create)
    answer = client.post(
        "/families",
        data={
            "case_number": "AR.1.2026", "name": "Awaryjni", "address": "ul. Krótka 1",
            "referral_reason": "Zgłoszenie.", "social_worker_name": "Ewa Kaczmarek",
            "members-0-first_name": "Ewa", "members-0-last_name": "Awaryjna",
            "members-0-relation": "parent",
        },
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 500
    assert is_polish_message(answer.text)
    assert _count(engine, Family, col(Family.centre_id) == centre.id) == 0
    assert _count(engine, FamilyMember) == 0


# --- (c) several server processes on one database -------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    text: str

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name), None)

    def cookie(self, name: str) -> str:
        return next(
            v.split(";", 1)[0]
            for k, v in self.headers
            if k.lower() == "set-cookie" and v.startswith(f"{name}=")
        )


def _request(port: int, method: str, path: str, body: str = "", **headers: str) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.getheaders(), response.read().decode())
    finally:
        connection.close()


def _get(port: int, path: str, cookie: str = "") -> Answer:
    return _request(port, "GET", path, **({"Cookie": cookie} if cookie else {}))


def _post(port: int, path: str, cookie: str, token: str, body: str = "") -> Answer:
    return _request(
        port, "POST", path, body, **{"Cookie": cookie, "X-CSRF-Token": token,
        "Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip


def _csrf(port: int) -> tuple[str, str]:
    """A CSRF cookie and its token, from a page of one server (tokens are the same on all:
    they are derived from the cookie with the shared secret)."""
    page = _get(port, "/signin")
    return page.cookie("asysta_csrf"), _token_in(page.text)


def _token_in(html: str) -> str:
    """The CSRF token a page carries (once signed in, it is bound to the session too)."""
    marker = 'name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@pytest.fixture
def three_servers(database_url: str, tmp_path: Path) -> Iterator[list[int]]:
    """Three `asysta serve` processes (demo mode, for its sign-in) on one database."""
    with load_visits.servers(database_url, tmp_path, processes=3, ASYSTA_DEMO="1") as ports:
        yield ports


def test_a_session_made_by_one_server_is_honoured_by_another_and_ended_for_all(
    db: Session, three_servers: list[int]
) -> None:
    case = make_case(db)
    case.assistant.is_demo = True  # signed in through the demo page, a real HTTP sign-in
    db.add(case.assistant)
    db.commit()
    first, second, third = three_servers
    csrf_cookie, token = _csrf(first)
    signed_in = _post(first, f"/demo/{case.assistant.id}/signin", csrf_cookie, token)
    assert signed_in.status == 303
    cookie = f"{signed_in.cookie('asysta_session')}; {csrf_cookie}"
    home = _get(second, "/assistant", cookie)
    assert home.status == 200
    assert _get(third, "/assistant", cookie).status == 200
    assert _post(second, "/logout", cookie, token).status == 403  # the signed-out page's token
    assert _post(second, "/logout", cookie, _token_in(home.text)).status == 303
    for port in (first, third):
        refused = _get(port, "/assistant", cookie)
        assert (refused.status, refused.header("location")) == (303, "/signin")


def test_failed_sign_ins_are_counted_across_servers(
    engine: Engine, three_servers: list[int]
) -> None:
    csrf_cookie, token = _csrf(three_servers[0])
    bogus = '{"credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}}'

    def attempt(port: int) -> int:
        return _request(
            port, "POST", "/signin/verify", bogus, **{"Cookie": csrf_cookie,
            "X-CSRF-Token": token, "Content-Type": "application/json"},
        ).status  # fmt: skip

    # One failure on each server (below the slowing threshold): all three are counted, under
    # the same key, in the one table.
    assert [attempt(port) for port in three_servers] == [400, 400, 400]
    with Session(engine) as check:
        keys = check.exec(select(RateLimitEvent.key)).all()
    assert len(keys) == 3 and len(set(keys)) == 1
    # Up to the refusal threshold (as if more servers had failed meanwhile): every server refuses.
    with Session(engine) as fill:
        for _ in range(rate_limits.SIGN_IN.refuse_after - 3):
            rate_limits.record_failure(fill, key=keys[0])
        fill.commit()
    assert [attempt(port) for port in three_servers] == [429, 429, 429]


def _claim_in_a_process(database_url: str, rounds: int, start: Any) -> list[str]:
    """What one process (a server, a cron pass) claims, starting with the others."""
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    mine: list[str] = []
    start.wait(60)
    for _ in range(rounds):
        with Session(engine, expire_on_commit=False) as db:
            claimed = store.claim(db, now=datetime.now(UTC), limit=7)
            db.commit()
        mine += [str(reminder.id) for reminder in claimed]
    engine.dispose()
    return mine


def test_each_reminder_is_claimed_by_exactly_one_of_several_processes(
    db: Session, database_url: str
) -> None:
    centre = make_centre(db)
    user = make_user(db, centre, Role.assistant)
    due = datetime.now(UTC) - timedelta(minutes=1)
    reminders = [
        Reminder(
            dedupe_key=f"fault-test:{n}",
            user_id=user.id,
            kind=ReminderKind.meeting_tomorrow,
            send_at=due,
            url="/assistant",
        )
        for n in range(120)
    ]
    db.add_all(reminders)
    db.commit()
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(4) as pool:
        start = manager.Barrier(4)
        claims = pool.starmap(_claim_in_a_process, [(database_url, 8, start)] * 4)
    everything = [reminder_id for claimed in claims for reminder_id in claimed]
    assert len(everything) == len(set(everything)) == 120
    db.expire_all()
    statuses = db.exec(select(Reminder.status)).all()
    assert set(statuses) == {ReminderStatus.sending}


# --- (d) the load test, short --------------------------------------------------------------


def test_twenty_assistants_posting_visits_for_five_seconds_lose_and_repeat_nothing(
    database_url: str, tmp_path: Path
) -> None:
    assistants = load_visits.prepare(database_url, 20)
    with load_visits.servers(database_url, tmp_path, workers=2) as ports:
        result = load_visits.run_load(database_url, assistants, ports, seconds=5)
    assert result.requests > 20
    assert (result.errors, result.duplicates, result.lost) == (0, 0, 0), result.problems
