"""a vendor's phone signs in by a one-time link and stays signed in as a device

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 00:00:00

The market board hands a vendor a one-time sign-in link (a QR on a card): opening it and
confirming signs the phone in for 90 days. The link is stored hashed and works once; the
login session it starts is a device the board sees (its browser, when it was last seen) and
can sign out. Staff sessions keep no expiry and no device columns (all nullable).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import market.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = market.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    # Plain ADD COLUMNs (SQLite too): the login_sessions table is not rebuilt.
    op.add_column("login_sessions", sa.Column("expires_at", WHEN, nullable=True))
    op.add_column("login_sessions", sa.Column("last_seen_at", WHEN, nullable=True))
    op.add_column("login_sessions", sa.Column("user_agent", sa.String(300), nullable=True))
    op.create_table(
        "login_links",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("vendor_id", BIG_ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN, nullable=True),
        sa.Column("created_by", BIG_ID, nullable=True),
        sa.Column("session_id", BIG_ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendors.id"], name=op.f("fk_login_links_vendor_id_vendors")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_login_links_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["login_sessions.id"],
            name=op.f("fk_login_links_session_id_login_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_links_token_hash")),
    )
    op.create_index(op.f("ix_login_links_vendor_id"), "login_links", ["vendor_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_login_links_vendor_id"), table_name="login_links")
    op.drop_table("login_links")
    op.drop_column("login_sessions", "user_agent")
    op.drop_column("login_sessions", "last_seen_at")
    op.drop_column("login_sessions", "expires_at")
