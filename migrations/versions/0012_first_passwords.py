"""a first password, set by an admin, must be changed at the first sign-in

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 00:00:00

An admin creates staff accounts and resets forgotten passwords from the People page; the
password the admin hands over works once: the next sign-in leads to a change-password page
before anything else. Existing accounts keep their passwords as they are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite too): the users table is not rebuilt.
    op.add_column(
        "users",
        sa.Column(
            "must_change_password", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("users", "must_change_password")
