"""team server: failed logins counted on the server, and the audit log and disposal history append-only there

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-03 18:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# On PostgreSQL the tables that are history (the audit log, disposal events and arrest corrections)
# refuse UPDATE, DELETE and TRUNCATE by trigger, whoever asks: the application role is also denied them
# by its grants (``mshtdesk server setup``), and the owner role only changes them by dropping a trigger,
# in a migration, visibly. SQLite keeps its audit triggers of 0002 (the app never rewrites the others).
HISTORY = ("audit_event", "disposal_event", "arrest_correction")


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("slot", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("slot"),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION mshtdesk_history_is_kept() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION '% is history: rows are added, never changed or removed', TG_TABLE_NAME "
        "USING ERRCODE = 'insufficient_privilege'; END $$"
    )
    for table in HISTORY:
        if table != "audit_event":  # 0002 already refuses its updates and deletes
            op.execute(
                f"CREATE TRIGGER {table}_kept BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION mshtdesk_history_is_kept()"
            )
        op.execute(
            f"CREATE TRIGGER {table}_not_truncated BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION mshtdesk_history_is_kept()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in HISTORY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_not_truncated ON {table}")
            if table != "audit_event":
                op.execute(f"DROP TRIGGER IF EXISTS {table}_kept ON {table}")
        op.execute("DROP FUNCTION IF EXISTS mshtdesk_history_is_kept()")
    op.drop_table("login_failure")
