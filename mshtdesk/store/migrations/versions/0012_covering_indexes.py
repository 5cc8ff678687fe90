"""covering indexes for the as-at probes (the disposal table reads only indexes), each latest contact

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-03 18:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each index replaces the narrower one it starts with (every query that used the old one can use the
# new one). The arrest index carries what a period's arrests are counted by; the event index carries
# what the as-at probe tests and ranks by, so neither reads a table row: on an encrypted file whose
# rows arrived month by month, each row read is a page decrypted somewhere else in the file. The contact
# index finds each person's latest contact in force from its newest entry.


def upgrade() -> None:
    with op.batch_alter_table("arrest", schema=None) as batch_op:
        batch_op.create_index("ix_arrest_period", ["arrest_date", "district_id", "created_at"], unique=False)
        batch_op.drop_index("ix_arrest_arrest_date")
    with op.batch_alter_table("disposal_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_disposal_event_as_at",
            ["offence_id", "event_date", "disposal_type_id", "is_void", "recorded_at"],
            unique=False,
        )
        batch_op.drop_index("ix_disposal_event_offence_date")
    with op.batch_alter_table("vlo_contact", schema=None) as batch_op:
        batch_op.create_index(
            "ix_vlo_contact_person_latest", ["person_id", "contact_at", "is_void"], unique=False
        )
        batch_op.drop_index("ix_vlo_contact_person_id")


def downgrade() -> None:
    with op.batch_alter_table("vlo_contact", schema=None) as batch_op:
        batch_op.create_index("ix_vlo_contact_person_id", ["person_id"], unique=False)
        batch_op.drop_index("ix_vlo_contact_person_latest")
    with op.batch_alter_table("disposal_event", schema=None) as batch_op:
        batch_op.create_index("ix_disposal_event_offence_date", ["offence_id", "event_date"], unique=False)
        batch_op.drop_index("ix_disposal_event_as_at")
    with op.batch_alter_table("arrest", schema=None) as batch_op:
        batch_op.create_index("ix_arrest_arrest_date", ["arrest_date"], unique=False)
        batch_op.drop_index("ix_arrest_period")
