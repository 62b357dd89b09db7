"""indexes for the home pages

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 20:30:00

EXPLAIN ANALYZE on the city data set (bench/, PostgreSQL 15): the assistant's visits of the
month went from a BitmapAnd of two indexes (3.5 ms) to one range scan (0.2 ms); the last
assessment of each active family from a heap scan per family (22 ms for the coordinator's
home) to a backward index probe (8 ms).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_visit_author_id_visit_date", "visit", ["author_id", "visit_date"])
    op.create_index(
        "ix_assessment_family_id_assessed_on", "assessment", ["family_id", "assessed_on"]
    )


def downgrade() -> None:
    op.drop_index("ix_assessment_family_id_assessed_on", table_name="assessment")
    op.drop_index("ix_visit_author_id_visit_date", table_name="visit")
