"""Load: many assistants posting visits at once to several server processes on PostgreSQL.

Each assistant (her own family, her own session) posts visits in a loop for the whole run;
one post in five is sent a second time with the same visit id (a double tap, an outbox
replay). At the end the database is counted against what the clients were told:

    errors      answers other than 303 (or no answer)
    duplicates  visits stored more than once (rows beyond one per visit id sent)
    lost        visits acknowledged (303) but not in the database

    .venv/bin/python bench/load_visits.py [--assistants 100] [--seconds 60] [--workers 3]

Needs PostgreSQL (ASYSTA_BENCH_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres):
a scratch database is created and dropped.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import Session, SQLModel, func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.harness import scratch_database  # noqa: E402
from pwa.db import make_engine  # noqa: E402
from pwa.domain.people import sessions  # noqa: E402
from pwa.i18n import local_today  # noqa: E402
from pwa.models import (  # noqa: E402
    Assignment,
    CaseStatus,
    Centre,
    Consent,
    ConsentForm,
    Family,
    FamilyMember,
    Relation,
    Role,
    User,
    Visit,
)
from tests.support.live_server import free_port  # noqa: E402

SECRET = "load-test-secret-key-that-is-long-enough-0123456789"  # noqa: S105  (a throwaway database)
SERVER_URL = os.environ.get(
    "ASYSTA_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
POLICY = sessions.SessionPolicy(idle_timeout=8 * 3600, max_age=14 * 86400)


@dataclass(frozen=True)
class Assistant:
    session_token: str
    family_id: str
    member_id: str


def prepare(database_url: str, count: int) -> list[Assistant]:
    """A centre with `count` assistants, each with one family at work (consent given) and a
    signed-in session."""
    engine = make_engine(database_url)
    assistants: list[Assistant] = []
    with Session(engine, expire_on_commit=False) as db:
        centre = Centre(name="OPS obciążenie", short_name="OPS", address="ul. 1", phone="1")
        db.add(centre)
        db.flush()
        for n in range(count):
            user = User(
                centre_id=centre.id, role=Role.assistant, first_name=f"Asystentka{n}",
                last_name="Obciążenie", work_phone="600 000 000",
            )  # fmt: skip
            family = Family(
                centre_id=centre.id, case_number=f"LOAD.{n}", name=f"Rodzina {n}",
                address="ul. Testowa 1", referred_on=date(2026, 1, 10),
                work_started_on=date(2026, 2, 1), status=CaseStatus.active,
            )  # fmt: skip
            db.add_all([user, family])
            db.flush()
            member = FamilyMember(
                family_id=family.id, first_name="Ewa", last_name=f"K{n}", relation=Relation.parent
            )
            db.add_all([member, Assignment(family_id=family.id, assistant_id=user.id)])
            db.flush()
            db.add(
                Consent(
                    family_id=family.id, given_on=date(2026, 2, 1),
                    given_by_member_id=member.id, form=ConsentForm.written,
                )
            )  # fmt: skip
            _row, token = sessions.start_session(db, user=user, policy=POLICY)
            assistants.append(Assistant(token, str(family.id), str(member.id)))
        db.commit()
    engine.dispose()
    return assistants


# --- servers --------------------------------------------------------------------------------


def server_env(database_url: str, port: int, var_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "ASYSTA_DATABASE_URL": database_url,
        "ASYSTA_SECRET_KEY": SECRET,
        "ASYSTA_BASE_URL": f"http://localhost:{port}",
        "ASYSTA_VAR_DIR": str(var_dir),
        "ASYSTA_RUN_BACKGROUND_JOBS": "0",
        **extra,
    }


@contextlib.contextmanager
def servers(
    database_url: str, var_dir: Path, *, processes: int = 1, workers: int = 1, **env: str
) -> Iterator[list[int]]:
    """`processes` × `asysta serve --workers N` on free ports; yields the ports."""
    ports = [free_port() for _ in range(processes)]
    with contextlib.ExitStack() as stack:
        running: list[tuple[int, subprocess.Popen[bytes], Path]] = []
        for port in ports:
            log = var_dir / f"serve-{port}.log"
            output = stack.enter_context(log.open("wb"))
            process = subprocess.Popen(
                [str(ROOT / ".venv/bin/asysta"), "serve", "--port", str(port),
                 "--workers", str(workers)],
                env=server_env(database_url, port, var_dir, **env),
                stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
            running.append((port, process, log))
        try:
            for port, process, log in running:
                wait_until_up(port, process, log)
            yield ports
        finally:
            for _port, process, _log in running:
                process.terminate()
            for _port, process, _log in running:
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def wait_until_up(
    port: int, process: subprocess.Popen[bytes], log: Path, seconds: float = 60
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on {port} exited: {log.read_text()[-2000:]}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


# --- the load -------------------------------------------------------------------------------


@dataclass
class Tally:
    requests: int = 0
    errors: int = 0
    acknowledged: set[str] = field(default_factory=set)
    sent: set[str] = field(default_factory=set)
    latencies: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _csrf(connection: http.client.HTTPConnection, cookie: str) -> tuple[str, str]:
    """(csrf cookie pair, token) as a page gives them."""
    connection.request("GET", "/assistant", headers={"Cookie": cookie})
    response = connection.getresponse()
    html = response.read().decode()
    csrf_cookie = ""
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and "asysta_csrf=" in value:
            csrf_cookie = value.split(";", 1)[0]
    marker = 'name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return csrf_cookie, html[start : html.index('"', start)]


def assistant_loop(
    assistant: Assistant, port: int, stop_at: float, tally: Tally, number: int
) -> None:
    session = f"asysta_session={assistant.session_token}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        csrf_cookie, token = _csrf(connection, session)
    except Exception as error:  # a server that never answers is counted, not raised
        with tally.lock:
            tally.errors += 1
            tally.problems.append(f"csrf: {error!r}")
        return
    headers = {
        "Cookie": f"{session}; {csrf_cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRF-Token": token,
    }
    sequence = 0
    while time.monotonic() < stop_at:
        visit_id = str(uuid.uuid4())
        sequence += 1
        body = urllib.parse.urlencode(
            {
                "visit_id": visit_id, "visit_date": local_today().isoformat(),
                "starts_at": "10:00", "duration_minutes": "60", "place_kind": "home",
                "present_member_ids": assistant.member_id, "kind": "home_visit",
                "notes": f"Wizyta obciążeniowa {number}/{sequence}",
            }
        )  # fmt: skip
        # One visit in five is sent twice: a double tap, or the outbox replaying it.
        for _attempt in range(2 if sequence % 5 == 0 else 1):
            started = time.perf_counter()
            try:
                connection.request(
                    "POST", f"/families/{assistant.family_id}/visits", body=body, headers=headers
                )
                response = connection.getresponse()
                response.read()
                status = response.status
            except Exception as error:
                status = 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with tally.lock:
                    tally.problems.append(repr(error))
            elapsed = time.perf_counter() - started
            with tally.lock:
                tally.requests += 1
                tally.latencies.append(elapsed)
                tally.sent.add(visit_id)
                if status == 303:
                    tally.acknowledged.add(visit_id)
                else:
                    tally.errors += 1
                    if len(tally.problems) < 10:
                        tally.problems.append(f"status {status}")
    connection.close()


@dataclass(frozen=True)
class Result:
    requests: int
    errors: int
    duplicates: int
    lost: int
    seconds: float
    p50: float
    p95: float
    problems: list[str]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def table(self) -> str:
        rows = [
            ("requests", f"{self.requests}"),
            ("errors", f"{self.errors}"),
            ("duplicates", f"{self.duplicates}"),
            ("lost", f"{self.lost}"),
            ("req/s", f"{self.per_second:.1f}"),
            ("p50 (ms)", f"{self.p50 * 1000:.0f}"),
            ("p95 (ms)", f"{self.p95 * 1000:.0f}"),
        ]
        return "\n".join(f"{name:<12}{value:>10}" for name, value in rows)


def run_load(
    database_url: str, assistants: list[Assistant], ports: list[int], seconds: float
) -> Result:
    """Every assistant posts visits for `seconds` (spread over the servers' ports), then the
    database is counted against the answers."""
    tally = Tally()
    stop_at = time.monotonic() + seconds
    started = time.perf_counter()
    threads = [
        threading.Thread(
            target=assistant_loop,
            args=(assistant, ports[n % len(ports)], stop_at, tally, n),
            daemon=True,
        )
        for n, assistant in enumerate(assistants)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    elapsed = time.perf_counter() - started
    engine = make_engine(database_url)
    with Session(engine) as db:
        stored = db.exec(select(func.count()).select_from(Visit)).one()
        ids = {str(i) for i in db.exec(select(Visit.id)).all()}
    engine.dispose()
    latencies = sorted(tally.latencies) or [0.0]
    return Result(
        requests=tally.requests,
        errors=tally.errors,
        duplicates=stored - len(ids) + len(ids - tally.sent),
        lost=len(tally.acknowledged - ids),
        seconds=elapsed,
        p50=statistics.median(latencies),
        p95=latencies[int(len(latencies) * 0.95) - 1] if len(latencies) > 1 else latencies[0],
        problems=tally.problems[:10],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assistants", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    import tempfile

    with (
        tempfile.TemporaryDirectory() as var_dir,
        scratch_database("postgresql", Path(var_dir), SERVER_URL) as url,
    ):
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        assistants = prepare(url, args.assistants)
        with servers(url, Path(var_dir), workers=args.workers) as ports:
            result = run_load(url, assistants, ports, args.seconds)
    print(
        f"{args.assistants} assistants posting visits for {args.seconds:.0f} s to "
        f"`asysta serve --workers {args.workers}` on PostgreSQL (one in five sent twice)"
    )
    print(result.table())
    for problem in result.problems:
        print("  ", problem)
    return 0 if (result.errors, result.duplicates, result.lost) == (0, 0, 0) else 1


if __name__ == "__main__":
    sys.exit(main())
