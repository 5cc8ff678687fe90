"""victim pathway

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 04:40:03.238438
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "haven_bed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("room", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("label"),
    )
    op.create_table(
        "haven_stay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("bed_id", sa.Integer(), nullable=False),
        sa.Column("admitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("discharged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("referring_district_id", sa.Integer(), nullable=True),
        sa.Column("operation", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("services", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("nrm_decision_at_reception", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("discharge_destination", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bed_id"],
            ["haven_bed.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["referring_district_id"],
            ["district.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("haven_stay", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_haven_stay_admitted_at"), ["admitted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_haven_stay_bed_id"), ["bed_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_haven_stay_discharged_at"), ["discharged_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_haven_stay_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            "ux_haven_stay_open_bed",
            ["bed_id"],
            unique=True,
            sqlite_where=sa.text("discharged_at IS NULL"),
            postgresql_where=sa.text("discharged_at IS NULL"),
        )

    op.create_table(
        "navigator_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("navigator_user_id", sa.Integer(), nullable=True),
        sa.Column("referral_date", sa.Date(), nullable=False),
        sa.Column("referral_source", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("support_plan_opened", sa.Date(), nullable=True),
        sa.Column("needs", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("engaged_at_start", sa.Boolean(), nullable=True),
        sa.Column("engaged_now", sa.Boolean(), nullable=True),
        sa.Column("engaged_at_charge", sa.Boolean(), nullable=True),
        sa.Column("statement_date", sa.Date(), nullable=True),
        sa.Column("attended_court", sa.Boolean(), nullable=True),
        sa.Column("gave_evidence", sa.Boolean(), nullable=True),
        sa.Column("repatriated", sa.Boolean(), nullable=True),
        sa.Column("closed_date", sa.Date(), nullable=True),
        sa.Column("closed_reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["navigator_user_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("navigator_case", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_navigator_case_navigator_user_id"), ["navigator_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_navigator_case_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_navigator_case_referral_date"), ["referral_date"], unique=False)

    op.create_table(
        "nrm_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_ref", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("route", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("consents", sa.Boolean(), nullable=True),
        sa.Column("cooperates", sa.Boolean(), nullable=True),
        sa.Column("first_responder", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("first_responder_org", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("submitted_date", sa.Date(), nullable=False),
        sa.Column("age_at_referral", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("age_at_exploitation", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("exploitation", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("exploitation_label", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("sub_types", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("exploitation_location", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("crime_ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("no_crime_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("operation", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["district.id"],
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batch.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("referral_ref"),
    )
    with op.batch_alter_table("nrm_referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nrm_referral_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nrm_referral_submitted_date"), ["submitted_date"], unique=False)

    op.create_table(
        "vlo_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("vlo_user_id", sa.Integer(), nullable=True),
        sa.Column("contact_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("interpreter_language", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("decision_notified", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("notification_due", sa.Date(), nullable=True),
        sa.Column("notified_on_time", sa.Boolean(), nullable=True),
        sa.Column("safeguarding_concern", sa.Boolean(), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("next_contact_due", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["vlo_user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("vlo_contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vlo_contact_contact_at"), ["contact_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_vlo_contact_next_contact_due"), ["next_contact_due"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_vlo_contact_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vlo_contact_vlo_user_id"), ["vlo_user_id"], unique=False)

    op.create_table(
        "nrm_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("is_void", sa.Boolean(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batch.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["nrm_referral.id"],
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["nrm_decision.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("nrm_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nrm_decision_decided_on"), ["decided_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_nrm_decision_referral_id"), ["referral_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nrm_decision_supersedes_id"), ["supersedes_id"], unique=False)

    # Import batches now come from two importers; NRM batches count referrals and decisions.
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind", sqlmodel.sql.sqltypes.AutoString(length=16), server_default="custody", nullable=False
            )
        )
        batch_op.add_column(sa.Column("referrals_added", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("decisions_added", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_column("decisions_added")
        batch_op.drop_column("referrals_added")
        batch_op.drop_column("kind")
    with op.batch_alter_table("nrm_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nrm_decision_supersedes_id"))
        batch_op.drop_index(batch_op.f("ix_nrm_decision_referral_id"))
        batch_op.drop_index(batch_op.f("ix_nrm_decision_decided_on"))

    op.drop_table("nrm_decision")
    with op.batch_alter_table("vlo_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vlo_contact_vlo_user_id"))
        batch_op.drop_index(batch_op.f("ix_vlo_contact_person_id"))
        batch_op.drop_index(batch_op.f("ix_vlo_contact_next_contact_due"))
        batch_op.drop_index(batch_op.f("ix_vlo_contact_contact_at"))

    op.drop_table("vlo_contact")
    with op.batch_alter_table("nrm_referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nrm_referral_submitted_date"))
        batch_op.drop_index(batch_op.f("ix_nrm_referral_person_id"))

    op.drop_table("nrm_referral")
    with op.batch_alter_table("navigator_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_navigator_case_referral_date"))
        batch_op.drop_index(batch_op.f("ix_navigator_case_person_id"))
        batch_op.drop_index(batch_op.f("ix_navigator_case_navigator_user_id"))

    op.drop_table("navigator_case")
    with op.batch_alter_table("haven_stay", schema=None) as batch_op:
        batch_op.drop_index("ux_haven_stay_open_bed")
        batch_op.drop_index(batch_op.f("ix_haven_stay_person_id"))
        batch_op.drop_index(batch_op.f("ix_haven_stay_discharged_at"))
        batch_op.drop_index(batch_op.f("ix_haven_stay_bed_id"))
        batch_op.drop_index(batch_op.f("ix_haven_stay_admitted_at"))

    op.drop_table("haven_stay")
    op.drop_table("haven_bed")
    op.drop_table("calendar_day")
