"""arrest corrections: withdrawals and corrections of arrests and offences, appended with their time

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A new table only: no existing row is touched, so an upgrade is instant at any size.


def upgrade() -> None:
    op.create_table(
        "arrest_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("arrest_id", sa.Integer(), nullable=False),
        sa.Column("offence_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("arrest_date", sa.Date(), nullable=True),
        sa.Column("offence_type_id", sa.Integer(), nullable=True),
        sa.Column("offence_text", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["arrest_id"], ["arrest.id"]),
        sa.ForeignKeyConstraint(["district_id"], ["district.id"]),
        sa.ForeignKeyConstraint(["offence_id"], ["offence.id"]),
        sa.ForeignKeyConstraint(["offence_type_id"], ["offence_type.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("arrest_correction", schema=None) as batch_op:
        batch_op.create_index("ix_arrest_correction_arrest", ["arrest_id", "recorded_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_arrest_correction_offence_id"), ["offence_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("arrest_correction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_arrest_correction_offence_id"))
        batch_op.drop_index("ix_arrest_correction_arrest")
    op.drop_table("arrest_correction")
