"""people

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:29:33.975244
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_ref", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("surname", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("forenames", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("aliases", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("estimated_age", sa.Integer(), nullable=True),
        sa.Column("gender", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("nationality", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("second_nationality", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("first_language", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("interpreter_language", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("contact_details", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("facts", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("assessments", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("vlo_user_id", sa.Integer(), nullable=True),
        sa.Column("opted_out_of_updates", sa.Boolean(), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vlo_user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_ref"),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_vlo_user_id"), ["vlo_user_id"], unique=False)

    op.create_table(
        "person_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("arrest_id", sa.Integer(), nullable=True),
        sa.Column("operation", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["arrest_id"],
            ["arrest.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("person_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_link_arrest_id"), ["arrest_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_link_person_id"), ["person_id"], unique=False)

    op.create_table(
        "person_support",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("person_id", "user_id"),
    )
    with op.batch_alter_table("person_support", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_support_user_id"), ["user_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("person_support", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_support_user_id"))

    op.drop_table("person_support")
    with op.batch_alter_table("person_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_link_person_id"))
        batch_op.drop_index(batch_op.f("ix_person_link_arrest_id"))

    op.drop_table("person_link")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_vlo_user_id"))

    op.drop_table("person")
