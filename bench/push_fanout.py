"""Push fan-out: one reminder pass sending to 10,000 devices through the local receiver.

    .venv/bin/python bench/push_fanout.py [--subscriptions 10000] [--workers 4,16,64]
                                          [--database-url postgresql+psycopg://…/postgres]
                                          [--no-verify]

The receiver (tests/push_receiver.py) runs in its own process, so it does not take the
sender's GIL; by default it checks every request as in the tests (VAPID signature, aes128gcm,
decryption), so the figures are for correct messages only. Each run schedules one "meeting
tomorrow" reminder for each of N family members with one device each, then times `run_once`
(scheduling, claiming, encrypting, sending, recording). Prints notifications per second and the
memory of the process during the pass (resident set size sampled every 20 ms: before, peak).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime
from datetime import time as clock
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from bench.support.harness import scratch_database  # noqa: E402
from pwa import models  # noqa: E402
from pwa.db import make_engine  # noqa: E402
from pwa.i18n import WARSAW  # noqa: E402
from pwa.reminders.sending import run_once  # noqa: E402
from pwa.reminders.vapid import vapid_keys  # noqa: E402
from pwa.settings import Settings  # noqa: E402

# A Tuesday 18:00 in Warsaw: every member's meeting is tomorrow at 10:00.
NOW = datetime.combine(date(2026, 11, 24), clock(18, 0), tzinfo=WARSAW).astimezone(UTC)
MEETING = datetime.combine(date(2026, 11, 25), clock(10, 0), tzinfo=WARSAW).astimezone(UTC)


def serve_receiver(public_key: str, count: int, verify: bool, pipe: Connection) -> None:
    """The child process: a receiver with `count` subscriptions, answering stats on request."""
    from tests.support.push_receiver import PushReceiver

    with PushReceiver(public_key, verify=verify) as receiver:
        devices = [receiver.subscribe(f"device-{n}").as_json() for n in range(count)]
        pipe.send(devices)
        while (message := pipe.recv()) != "stop":
            if message == "reset":
                receiver.received.clear()
                receiver.count = 0
            else:
                pipe.send({"count": receiver.count, "ok": len(receiver.received),
                           "problems": receiver.problems[:5]})  # fmt: skip


def populate(engine: sa.engine.Engine, devices: list[dict]) -> None:
    """A centre, an assistant, and per device a family with one member who has a meeting."""
    with Session(engine) as db:
        centre = models.Centre(name="OPS Benchmark", short_name="OPS B")
        db.add(centre)
        db.flush()
        assistant = models.User(centre_id=centre.id, role=models.Role.assistant,
                                first_name="Anna", last_name="Nowak")  # fmt: skip
        db.add(assistant)
        db.flush()
        rows: dict[type, list[dict]] = {t: [] for t in (models.Family, models.FamilyMember,
                                                        models.User, models.Meeting,
                                                        models.PushSubscription)}  # fmt: skip
        for n, device in enumerate(devices):
            family, member, user = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
            rows[models.Family].append({
                "id": family, "centre_id": centre.id, "case_number": f"B.{n}", "name": f"R{n}",
                "status": models.CaseStatus.active, "referred_on": date(2026, 1, 1),
                "work_started_on": date(2026, 9, 1),
            })  # fmt: skip
            rows[models.FamilyMember].append({
                "id": member, "family_id": family, "first_name": "Ewa", "last_name": f"K{n}",
                "relation": models.Relation.parent,
            })  # fmt: skip
            rows[models.User].append({
                "id": user, "centre_id": centre.id, "role": models.Role.family,
                "first_name": "Ewa", "last_name": f"K{n}", "family_id": family,
                "family_member_id": member,
            })  # fmt: skip
            rows[models.Meeting].append({
                "id": uuid.uuid4(), "family_id": family, "assistant_id": assistant.id,
                "starts_at": MEETING,
            })  # fmt: skip
            rows[models.PushSubscription].append({
                "id": uuid.uuid4(), "user_id": user, "endpoint": device["endpoint"],
                "p256dh": device["keys"]["p256dh"], "auth": device["keys"]["auth"],
            })  # fmt: skip
        for model, values in rows.items():
            for start in range(0, len(values), 2000):
                db.execute(sa.insert(model), values[start : start + 2000])  # type: ignore[call-overload]
        db.commit()


def rss_mib() -> float:
    """This process's resident memory now (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def one_run(
    engine: sa.engine.Engine, settings: Settings, workers: int
) -> tuple[float, int, int, float, float]:
    """Seconds of one pass, reminders sent and left to retry, RSS before and peak RSS during
    the pass (MiB)."""
    with engine.begin() as connection:
        connection.execute(sa.delete(models.Reminder))
    before = peak = rss_mib()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.02):
            peak = max(peak, rss_mib())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    summary = run_once(engine, settings, NOW, workers=workers)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return seconds, summary.sent, summary.retried, before, max(peak, rss_mib())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--workers", default="16", help="comma-separated, e.g. 4,16,64")
    parser.add_argument(
        "--database-url", default="",
        help="a PostgreSQL server (a scratch database is made there); default: SQLite in a temp dir",
    )  # fmt: skip
    parser.add_argument("--no-verify", action="store_true", help="the receiver only counts")
    args = parser.parse_args()
    workers = [int(w) for w in args.workers.split(",")]

    kind = "postgresql" if args.database_url else "sqlite"
    with (
        tempfile.TemporaryDirectory() as tmp,
        scratch_database(kind, Path(tmp), args.database_url) as url,
    ):
        settings = Settings(database_url=url, secret_key="bench-" * 8, var_dir=Path(tmp),
                            run_background_jobs=False, push_allow_loopback=True)  # fmt: skip
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        parent, child = multiprocessing.get_context("spawn").Pipe()
        receiver = multiprocessing.get_context("spawn").Process(
            target=serve_receiver,
            args=(vapid_keys(settings).public_key, args.subscriptions, not args.no_verify, child),
            daemon=True,
        )
        receiver.start()
        devices = parent.recv()
        populate(engine, devices)
        print(f"{args.subscriptions} subscriptions, {engine.dialect.name}, receiver "
              f"{'verifying' if not args.no_verify else 'counting'} in its own process")  # fmt: skip
        print(f"{'workers':>7} | {'delivered':>9} | {'to retry':>8} | {'seconds':>7} | "
              f"{'notifications/s':>15} | {'RSS before MiB':>14} | {'peak RSS MiB':>12}")  # fmt: skip
        print("-" * 93)
        problems: list[str] = []
        for count in workers:
            parent.send("reset")
            seconds, sent, retried, before, peak = one_run(engine, settings, count)
            parent.send("stats")
            stats = parent.recv()
            problems += stats["problems"]
            delivered = stats["ok"] if not args.no_verify else stats["count"]
            if delivered != sent:
                problems.append(f"{sent} reminders sent but {delivered} delivered")
            print(f"{count:>7} | {delivered:>9} | {retried:>8} | {seconds:>7.2f} | "
                  f"{sent / seconds:>15.0f} | {before:>14.0f} | {peak:>12.0f}")  # fmt: skip
        parent.send("stop")
        receiver.join(timeout=10)
        engine.dispose()
    if problems:
        print("problems:", *problems, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
