"""report runs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 04:46:55.488520
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("classification", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("output_format", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=260), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("parameters", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("report_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_run_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_run_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_run_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("vlo_contact", schema=None) as batch_op:
        batch_op.create_index(
            "ix_vlo_contact_report",
            ["contact_at", "purpose", "person_id", "notified_on_time", "safeguarding_concern"],
            unique=False,
        )

    with op.batch_alter_table("nrm_referral", schema=None) as batch_op:
        batch_op.create_index(
            "ix_nrm_referral_report",
            [
                "submitted_date",
                "route",
                "age_at_exploitation",
                "exploitation_label",
                "crime_ref",
                "person_id",
            ],
            unique=False,
        )

    with op.batch_alter_table("nrm_decision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_nrm_decision_report",
            ["referral_id", "decided_on", "kind", "outcome", "supersedes_id", "is_void"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("nrm_decision", schema=None) as batch_op:
        batch_op.drop_index("ix_nrm_decision_report")

    with op.batch_alter_table("nrm_referral", schema=None) as batch_op:
        batch_op.drop_index("ix_nrm_referral_report")

    with op.batch_alter_table("vlo_contact", schema=None) as batch_op:
        batch_op.drop_index("ix_vlo_contact_report")

    with op.batch_alter_table("report_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_run_user_id"))
        batch_op.drop_index(batch_op.f("ix_report_run_sha256"))
        batch_op.drop_index(batch_op.f("ix_report_run_created_at"))

    op.drop_table("report_run")
