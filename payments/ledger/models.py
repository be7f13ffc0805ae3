"""The append-only ledger of payments."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from market.db import Base, BigId, utcnow


def where(condition: str) -> dict:
    """The options of a partial index on rows meeting condition (a bare column: not null)."""
    if condition.isidentifier():
        condition += " IS NOT NULL"
    return {"postgresql_where": text(condition), "sqlite_where": text(condition)}


class Payment(Base):
    """One credited transfer or cash receipt, or the reversal of one. Never edited for money:
    amount, time and accounts are fixed; a wrong payment is reversed by a new record."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("provider_id", "provider_txn_id"),
        # One bank transfer reported by two providers (an account wired to SePay and to
        # Casso) carries the bank's own reference in both reports: it is one payment.
        Index(
            "uq_payments_credit_account_bank_reference",
            "credit_account",
            "bank_reference",
            unique=True,
            **where("bank_reference"),
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("fee_amount >= 0", name="fee_not_negative"),
        CheckConstraint("kind IN ('payment', 'reversal')", name="kind"),
        CheckConstraint("method IN ('transfer', 'cash')", name="method"),
        CheckConstraint("match_status IN ('matched', 'unmatched')", name="match_status"),
        Index("ix_payments_payee_day", "payee_type", "payee_id", "business_date"),
        Index("ix_payments_business_date", "business_date"),
        # Partial: most payments are matched, pay no invoice and are not reversals, and an
        # index entry for each would only slow every insert down.
        Index("uq_payments_reverses_id", "reverses_id", unique=True, **where("reverses_id")),
        Index("ix_payments_unmatched", "match_status", **where("match_status = 'unmatched'")),
        Index("ix_payments_target", "target_type", "target_id", **where("target_id")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="payment")
    method: Mapped[str] = mapped_column(String(10), default="transfer")
    source: Mapped[str] = mapped_column(String(12), default="notification")
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    provider_txn_id: Mapped[str | None] = mapped_column(String(128))
    # The bank's own reference of the transfer, where the provider gives it.
    bank_reference: Mapped[str | None] = mapped_column(String(128))
    amount: Mapped[int] = mapped_column(BigInteger)
    fee_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    credit_bin: Mapped[str | None] = mapped_column(String(6))
    # As the bank knows it: upper case (banks read account letters case-insensitively).
    credit_account: Mapped[str | None] = mapped_column(String(19))
    description: Mapped[str | None] = mapped_column(String(500))
    occurred_at: Mapped[datetime]
    business_date: Mapped[date]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    payer_bin: Mapped[str | None] = mapped_column(String(6))
    payer_account_masked: Mapped[str | None] = mapped_column(String(24))
    payer_hash: Mapped[str | None] = mapped_column(String(32))
    payer_name: Mapped[str | None] = mapped_column(String(100))
    payee_type: Mapped[str | None] = mapped_column(String(20))
    payee_id: Mapped[int | None] = mapped_column(BigId)
    target_type: Mapped[str | None] = mapped_column(String(20))
    target_id: Mapped[int | None] = mapped_column(BigId)
    target_reference: Mapped[str | None] = mapped_column(String(12))
    match_status: Mapped[str] = mapped_column(String(10))
    matched_by: Mapped[str | None] = mapped_column(String(10))  # account | reference | manual
    match_note: Mapped[str | None] = mapped_column(String(300))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    reason: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
