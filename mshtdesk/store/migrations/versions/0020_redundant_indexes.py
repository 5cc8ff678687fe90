"""redundant indexes: three single-column indexes that a wider index already leads with are dropped

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 02:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each of these indexes is the first column of a wider one, which answers every lookup it answered:
# * ``offence (arrest_id)``: the unique ``(arrest_id, offence_ref)``;
# * ``nrm_referral (submitted_date)``: ``ix_nrm_referral_report (submitted_date, route, ...)``;
# * ``nrm_decision (referral_id)``: ``ix_nrm_decision_report (referral_id, decided_on, ...)``.
# Every import paid to keep them: measured at 100,000 rows, the NRM import's referral and decision
# inserts took 0.3 and 0.2 s less without the two NRM ones, the custody import's offences about 0.1 s.
# Dropping an index rewrites no row (and drops no trigger).
DROPPED = (
    ("ix_offence_arrest_id", "offence", ["arrest_id"]),
    ("ix_nrm_referral_submitted_date", "nrm_referral", ["submitted_date"]),
    ("ix_nrm_decision_referral_id", "nrm_decision", ["referral_id"]),
)


def upgrade() -> None:
    for name, table, _ in DROPPED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, columns in DROPPED:
        op.create_index(name, table, columns, unique=False)
