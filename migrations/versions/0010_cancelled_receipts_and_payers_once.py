"""a payer of several kinds of payee counted once

Revision ID: 0010
Revises: 0007
Create Date: 2026-11-28 10:00:00

Distinct payers were counted per kind of payee and summed, so someone who paid a stall and
a school counted twice: payer periods and payer counts gain rows under the kind '*' (any
payee), refilled here from the per-kind rows.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANY_PAYEE = "*"


def upgrade() -> None:
    op.execute(
        "INSERT INTO payer_periods (period, payee_type, payer_hash, payments)"
        f" SELECT period, '{ANY_PAYEE}', payer_hash, sum(payments) FROM payer_periods"
        f" WHERE payee_type <> '{ANY_PAYEE}'"
        " GROUP BY period, payer_hash HAVING sum(payments) > 0"
    )
    op.execute(
        "INSERT INTO payer_counts (period, payee_type, shard, payers)"
        f" SELECT period, '{ANY_PAYEE}', substr(payer_hash, 1, 1), count(*) FROM payer_periods"
        f" WHERE payee_type = '{ANY_PAYEE}' AND payments > 0"
        " GROUP BY period, substr(payer_hash, 1, 1)"
    )


def downgrade() -> None:
    op.execute(f"DELETE FROM payer_counts WHERE payee_type = '{ANY_PAYEE}'")
    op.execute(f"DELETE FROM payer_periods WHERE payee_type = '{ANY_PAYEE}'")
