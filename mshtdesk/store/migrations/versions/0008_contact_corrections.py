"""contact corrections: a VLO contact superseded by a correction or a withdrawal, with its reason

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Three columns with defaults (existing contacts are live, uncorrected) and two indexes; the report's
# covering index gains ``is_void`` so the COM summary still reads no row.


def upgrade() -> None:
    with op.batch_alter_table("vlo_contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supersedes_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("is_void", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column(
                "reason", sqlmodel.sql.sqltypes.AutoString(length=2000), server_default="", nullable=False
            )
        )
        batch_op.create_foreign_key("fk_vlo_contact_supersedes", "vlo_contact", ["supersedes_id"], ["id"])
        batch_op.create_index(
            "ix_vlo_contact_supersedes",
            ["supersedes_id"],
            unique=False,
            sqlite_where=sa.text("supersedes_id IS NOT NULL"),
            postgresql_where=sa.text("supersedes_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_vlo_contact_report")
        batch_op.create_index(
            "ix_vlo_contact_report",
            ["contact_at", "purpose", "person_id", "notified_on_time", "safeguarding_concern", "is_void"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("vlo_contact", schema=None) as batch_op:
        batch_op.drop_index("ix_vlo_contact_report")
        batch_op.create_index(
            "ix_vlo_contact_report",
            ["contact_at", "purpose", "person_id", "notified_on_time", "safeguarding_concern"],
            unique=False,
        )
        batch_op.drop_index("ix_vlo_contact_supersedes")
        batch_op.drop_constraint("fk_vlo_contact_supersedes", type_="foreignkey")
        batch_op.drop_column("reason")
        batch_op.drop_column("is_void")
        batch_op.drop_column("supersedes_id")
