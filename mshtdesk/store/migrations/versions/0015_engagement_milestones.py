"""engagement milestones: dated engagement of a victim with an investigation, on their link to it

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 14:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A new table only: no existing row is touched, so an upgrade is instant at any size. Rows are appended
# and withdrawn in place (``withdrawn_*``), never deleted: on a team server the application role gets
# SELECT, INSERT and UPDATE on it, not DELETE (``store/server_roles.py``).


def upgrade() -> None:
    op.create_table(
        "engagement_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("milestone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("milestone_date", sa.Date(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("withdrawn_by", sa.Integer(), nullable=True),
        sa.Column("withdraw_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["person_link.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["withdrawn_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("engagement_milestone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_engagement_milestone_link_id"), ["link_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("engagement_milestone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_engagement_milestone_link_id"))
    op.drop_table("engagement_milestone")
