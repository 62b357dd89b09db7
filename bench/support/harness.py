"""Scratch databases, the city data set, and printed tables (the app is served on localhost
by tests/support/live_server.py, as in the browser tests).

Used by the scripts in bench/ (which `make bench` runs one by one); nothing here is imported
by the app or the tests.
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from pwa.cli import migrate
from pwa.db import make_engine, unit_of_work
from pwa.domain.people import sessions
from pwa.i18n import local_today
from pwa.models import Role, User
from pwa.settings import Settings
from pwa.web.middleware import cookie_names

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SECRET = "bench-secret-" * 4
BARE_PATH = "/bench/bare"  # the bare route beside the app (bench/support/throughput_app.py)


@contextlib.contextmanager
def scratch_database(kind: str, tmp: Path, server_url: str = POSTGRES) -> Iterator[str]:
    """A new empty database for this run ("sqlite" in `tmp`, or "postgresql"), dropped after."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / f'bench-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    server = make_url(server_url)
    name = f"asysta_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def settings_for(database_url: str, var_dir: Path, port: int = 8000, **more: object) -> Settings:
    return Settings(
        database_url=database_url, secret_key=SECRET, base_url=f"http://localhost:{port}",
        var_dir=var_dir, run_background_jobs=False, **more,  # type: ignore[arg-type]
    )  # fmt: skip


def prepare(database_url: str, var_dir: Path, *, city: float = 0.0, demo: bool = False) -> float:
    """Migrate, then load the city at scale `city` and/or the demo centre; seconds taken."""
    from pwa.demo.centre import load_demo_data
    from pwa.demo.city import load_city_data

    started = time.perf_counter()
    migrate(settings_for(database_url, var_dir))
    engine = make_engine(database_url)
    with unit_of_work(engine) as db:
        if city:
            load_city_data(db, today=local_today(), scale=city)
        if demo:
            load_demo_data(db, today=local_today())
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def session_cookie(database_url: str, settings: Settings, user_id: uuid.UUID) -> dict[str, str]:
    """A live session for the user, as the cookie a browser would send (no passkey needed)."""
    engine = make_engine(database_url)
    with unit_of_work(engine) as db:
        user = db.get(User, user_id)
        assert user is not None
        policy = sessions.SessionPolicy(
            idle_timeout=settings.session_idle_timeout, max_age=settings.session_max_age
        )
        _row, token = sessions.start_session(db, user=user, policy=policy, user_agent="bench")
    engine.dispose()
    return {cookie_names(settings)["session"]: token}


@dataclass(frozen=True)
class CityPeople:
    """Who to sign in as: the coordinator, and assistants with the smallest and largest load."""

    coordinator: uuid.UUID
    assistant_by_load: dict[int, uuid.UUID]
    families: int


def city_people(database_url: str) -> CityPeople:
    from pwa.demo.city import CITY_CENTRE_ID
    from pwa.domain.cases.caseload import caseloads
    from pwa.models import Centre, Family

    engine = make_engine(database_url, immediate=False)
    with Session(engine) as db:
        centre = db.get(Centre, CITY_CENTRE_ID)
        assert centre is not None, "no city data set in this database"
        coordinator = db.exec(
            select(User.id).where(User.centre_id == centre.id, User.role == Role.coordinator)
        ).one()
        by_load: dict[int, uuid.UUID] = {}
        for row in sorted(caseloads(db, centre=centre), key=lambda r: str(r.assistant.id)):
            by_load.setdefault(row.counted, row.assistant.id)
        families = db.exec(
            select(sa.func.count()).select_from(Family).where(col(Family.centre_id) == centre.id)
        ).one()
    engine.dispose()
    return CityPeople(coordinator, by_load, int(families))


@contextlib.contextmanager
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="asysta-bench-") as tmp:
        yield Path(tmp)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A small aligned table: numbers to the right, text to the left."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    numeric = [all(_is_number(row[i]) for row in rows) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return " | ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        )

    print(line(list(headers)))
    print("-+-".join("-" * w for w in widths))
    for row in cells:
        print(line(row))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) or (isinstance(value, str) and value[:1].isdigit())


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")
