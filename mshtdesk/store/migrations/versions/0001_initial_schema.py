"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:18:39.716013
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disposal_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "district",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=260), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("arrests_added", sa.Integer(), nullable=False),
        sa.Column("offences_added", sa.Integer(), nullable=False),
        sa.Column("events_added", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_sha256"), ["sha256"], unique=False)

    op.create_table(
        "offence_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("legislation", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("section", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("is_msa", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "setting",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "arrest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("custody_ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("arrest_date", sa.Date(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("detainee_ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("operation", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("current_rank", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["district.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("custody_ref"),
    )
    with op.batch_alter_table("arrest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_arrest_arrest_date"), ["arrest_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_arrest_current_rank"), ["current_rank"], unique=False)
        batch_op.create_index(batch_op.f("ix_arrest_detainee_ref"), ["detainee_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_arrest_district_id"), ["district_id"], unique=False)

    op.create_table(
        "offence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("arrest_id", sa.Integer(), nullable=False),
        sa.Column("offence_ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("offence_type_id", sa.Integer(), nullable=False),
        sa.Column("offence_text", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["arrest_id"],
            ["arrest.id"],
        ),
        sa.ForeignKeyConstraint(
            ["offence_type_id"],
            ["offence_type.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("arrest_id", "offence_ref", name="uq_offence_arrest_ref"),
    )
    with op.batch_alter_table("offence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offence_arrest_id"), ["arrest_id"], unique=False)

    op.create_table(
        "disposal_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offence_id", sa.Integer(), nullable=False),
        sa.Column("disposal_type_id", sa.Integer(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("is_void", sa.Boolean(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["disposal_type_id"],
            ["disposal_type.id"],
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batch.id"],
        ),
        sa.ForeignKeyConstraint(
            ["offence_id"],
            ["offence.id"],
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["disposal_event.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("disposal_event", schema=None) as batch_op:
        batch_op.create_index("ix_disposal_event_offence_date", ["offence_id", "event_date"], unique=False)
        batch_op.create_index(
            "ix_disposal_event_supersedes",
            ["supersedes_id"],
            unique=False,
            sqlite_where=sa.text("supersedes_id IS NOT NULL"),
            postgresql_where=sa.text("supersedes_id IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("disposal_event", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_disposal_event_supersedes",
            sqlite_where=sa.text("supersedes_id IS NOT NULL"),
            postgresql_where=sa.text("supersedes_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_disposal_event_offence_date")

    op.drop_table("disposal_event")
    with op.batch_alter_table("offence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offence_arrest_id"))

    op.drop_table("offence")
    with op.batch_alter_table("arrest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_arrest_district_id"))
        batch_op.drop_index(batch_op.f("ix_arrest_detainee_ref"))
        batch_op.drop_index(batch_op.f("ix_arrest_current_rank"))
        batch_op.drop_index(batch_op.f("ix_arrest_arrest_date"))

    op.drop_table("arrest")
    op.drop_table("setting")
    op.drop_table("offence_type")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_sha256"))

    op.drop_table("import_batch")
    op.drop_table("district")
    op.drop_table("disposal_type")
