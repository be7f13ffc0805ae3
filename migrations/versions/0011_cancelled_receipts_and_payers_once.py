"""cancelled receipts; a payer of several kinds of payee counted once

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 10:00:00

A reversed payment's receipt is marked cancelled (when, why, by which reversing record),
never deleted, so its number stays taken. Distinct payers were counted per kind of payee
and summed, so someone who paid a stall and a school counted twice: payer periods and payer
counts gain rows under the kind '*' (any payee), refilled here from the per-kind rows.
"""

import warnings
from collections.abc import Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

import market.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANY_PAYEE = "*"


@contextmanager
def receipts_batch():
    """Alter receipts (on SQLite, by rebuilding it). Its foreign keys make SQLAlchemy reflect
    the schools table, whose index on upper(account_number) it cannot reflect and says so;
    that index is left as it is, since only receipts is rebuilt."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index", sa.exc.SAWarning
        )
        with op.batch_alter_table("receipts", schema=None) as batch_op:
            yield batch_op


def upgrade() -> None:
    with receipts_batch() as batch_op:
        batch_op.add_column(
            sa.Column("cancelled_at", market.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("cancel_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column("reversal_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"))
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_receipts_reversal_id_payments"), "payments", ["reversal_id"], ["id"]
        )
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
    with receipts_batch() as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_receipts_reversal_id_payments"), type_="foreignkey")
        batch_op.drop_column("reversal_id")
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancelled_at")
