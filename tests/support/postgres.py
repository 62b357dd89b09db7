"""Watching PostgreSQL from a race test: is a statement of the app blocked on a row lock?"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def waiting_on_a_lock(engine: Engine, query_like: str) -> bool:
    """Whether a session of this database waits for a lock while running a statement that
    matches `query_like` (an ILIKE pattern, e.g. "INSERT INTO visit %")."""
    with engine.connect() as connection:
        return bool(
            connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query ILIKE :query_like"
                ),
                {"query_like": query_like},
            ).scalar()
        )
