"""retention: a review rule per kind of record, managers' keep and erase decisions, erased people

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-03 18:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Two new tables and one nullable column: no existing row is rewritten, so an upgrade is quick at any
# size. Every kind starts at the default (six years after the last activity: common police practice,
# not a period set by law); an administrator changes it with 'mshtdesk retention set'.
KINDS = ("person", "referral", "navigator_case", "stay", "contact", "arrest")
DEFAULT_YEARS = 6


def upgrade() -> None:
    rule = op.create_table(
        "retention_rule",
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("kind"),
    )
    now = datetime.now(UTC)
    op.bulk_insert(rule, [{"kind": k, "years": DEFAULT_YEARS, "updated_at": now} for k in KINDS])
    op.create_table(
        "retention_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["decided_by"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("retention_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_review_person_id"), ["person_id"], unique=False)
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("retention_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_review_person_id"))
    op.drop_table("retention_review")
    op.drop_table("retention_rule")
