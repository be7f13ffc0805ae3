"""roster files kept between their preview and their confirmation

Revision ID: 0018
Revises: 0012
Create Date: 2026-11-29 00:00:00

A school's class list is previewed (every bad row reported) before it is imported; the file
is kept here in between, so that the confirmation imports the very bytes previewed, whichever
process serves it. A kept file is dropped once imported, or after two hours.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import market.db

revision: str = "0018"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "roster_uploads",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("user_id", BIG_ID, nullable=False),
        sa.Column("scope", sa.String(length=60), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", market.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_roster_uploads_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_uploads")),
        sa.UniqueConstraint("token", name=op.f("uq_roster_uploads_token")),
    )
    op.create_index(op.f("ix_roster_uploads_user_id"), "roster_uploads", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_roster_uploads_user_id"), table_name="roster_uploads")
    op.drop_table("roster_uploads")
