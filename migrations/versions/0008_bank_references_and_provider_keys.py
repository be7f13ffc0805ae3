"""bank references on payments, SePay API keys apart, accounts found whatever their case

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 15:00:00

A payment keeps the bank's own reference of its transfer, unique with the credited account
where it is known: one transfer reported by two providers is one payment. A provider may
keep a SePay API key apart from its HMAC secret, or refuse API keys. Vendors and schools are
found by an account whatever the case of its letters (it is stored as given).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFERENCED = "bank_reference IS NOT NULL"


def _account_index(table: str, expression: str) -> None:
    op.drop_index(f"ix_{table}_account", table_name=table)
    op.create_index(f"ix_{table}_account", table, [sa.text(expression)])


def upgrade() -> None:
    op.add_column("payments", sa.Column("bank_reference", sa.String(length=128), nullable=True))
    op.create_index(
        "uq_payments_credit_account_bank_reference",
        "payments",
        ["credit_account", "bank_reference"],
        unique=True,
        postgresql_where=sa.text(_REFERENCED),
        sqlite_where=sa.text(_REFERENCED),
    )
    op.add_column("providers", sa.Column("api_key", sa.String(length=200), nullable=True))
    op.add_column(
        "providers",
        sa.Column("hmac_only", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    for table in ("vendors", "schools"):
        _account_index(table, "upper(account_number)")


def downgrade() -> None:
    for table in ("vendors", "schools"):
        _account_index(table, "account_number")
    op.drop_column("providers", "hmac_only")
    op.drop_column("providers", "api_key")
    op.drop_index("uq_payments_credit_account_bank_reference", table_name="payments")
    op.drop_column("payments", "bank_reference")
