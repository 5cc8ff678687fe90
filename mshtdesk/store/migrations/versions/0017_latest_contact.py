"""latest contact: each person's latest contact in force, derived and kept in step by triggers

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 05:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from mshtdesk.store import latest_contact

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A new table filled from the contacts in one statement (one index probe per person: seconds at a
# million contacts), then the triggers of ``store/latest_contact.py`` (on PostgreSQL their plpgsql
# functions) that keep it in step. No existing row is rewritten.


def upgrade() -> None:
    op.create_table(
        "latest_contact",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("contact_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("next_contact_due", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("person_id"),
    )
    with op.batch_alter_table("latest_contact", schema=None) as batch_op:
        batch_op.create_index("ix_latest_contact_next_contact_due", ["next_contact_due"], unique=False)
    conn = op.get_bind()
    latest_contact.DERIVED.rebuild(conn)
    latest_contact.DERIVED.install_triggers(conn)


def downgrade() -> None:
    conn = op.get_bind()
    latest_contact.DERIVED.uninstall_triggers(conn)
    with op.batch_alter_table("latest_contact", schema=None) as batch_op:
        batch_op.drop_index("ix_latest_contact_next_contact_due")
    op.drop_table("latest_contact")
