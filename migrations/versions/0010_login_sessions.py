"""login sessions kept on the server, so that logging out ends them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 00:00:00

The staff login cookie used to carry the user's id, signed: it stayed valid after logout,
a new password or deactivation. It now carries a random key whose hash is a row here; ending
the row ends the session. Cookies issued before this migration sign nobody in any more.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import market.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "login_sessions",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("user_id", BIG_ID, nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", market.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", market.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_login_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_login_sessions_key_hash")),
    )
    op.create_index(op.f("ix_login_sessions_user_id"), "login_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_login_sessions_user_id"), table_name="login_sessions")
    op.drop_table("login_sessions")
