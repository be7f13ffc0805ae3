"""leaner payment writes: partial payment indexes, sharded counters, longer transaction ids

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 00:20:00

Every payment used to add an entry to eight indexes, and every payment of the province
updated the same counter rows. Indexes that only a few payments belong in (reversals,
unmatched payments, payments of an invoice) become partial; the payer-hash index, which no
query uses, goes. Payer counts and bank months gain a shard column; both tables are refilled
from what they summarise. Provider transaction ids may be 128 characters, as the API says.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARDS = 16


def _where(condition: str) -> dict:
    return {"postgresql_where": sa.text(condition), "sqlite_where": sa.text(condition)}


def _month(column: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS DATE)"
    return f"date({column}, 'start of month')"


def _counter_tables(sharded: bool) -> None:
    shard = [sa.Column("shard", sa.String(length=1), nullable=False)] if sharded else []
    bank_shard = [sa.Column("shard", sa.Integer(), nullable=False)] if sharded else []
    keys = ["shard"] if sharded else []
    op.create_table(
        "payer_counts",
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("payee_type", sa.String(length=20), nullable=False),
        *shard,
        sa.Column("payers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period", "payee_type", *keys, name=op.f("pk_payer_counts")),
    )
    op.create_table(
        "bank_months",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("payer_bin", sa.String(length=6), nullable=False),
        *bank_shard,
        sa.Column("payment_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "payer_bin", *keys, name=op.f("pk_bank_months")),
    )
    shard_of_payer = "substr(payer_hash, 1, 1)" if sharded else None
    op.execute(
        "INSERT INTO payer_counts (period, payee_type, "
        + ("shard, " if sharded else "")
        + "payers) SELECT period, payee_type, "
        + (f"{shard_of_payer}, " if sharded else "")
        + "count(*) FROM payer_periods WHERE payments > 0 GROUP BY period, payee_type"
        + (f", {shard_of_payer}" if sharded else "")
    )
    month = _month("p.business_date")
    shard_of_payee = f"p.payee_id % {SHARDS}"
    op.execute(
        "INSERT INTO bank_months (month, payer_bin, "
        + ("shard, " if sharded else "")
        + f"payment_count) SELECT {month}, p.payer_bin, "
        + (f"{shard_of_payee}, " if sharded else "")
        + "count(*) FROM payments p"
        " WHERE p.kind = 'payment' AND p.payee_type IS NOT NULL AND p.payer_bin IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM payments r WHERE r.reverses_id = p.id)"
        f" GROUP BY {month}, p.payer_bin" + (f", {shard_of_payee}" if sharded else "")
    )


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_constraint("uq_payments_reverses_id", type_="unique")
        batch_op.drop_index("ix_payments_match_status")
        batch_op.drop_index("ix_payments_target")
        batch_op.drop_index("ix_payments_payer_hash")
        batch_op.alter_column(
            "provider_txn_id", type_=sa.String(length=128), existing_type=sa.String(length=100)
        )
        batch_op.create_index(
            "uq_payments_reverses_id",
            ["reverses_id"],
            unique=True,
            **_where("reverses_id IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_payments_unmatched", ["match_status"], **_where("match_status = 'unmatched'")
        )
        batch_op.create_index(
            "ix_payments_target", ["target_type", "target_id"], **_where("target_id IS NOT NULL")
        )
    with op.batch_alter_table("reconciliation_lines", schema=None) as batch_op:
        batch_op.alter_column(
            "provider_txn_id", type_=sa.String(length=128), existing_type=sa.String(length=100)
        )
    op.drop_table("payer_counts")
    op.drop_table("bank_months")
    _counter_tables(sharded=True)


def downgrade() -> None:
    op.drop_table("payer_counts")
    op.drop_table("bank_months")
    _counter_tables(sharded=False)
    with op.batch_alter_table("reconciliation_lines", schema=None) as batch_op:
        batch_op.alter_column(
            "provider_txn_id", type_=sa.String(length=100), existing_type=sa.String(length=128)
        )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_target")
        batch_op.drop_index("ix_payments_unmatched")
        batch_op.drop_index("uq_payments_reverses_id")
        batch_op.alter_column(
            "provider_txn_id", type_=sa.String(length=100), existing_type=sa.String(length=128)
        )
        batch_op.create_index("ix_payments_payer_hash", ["payer_hash"])
        batch_op.create_index("ix_payments_target", ["target_type", "target_id"])
        batch_op.create_index("ix_payments_match_status", ["match_status"])
        batch_op.create_unique_constraint("uq_payments_reverses_id", ["reverses_id"])
