"""Fixtures shared by every layer: a fresh database per test, the app, a client per role.

The database is SQLite by default (a new file per test); with ASYSTA_TEST_DATABASE_URL set
to a PostgreSQL URL the same tests run against PostgreSQL: one scratch database per test
session, created from the models, and every table emptied before each test.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel
from starlette.testclient import TestClient

from pwa import (
    i18n,
    models,  # noqa: F401  (registers every table on SQLModel.metadata)
)
from pwa.app import create_app
from pwa.db import make_engine
from pwa.domain.people import sessions as session_rules
from pwa.models import User
from pwa.settings import Settings
from pwa.web.middleware import cookie_names

POSTGRES_URL = os.environ.get("ASYSTA_TEST_DATABASE_URL", "").strip()


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL ' + POSTGRES_URL if POSTGRES_URL else 'SQLite (file per test)'}"


def on_postgres() -> bool:
    return bool(POSTGRES_URL)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    """A scratch PostgreSQL database for this test session (None on SQLite)."""
    if not POSTGRES_URL:
        yield None
        return
    server = make_url(POSTGRES_URL)
    name = f"asysta_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def empty_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file with every table, made once and copied for each test (a copy is ~50
    times faster than creating the tables)."""
    path = tmp_path_factory.mktemp("template") / "empty.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    return path


@pytest.fixture
def database_url(
    postgres_database: str | None, empty_sqlite_file: Path, tmp_path: Path
) -> Iterator[str]:
    """A clean database with every table, for one test."""
    if postgres_database is None:
        path = tmp_path / "asysta.sqlite3"
        shutil.copyfile(empty_sqlite_file, path)
        yield f"sqlite:///{path}"
        return
    engine = make_engine(postgres_database)
    # DELETE, children first: on tables this small it is ~30 times faster than TRUNCATE,
    # which rewrites every table's files (0.35 s a test, minutes over the suite).
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()
    yield postgres_database


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    # Deferred transactions: a test reading the database must not hold SQLite's write lock
    # while the app (in the same thread) serves a request.
    engine = make_engine(database_url, immediate=False)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session on the test's database; tests flush/commit as the code under test would."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


# --- the app and signed-in clients ----------------------------------------------------------

TEST_SECRET = "test-secret-key-that-is-long-enough-for-production-0123456789"


def make_settings(database_url: str, tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "base_url": "http://localhost",
        "var_dir": tmp_path / "var",
        "run_background_jobs": False,
        "push_allow_loopback": True,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    return create_app(settings)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as test_client:
        yield test_client


def csrf_token(client: TestClient) -> str:
    """The CSRF token for the client's cookie (the one the pages embed)."""
    if not client.cookies.get(cookie_names(client.app.state.settings)["csrf"]):  # type: ignore[attr-defined]
        client.get("/healthz")
        client.get("/signin")
    html = client.get("/signin").text
    marker = 'name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@pytest.fixture
def sign_in(client: TestClient, db: Session) -> Callable[[User], TestClient]:
    """Sign `user` in on the shared test client by opening a session for them directly."""

    def _sign_in(user: User) -> TestClient:
        db.commit()
        settings = client.app.state.settings  # type: ignore[attr-defined]
        _row, token = session_rules.start_session(
            db,
            user=user,
            policy=session_rules.SessionPolicy(
                idle_timeout=settings.session_idle_timeout, max_age=settings.session_max_age
            ),
        )
        db.commit()
        client.cookies.set(cookie_names(settings)["session"], token)
        client.headers["X-CSRF-Token"] = csrf_token(client)
        return client

    return _sign_in


@pytest.fixture
def english() -> Iterator[None]:
    """The test runs in English: messages are matched whatever the Polish catalog says
    (`pytestmark = pytest.mark.usefixtures("english")` for a whole module)."""
    with i18n.use_locale("en"):
        yield


def reread(db: Session) -> None:
    """Forget what this test's session has seen, so the next query reads what the app committed."""
    db.rollback()
    db.expire_all()
