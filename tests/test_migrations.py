"""Alembic migrations from empty give exactly the models, and round-trip down and up."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, col, select

from pwa.cli import alembic_config
from pwa.db import make_engine
from pwa.models import Assignment, CaseStatus, Role
from tests.conftest import POSTGRES_URL
from tests.support.factories.core import make_centre, make_family, make_user


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, on the backend under test."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server = make_url(POSTGRES_URL)
    name = f"asysta_migr_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return list(diff)


def test_upgrade_from_empty_matches_the_models(empty_database_url: str):
    command.upgrade(alembic_config(empty_database_url), "head")
    assert _differences(empty_database_url) == []


def test_downgrade_and_upgrade_round_trip(empty_database_url: str):
    config = alembic_config(empty_database_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = make_engine(empty_database_url)
    remaining = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert remaining == set()
    command.upgrade(config, "head")
    assert _differences(empty_database_url) == []


def test_0004_moves_the_end_reason_out_of_the_event_text_and_back(empty_database_url: str):
    config = alembic_config(empty_database_url)
    command.upgrade(config, "0003")
    engine = make_engine(empty_database_url)
    with Session(engine) as db:  # centre and family are the same at 0003 and now
        family_id = make_family(db, make_centre(db), status=CaseStatus.ended).id
        db.commit()
    events = {
        "goals": ("ended", "goals_met: Rodzina radzi sobie sama."),
        "moved": ("ended", "moved_away"),
        "words": ("ended", "Zakończono: bez kodu."),
        "referred": ("referred", "other: zgłoszenie"),
    }
    ids = {name: uuid.uuid4() for name in events}
    table = sa.table(
        "caseevent",
        *(sa.column(name, sa.Uuid()) for name in ("id", "family_id")),
        sa.column("at", sa.DateTime()),
        sa.column("on_date", sa.Date()),
        *(sa.column(name, sa.String()) for name in ("to_status", "reason", "end_reason")),
    )
    with engine.begin() as connection:
        for name, (to_status, reason) in events.items():
            connection.execute(
                table.insert().values(
                    id=ids[name], family_id=family_id, at=datetime(2026, 11, 23, 12),
                    on_date=date(2026, 11, 23), to_status=to_status, reason=reason,
                )
            )  # fmt: skip

    def rows(*names: str) -> dict[str, tuple[object, ...]]:
        with engine.connect() as connection:
            found = connection.execute(sa.select(table.c.id, *(table.c[n] for n in names))).all()
        by_id = {row[0]: tuple(row[1:]) for row in found}
        return {name: by_id[ids[name]] for name in ids}

    before = rows("reason")
    command.upgrade(config, "0004")
    assert rows("end_reason", "reason") == {
        "goals": ("goals_met", "Rodzina radzi sobie sama."),
        "moved": ("moved_away", ""),
        "words": (None, "Zakończono: bez kodu."),
        "referred": (None, "other: zgłoszenie"),
    }
    command.downgrade(config, "0003")
    assert rows("reason") == before
    engine.dispose()


def test_0005_ends_the_assignments_of_assistants_outside_the_centre_handling_the_family(
    empty_database_url: str,
):
    config = alembic_config(empty_database_url)
    command.upgrade(config, "0004")
    engine = make_engine(empty_database_url)
    with Session(engine) as db:  # the tables are the same at 0004 and now
        mops = make_centre(db)
        ccwr = make_centre(db, parent_centre_id=mops.id)
        marek = make_user(db, mops, Role.assistant)
        ola = make_user(db, ccwr, Role.assistant)
        handed_over = make_family(db, mops, assistant=marek, handled_by_centre_id=ccwr.id)
        kept = make_family(db, mops, assistant=marek)
        organisations = make_family(db, mops, assistant=ola, handled_by_centre_id=ccwr.id)
        ids = {"handed_over": handed_over.id, "kept": kept.id, "organisations": organisations.id}
        db.commit()
    command.upgrade(config, "0005")
    with Session(engine) as db:
        open_rows = {
            name: db.exec(
                select(Assignment).where(
                    Assignment.family_id == family_id, col(Assignment.ended_at).is_(None)
                )
            ).first()
            is not None
            for name, family_id in ids.items()
        }
    assert open_rows == {"handed_over": False, "kept": True, "organisations": True}
    command.downgrade(config, "0004")  # nothing to undo: the access stays ended
    engine.dispose()
