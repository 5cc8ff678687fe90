"""signed audit log: signing keys of users, signer and signature of audit events

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Columns are only added (ALTER TABLE ... ADD COLUMN even in batch mode), so the audit log's
# append-only triggers stay in place and no row is copied. Existing events keep empty signatures:
# ``audit verify`` counts them as written before signing began.


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "signing_key", sqlmodel.sql.sqltypes.AutoString(length=44), server_default="", nullable=False
            )
        )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signer_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "signature", sqlmodel.sql.sqltypes.AutoString(length=88), server_default="", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "bound_key", sqlmodel.sql.sqltypes.AutoString(length=44), server_default="", nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("bound_key")
        batch_op.drop_column("signature")
        batch_op.drop_column("signer_id")
    if op.get_bind().dialect.name == "sqlite":
        # Dropping columns copies the table on SQLite, which drops its triggers: the log stays append-only.
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("signing_key")
