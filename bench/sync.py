"""Replaying an offline outbox of 500 visits against the server, twice: exactly 500 rows.

    .venv/bin/python bench/sync.py [--visits 500] [--databases sqlite,postgresql]

The demo centre in a scratch database, the app served by uvicorn on localhost. An assistant
signed in (a real session cookie) replays her outbox the way service_worker/outbox.js does:
one POST at a time to /families/{id}/visits with the stored form body (its visit_id is the
client-generated UUID that makes a repeat harmless), the CSRF token fetched from
/session/csrf in the X-CSRF-Token header, HX-Request and X-Asysta-Replay. The whole outbox is
then replayed a second time (as after a lost answer). Printed: seconds per pass, visits per
second, p50/p95 of one POST, and the server's rows of these visits after each pass.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import random
import sys
import time
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from bench.support.harness import (  # noqa: E402
    prepare,
    print_table,
    scratch_database,
    session_cookie,
    settings_for,
    workdir,
)
from pwa.app import create_app  # noqa: E402
from pwa.db import make_engine  # noqa: E402
from pwa.demo.centre import demo_id  # noqa: E402
from pwa.domain.cases.caseload import families_of_assistant  # noqa: E402
from pwa.i18n import local_today  # noqa: E402
from pwa.models import CaseStatus, FamilyMember, User, Visit  # noqa: E402
from tests.support.live_server import free_port, served  # noqa: E402


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def outbox_items(url: str, assistant_id: uuid.UUID, count: int) -> list[tuple[str, bytes]]:
    """(path, form body) of `count` visits to her active families in the last two weeks."""
    rng = random.Random(500)
    engine = make_engine(url, immediate=False)
    with Session(engine) as db:
        assistant = db.get(User, assistant_id)
        assert assistant is not None
        families = [
            f for f in families_of_assistant(db, assistant=assistant)
            if f.status is CaseStatus.active and f.work_started_on is not None
            and f.work_started_on < local_today() - timedelta(days=14)
        ]  # fmt: skip
        members = {
            f.id: [m.id for m in db.exec(
                select(FamilyMember).where(FamilyMember.family_id == f.id)).all()]
            for f in families
        }  # fmt: skip
    engine.dispose()
    items = []
    for n in range(count):
        family = families[n % len(families)]
        day = local_today() - timedelta(days=rng.randint(1, 14))
        fields = [
            ("csrf_token", "stale-token-from-the-page"), ("visit_id", str(uuid.uuid4())),
            ("visit_date", day.isoformat()), ("starts_at", f"{rng.randint(8, 15):02d}:00"),
            ("duration_minutes", "60"), ("duration_other", ""), ("place_kind", "home"),
            ("place_text", ""), ("present_member_ids", str(members[family.id][0])),
            ("present_others", ""), ("kind", "home_visit"),
            ("notes", f"Wizyta zapisana offline nr {n + 1}: omówiono zadania z planu."),
            ("next_meeting_date", ""), ("next_meeting_time", ""),
        ]  # fmt: skip
        items.append((f"/families/{family.id}/visits", urllib.parse.urlencode(fields).encode()))
    return items


def replay(opener: urllib.request.OpenerDirector, base: str, token: str,
           items: list[tuple[str, bytes]]) -> tuple[float, list[float], dict[int, int]]:  # fmt: skip
    """Seconds for the whole outbox, each POST's seconds, and the count of each status."""
    latencies, statuses = [], {}
    started = time.perf_counter()
    for n, (path, body) in enumerate(items):
        request = urllib.request.Request(base + path, data=body, method="POST", headers={  # noqa: S310 (loopback)
            "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": token,
            "HX-Request": "true", "X-Asysta-Replay": str(n),
        })  # fmt: skip
        t = time.perf_counter()
        try:
            with opener.open(request, timeout=60) as answer:
                answer.read()
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        latencies.append(time.perf_counter() - t)
        statuses[status] = statuses.get(status, 0) + 1
    return time.perf_counter() - started, latencies, statuses


def stored(url: str, ids: list[str]) -> int:
    engine = make_engine(url, immediate=False)
    with Session(engine) as db:
        found = db.exec(
            select(sa.func.count()).select_from(Visit)
            .where(col(Visit.id).in_([uuid.UUID(i) for i in ids]))
        ).one()  # fmt: skip
    engine.dispose()
    return int(found)


def one_database(kind: str, count: int) -> tuple[list[tuple[object, ...]], list[str]]:
    rows: list[tuple[object, ...]] = []
    problems: list[str] = []
    with workdir() as tmp, scratch_database(kind, tmp) as url:
        prepare(url, tmp / "var", demo=True)
        port = free_port()
        settings = settings_for(url, tmp / "var", port=port)
        assistant = demo_id("user/katarzyna")
        items = outbox_items(url, assistant, count)
        ids = [urllib.parse.parse_qs(body.decode())["visit_id"][0] for _, body in items]
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        with served(create_app(settings), port) as base:
            for name, value in session_cookie(url, settings, assistant).items():
                jar.set_cookie(http.cookiejar.Cookie(
                    0, name, value, None, False, "localhost.local", True, False, "/", True,
                    False, None, False, None, None, {}))  # fmt: skip
            with opener.open(base + "/session/csrf", timeout=30) as answer:
                session = json.loads(answer.read())
            if session["user"] != str(assistant):
                raise RuntimeError(f"not signed in: {session}")
            for label in ("first replay", "second replay (all repeats)"):
                seconds, latencies, statuses = replay(opener, base, session["token"], items)
                latencies.sort()
                rows_now = stored(url, ids)
                rows.append((kind, label, round(seconds, 2), count / seconds,
                             latencies[len(latencies) // 2] * 1000,
                             latencies[int(len(latencies) * 0.95)] * 1000,
                             " ".join(f"{s}×{n}" for s, n in sorted(statuses.items())),
                             rows_now))  # fmt: skip
                if rows_now != count:
                    problems.append(f"{kind} {label}: {rows_now} rows, expected {count}")
                if any(not 200 <= s < 300 for s in statuses):
                    problems.append(f"{kind} {label}: answers {statuses}")
    return rows, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visits", type=int, default=500)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    rows, problems = [], []
    for kind in args.databases.split(","):
        found, wrong = one_database(kind, args.visits)
        rows += found
        problems += wrong
    print(f"Outbox replay: {args.visits} visits posted one at a time, then all again")
    print_table(("database", "pass", "seconds", "visits/s", "p50 ms", "p95 ms", "answers",
                 "rows"), rows)  # fmt: skip
    if problems:
        print("problems:", *problems, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
