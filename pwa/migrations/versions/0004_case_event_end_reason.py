"""the end reason of a case event in its own column

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 00:30:00

Until now an end of work kept its reason's code at the front of the event's text
("goals_met: Rodzina radzi sobie sama."); the reports and the timeline parsed it back. The
code moves to `caseevent.end_reason` and the text keeps only the words given; the downgrade
packs them together again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

END_REASONS = ("goals_met", "consent_withdrawn", "moved_away", "refused_at_first_contact", "other")
LENGTH = max(len(reason) for reason in END_REASONS)

events = sa.table(
    "caseevent",
    sa.column("id", sa.Uuid()),
    sa.column("to_status", sa.String()),
    sa.column("reason", sa.Text()),
    sa.column("end_reason", sa.String(LENGTH)),
)


def upgrade() -> None:
    column = sa.Enum(*END_REASONS, name="endreason", native_enum=False)
    op.add_column("caseevent", sa.Column("end_reason", column, nullable=True))
    connection = op.get_bind()
    ended = connection.execute(
        sa.select(events.c.id, events.c.reason).where(events.c.to_status == "ended")
    ).all()
    for event_id, text in ended:
        code, _sep, words = text.partition(": ")
        if code in END_REASONS:
            connection.execute(
                events.update()
                .where(events.c.id == event_id)
                .values(end_reason=code, reason=words)
            )


def downgrade() -> None:
    connection = op.get_bind()
    coded = connection.execute(
        sa.select(events.c.id, events.c.reason, events.c.end_reason).where(
            events.c.end_reason.is_not(None)
        )
    ).all()
    for event_id, words, code in coded:
        text = f"{code}: {words}" if words else code
        connection.execute(events.update().where(events.c.id == event_id).values(reason=text))
    with op.batch_alter_table("caseevent") as batch_op:
        batch_op.drop_column("end_reason")
