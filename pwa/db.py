"""The database: one engine per app (made in the lifespan), one session per unit of work."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session


def make_engine(database_url: str, *, immediate: bool = True, **kwargs: Any) -> Engine:
    """An engine tuned for the database at hand.

    On SQLite, `immediate` takes the write lock at BEGIN (every request of the app may write:
    at least its audit event); a tool that only reads alongside the app can pass False.
    """
    if database_url.startswith("sqlite"):
        engine = sa.create_engine(
            database_url,
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate if immediate else _sqlite_begin)
        return engine
    # pre-ping: a connection killed under us (restart, failover) is replaced, not reused.
    return sa.create_engine(
        database_url,
        pool_pre_ping=True,
        pool_size=kwargs.pop("pool_size", 10),
        max_overflow=kwargs.pop("max_overflow", 10),
        **kwargs,
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy drive transactions (see _sqlite_begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def _sqlite_begin_immediate(connection: Any) -> None:
    # One writer at a time, decided at BEGIN: no "database is locked" half-way through.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextlib.contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def database_answers(db: Session) -> bool:
    """True when a trivial query goes through (for /healthz)."""
    try:
        db.exec(sa.text("SELECT 1"))  # type: ignore[call-overload]
        return True
    except sa.exc.SQLAlchemyError:
        db.rollback()
        return False
