"""placard builds: a market's placard PDF drawn in the background, its progress polled

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 18:00:00

A market of 1,000 vendors takes tens of seconds to draw; the placards page starts a build,
shows its progress and then offers the file, instead of a tab that seems frozen.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import market.db

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "placard_builds",
        sa.Column("id", ID, nullable=False),
        sa.Column("market_id", ID, nullable=False),
        sa.Column("requested_by", ID, nullable=False),
        sa.Column("per_page", sa.Integer(), nullable=False),
        sa.Column("only_new", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", market.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", market.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('running', 'done', 'failed')", name=op.f("ck_placard_builds_status")
        ),
        sa.CheckConstraint("per_page IN (1, 2, 4)", name=op.f("ck_placard_builds_per_page")),
        sa.CheckConstraint(
            "done >= 0 AND done <= total", name=op.f("ck_placard_builds_done_within_total")
        ),
        sa.ForeignKeyConstraint(
            ["market_id"], ["markets.id"], name=op.f("fk_placard_builds_market_id_markets")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_placard_builds_requested_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placard_builds")),
    )
    op.create_index(
        op.f("ix_placard_builds_market_id"), "placard_builds", ["market_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_placard_builds_market_id"), table_name="placard_builds")
    op.drop_table("placard_builds")
