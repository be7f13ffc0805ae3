"""roster files kept between a preview and its confirmation

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 18:00:00

The roster import page shows a preview of an uploaded file, then imports it when the person
confirms. The confirmation reads the bytes kept here (by sha256 and user) rather than a
second upload, so the preview and the import agree exactly. Rows expire after an hour.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from market.db import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "roster_uploads",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("scope", sa.String(length=60), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("preview", sa.JSON(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_roster_uploads_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_uploads")),
        sa.UniqueConstraint(
            "user_id", "scope", "sha256", name=op.f("uq_roster_uploads_user_id_scope_sha256")
        ),
    )
    op.create_index(
        op.f("ix_roster_uploads_expires_at"), "roster_uploads", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_roster_uploads_expires_at"), table_name="roster_uploads")
    op.drop_table("roster_uploads")
