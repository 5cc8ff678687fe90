"""court outcomes: per offence, the outcome after charge and the sentence, appended like disposal events

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 14:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A new table only: no existing row is touched, so an upgrade is instant at any size. It is history like
# ``disposal_event`` (a correction is a new row that supersedes the old one, a withdrawal a superseding
# row marked ``is_void``), so on PostgreSQL the same trigger of 0011 refuses its UPDATE, DELETE and
# TRUNCATE, and ``server_roles.HISTORY`` grants the application role only SELECT and INSERT on it.


def upgrade() -> None:
    op.create_table(
        "court_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offence_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("outcome_date", sa.Date(), nullable=False),
        sa.Column("sentence_months", sa.Integer(), nullable=True),
        sa.Column("custodial", sa.Boolean(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("is_void", sa.Boolean(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_batch_id"], ["import_batch.id"]),
        sa.ForeignKeyConstraint(["offence_id"], ["offence.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["supersedes_id"], ["court_outcome.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("court_outcome", schema=None) as batch_op:
        batch_op.create_index(
            "ix_court_outcome_as_at",
            ["offence_id", "outcome_date", "is_void", "recorded_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_court_outcome_supersedes",
            ["supersedes_id"],
            unique=False,
            sqlite_where=sa.text("supersedes_id IS NOT NULL"),
            postgresql_where=sa.text("supersedes_id IS NOT NULL"),
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER court_outcome_kept BEFORE UPDATE OR DELETE ON court_outcome "
            "FOR EACH ROW EXECUTE FUNCTION mshtdesk_history_is_kept()"
        )
        op.execute(
            "CREATE TRIGGER court_outcome_not_truncated BEFORE TRUNCATE ON court_outcome "
            "FOR EACH STATEMENT EXECUTE FUNCTION mshtdesk_history_is_kept()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS court_outcome_not_truncated ON court_outcome")
        op.execute("DROP TRIGGER IF EXISTS court_outcome_kept ON court_outcome")
    with op.batch_alter_table("court_outcome", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_court_outcome_supersedes",
            sqlite_where=sa.text("supersedes_id IS NOT NULL"),
            postgresql_where=sa.text("supersedes_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_court_outcome_as_at")
    op.drop_table("court_outcome")
