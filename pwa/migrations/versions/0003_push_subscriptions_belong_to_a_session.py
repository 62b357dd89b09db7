"""push subscriptions belong to the session that made them

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 23:10:00

Signing out, ending a session from the list of sessions, a lost phone and a deactivation now
stop that device's reminders. Subscriptions made before this revision keep no session: they
stop with a lost phone or a deactivation (every device of the user), or when the browser drops
them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch mode: SQLite adds a foreign key only by copying the table.
    with op.batch_alter_table("pushsubscription") as batch_op:
        batch_op.add_column(sa.Column("session_id", sa.Uuid(), nullable=True))
        batch_op.create_index("ix_pushsubscription_session_id", ["session_id"])
        batch_op.create_foreign_key(
            "fk_pushsubscription_session_id_usersession", "usersession", ["session_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("pushsubscription") as batch_op:
        batch_op.drop_constraint("fk_pushsubscription_session_id_usersession", type_="foreignkey")
        batch_op.drop_index("ix_pushsubscription_session_id")
        batch_op.drop_column("session_id")
