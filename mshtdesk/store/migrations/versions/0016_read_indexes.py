"""read indexes: the disposal table from indexes alone with the stored current rank; events by date and
by the moment they were recorded (whether the stored rank still answers a table); statistics

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 14:40:00.000000
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# ``ix_arrest_period_rank`` replaces ``ix_arrest_period`` (it starts with the same columns, so every
# query that used the old one can use it) and carries ``current_rank``: a table as at today reads each
# arrest's disposal from the index instead of probing its offences' events, which on an encrypted file
# whose rows arrived month by month is a page decrypted per offence. The two event indexes answer, in
# one probe each, whether any event is dated after a table's as-at day or recorded after its moment:
# when none is, the stored rank is the answer. The indexes on mostly-NULL columns probed by equality
# become partial (as the event and contact ones already are): ANALYZE (here, and the imports' PRAGMA
# optimize) counts a full index's NULLs as one value matching every row, after which SQLite scans the
# table for each probe. The contact index carries the next contact due, so Today and the overdue filter
# find each person's latest due date from the index alone. ANALYZE gives the planner the sizes it chooses
# by, for the tables named below.


#: The register's tables, whose plans were checked with statistics. Not the contacts: with statistics
#: SQLite skip-scans ``ix_vlo_contact_person_due`` for the COM's period of contacts (reading each row)
#: instead of the covering ``ix_vlo_contact_report``: 0.3 s against 0.1 s at 160,000 contacts.
ANALYZED = ("arrest", "offence", "disposal_event", "arrest_correction", "nrm_referral", "nrm_decision")


def upgrade() -> None:
    with op.batch_alter_table("arrest", schema=None) as batch_op:
        batch_op.create_index(
            "ix_arrest_period_rank",
            ["arrest_date", "district_id", "created_at", "current_rank"],
            unique=False,
        )
        batch_op.drop_index("ix_arrest_period")
    with op.batch_alter_table("disposal_event", schema=None) as batch_op:
        batch_op.create_index("ix_disposal_event_event_date", ["event_date"], unique=False)
        batch_op.create_index("ix_disposal_event_recorded_at", ["recorded_at"], unique=False)
    with op.batch_alter_table("nrm_decision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_nrm_decision_supersedes",
            ["supersedes_id"],
            unique=False,
            sqlite_where=text("supersedes_id IS NOT NULL"),
            postgresql_where=text("supersedes_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_nrm_decision_supersedes_id")
    with op.batch_alter_table("arrest_correction", schema=None) as batch_op:
        batch_op.create_index(
            "ix_arrest_correction_offence",
            ["offence_id"],
            unique=False,
            sqlite_where=text("offence_id IS NOT NULL"),
            postgresql_where=text("offence_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_arrest_correction_offence_id")
    with op.batch_alter_table("vlo_contact", schema=None) as batch_op:
        batch_op.create_index(
            "ix_vlo_contact_person_due",
            ["person_id", "contact_at", "is_void", "next_contact_due"],
            unique=False,
        )
        batch_op.drop_index("ix_vlo_contact_person_latest")
    for table in ANALYZED:
        op.get_bind().execute(text(f"ANALYZE {table}"))


def downgrade() -> None:
    with op.batch_alter_table("vlo_contact", schema=None) as batch_op:
        batch_op.create_index(
            "ix_vlo_contact_person_latest", ["person_id", "contact_at", "is_void"], unique=False
        )
        batch_op.drop_index("ix_vlo_contact_person_due")
    with op.batch_alter_table("arrest_correction", schema=None) as batch_op:
        batch_op.create_index("ix_arrest_correction_offence_id", ["offence_id"], unique=False)
        batch_op.drop_index("ix_arrest_correction_offence")
    with op.batch_alter_table("nrm_decision", schema=None) as batch_op:
        batch_op.create_index("ix_nrm_decision_supersedes_id", ["supersedes_id"], unique=False)
        batch_op.drop_index("ix_nrm_decision_supersedes")
    with op.batch_alter_table("disposal_event", schema=None) as batch_op:
        batch_op.drop_index("ix_disposal_event_recorded_at")
        batch_op.drop_index("ix_disposal_event_event_date")
    with op.batch_alter_table("arrest", schema=None) as batch_op:
        batch_op.create_index("ix_arrest_period", ["arrest_date", "district_id", "created_at"], unique=False)
        batch_op.drop_index("ix_arrest_period_rank")
