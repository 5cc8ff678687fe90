"""referral awaiting: the NRM referrals with no decision in force, derived and kept in step by triggers

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 23:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mshtdesk.store import awaiting_decision

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A new table filled from the referrals and decisions in one statement (two index probes per referral:
# under a second at a million arrests' victims), then the triggers of ``store/awaiting_decision.py`` (on
# PostgreSQL their plpgsql functions) that keep it in step. No existing row is rewritten.


def upgrade() -> None:
    op.create_table(
        "referral_awaiting",
        sa.Column("referral_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("submitted_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("referral_id"),
    )
    conn = op.get_bind()
    awaiting_decision.DERIVED.rebuild(conn)
    awaiting_decision.DERIVED.install_triggers(conn)


def downgrade() -> None:
    conn = op.get_bind()
    awaiting_decision.DERIVED.uninstall_triggers(conn)
    op.drop_table("referral_awaiting")
