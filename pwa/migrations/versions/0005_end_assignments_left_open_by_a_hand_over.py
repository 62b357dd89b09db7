"""end the assignments a hand-over left open

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 03:00:00

An assignment's assistant must belong to the centre that handles the family now (the
contracted organisation after a hand-over, else the referring centre). Until now a hand-over
left the old assistant's assignment open; this ends every such row, as the hand-over does
from now on. There is nothing to undo: the downgrade leaves them ended.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

assignments = sa.table(
    "assignment",
    sa.column("id", sa.Uuid()),
    sa.column("family_id", sa.Uuid()),
    sa.column("assistant_id", sa.Uuid()),
    sa.column("ended_at", sa.DateTime(timezone=True)),
)
families = sa.table(
    "family",
    sa.column("id", sa.Uuid()),
    sa.column("centre_id", sa.Uuid()),
    sa.column("handled_by_centre_id", sa.Uuid()),
)
users = sa.table("user", sa.column("id", sa.Uuid()), sa.column("centre_id", sa.Uuid()))


def upgrade() -> None:
    connection = op.get_bind()
    stale = connection.execute(
        sa.select(assignments.c.id)
        .join(families, families.c.id == assignments.c.family_id)
        .join(users, users.c.id == assignments.c.assistant_id)
        .where(
            assignments.c.ended_at.is_(None),
            users.c.centre_id
            != sa.func.coalesce(families.c.handled_by_centre_id, families.c.centre_id),
        )
    ).scalars().all()
    now = datetime.now(UTC)
    # The app stores UTC without a zone on SQLite (pwa.models.UTCDateTime).
    ended_at = now.replace(tzinfo=None) if connection.dialect.name == "sqlite" else now
    for assignment_id in stale:
        connection.execute(
            assignments.update()
            .where(assignments.c.id == assignment_id)
            .values(ended_at=ended_at)
        )


def downgrade() -> None:
    pass  # an ended assignment stays ended: reopening it would hand the old access back
