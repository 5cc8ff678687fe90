"""person merges: a person merged into another keeps their row, marked with whom and by which event

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 18:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Two nullable columns (existing people are merged into nobody) and an index on the first, which every
# list of people filters on.


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("merge_event_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_person_merged_into", "person", ["merged_into_id"], ["id"])
        batch_op.create_index("ix_person_merged_into_id", ["merged_into_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_merged_into_id")
        batch_op.drop_constraint("fk_person_merged_into", type_="foreignkey")
        batch_op.drop_column("merge_event_id")
        batch_op.drop_column("merged_into_id")
