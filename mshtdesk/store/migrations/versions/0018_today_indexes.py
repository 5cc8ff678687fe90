"""today and list indexes: Today's three whole-register questions answered from indexes alone; the
people and Navigator lists' first pages read in order from an index

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 09:10:00.000000
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Measured at 100,000 arrests (50,000 victims, 795,000 contacts) on the encrypted file, cold:
# * referrals awaiting an RG decision read each referral's row (route, person, reference) after the
#   date index: a covering index of those columns, 89 -> 34 ms;
# * victims never contacted read every person's row: a partial covering index of the people not merged
#   away, 46 -> 17 ms. The full index on the mostly-NULL ``merged_into_id`` becomes partial (as 0016 did
#   for others): with ANALYZE's statistics SQLite chose it for "IS NULL", a table probe per person;
# * decisions not yet told read every contact of each victim for its purpose and decision date: a partial
#   index of decision notifications, 114 -> 53 ms.
# * the people list's first page sorted every person by name: a partial index by name, 78 -> 5 ms;
# * the Navigator list's first page scanned every person to join their cases, then sorted: with
#   statistics SQLite reads the cases in referral-date order instead, 58 -> 11 ms.
# Index builds only: no row is rewritten and no table copied (so no trigger is lost).

TOLD = "purpose = 'decision-notification'"
ANALYZED = ("person", "nrm_referral", "navigator_case")


def upgrade() -> None:
    op.create_index(
        "ix_nrm_referral_route_submitted",
        "nrm_referral",
        ["route", "submitted_date", "person_id", "referral_ref"],
        unique=False,
    )
    op.create_index(
        "ix_person_open_vlo",
        "person",
        ["vlo_user_id", "updated_at", "merged_into_id"],
        unique=False,
        sqlite_where=text("merged_into_id IS NULL"),
        postgresql_where=text("merged_into_id IS NULL"),
    )
    op.create_index(
        "ix_person_merged_into",
        "person",
        ["merged_into_id"],
        unique=False,
        sqlite_where=text("merged_into_id IS NOT NULL"),
        postgresql_where=text("merged_into_id IS NOT NULL"),
    )
    op.drop_index("ix_person_merged_into_id", table_name="person")
    op.create_index(
        "ix_vlo_contact_told",
        "vlo_contact",
        ["person_id", "decision_date", "is_void"],
        unique=False,
        sqlite_where=text(TOLD),
        postgresql_where=text(TOLD),
    )
    op.create_index(
        "ix_person_name",
        "person",
        ["surname", "forenames"],
        unique=False,
        sqlite_where=text("merged_into_id IS NULL"),
        postgresql_where=text("merged_into_id IS NULL"),
    )
    for table in ANALYZED:
        op.get_bind().execute(text(f"ANALYZE {table}"))


def downgrade() -> None:
    op.drop_index("ix_person_name", table_name="person")
    op.drop_index("ix_vlo_contact_told", table_name="vlo_contact")
    op.create_index("ix_person_merged_into_id", "person", ["merged_into_id"], unique=False)
    op.drop_index("ix_person_merged_into", table_name="person")
    op.drop_index("ix_person_open_vlo", table_name="person")
    op.drop_index("ix_nrm_referral_route_submitted", table_name="nrm_referral")
