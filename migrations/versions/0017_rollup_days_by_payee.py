"""the day rollup by payee: whether a point was paid in its last 30 days is one index probe

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 00:00:00

Statistics count a point as active when it has a payment in the 30 days up to a day. With
the day rollup's key starting with the date, that meant reading every payee's rows of those
30 days; an index by payee and day lets each registered point be looked up on its own. It
holds key columns only, so a payment's update of its day row stays a HOT update.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_rollup_days_payee_day", "rollup_days", ["payee_type", "payee_id", "business_date"]
    )


def downgrade() -> None:
    op.drop_index("ix_rollup_days_payee_day", table_name="rollup_days")
