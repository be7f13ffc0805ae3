"""Payments: providers, raw notifications, the append-only ledger, payment requests."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from market.db import Base, BigId, utcnow

REQUEST_STATUSES = ("open", "paid", "expired", "cancelled")


def where(condition: str) -> dict:
    """The options of a partial index on rows meeting condition (a bare column: not null)."""
    if condition.isidentifier():
        condition += " IS NOT NULL"
    return {"postgresql_where": text(condition), "sqlite_where": text(condition)}


FORMATS = ("generic", "sepay", "casso")


class PaymentRequest(Base):
    __tablename__ = "payment_requests"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(f"status IN {REQUEST_STATUSES!r}", name="status"),
        Index("ix_payment_requests_payee", "payee_type", "payee_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    # Which record is paid: payments knows payees only by kind and id.
    payee_type: Mapped[str] = mapped_column(String(20))
    payee_id: Mapped[int] = mapped_column(BigId)
    bank_bin: Mapped[str] = mapped_column(String(6))
    account_number: Mapped[str] = mapped_column(String(19))
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_amount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    description: Mapped[str | None] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(10), default="open")
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def is_expired(self, now: datetime) -> bool:
        """True once the code may no longer be paid."""
        return now >= self.expires_at

    def status_at(self, now: datetime) -> str:
        """The status as it stands at now: an open request past its expiry is expired."""
        if self.status == "open" and self.is_expired(now):
            return "expired"
        return self.status


class Provider(Base):
    """A wallet or bank integration that notifies credited transfers."""

    __tablename__ = "providers"
    __table_args__ = (
        CheckConstraint(f"format IN {FORMATS!r}", name="format"),
        CheckConstraint("fee_fixed >= 0 AND fee_bps >= 0", name="fees"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    format: Mapped[str] = mapped_column(String(10))
    # Needed in clear to verify HMACs; never logged, never returned by the API.
    secret: Mapped[str] = mapped_column(String(200))
    # SePay: the key of "Authorization: Apikey <key>" when it is not the secret; with
    # hmac_only, requests authenticated by a key are refused (see api_key_in_effect).
    api_key: Mapped[str | None] = mapped_column(String(200))
    hmac_only: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    account_number: Mapped[str | None] = mapped_column(String(19))
    fee_fixed: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_bps: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def fee_for(self, amount: int) -> int:
        """The provider's fee on a credit of amount, in whole đồng (half up)."""
        return provider_fee(self.fee_fixed, self.fee_bps, amount)


def provider_fee(fixed: int, bps: int, amount: int) -> int:
    """A fixed fee plus basis points of amount, rounded half up to whole đồng."""
    return fixed + (amount * bps + 5000) // 10000


class Notification(Base):
    """A verified notification as it arrived, kept for audit and replay."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(10))  # recorded | ignored
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))


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

    @property
    def signed_amount(self) -> int:
        """The amount as it counts: a reversal takes its payment back."""
        return -self.amount if self.kind == "reversal" else self.amount


class BusinessDay(Base):
    """A business day (Asia/Ho_Chi_Minh) that has been closed; closing is once and for all."""

    __tablename__ = "business_days"

    business_date: Mapped[date] = mapped_column(primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Settlement(Base):
    """What one payee received on one closed business day; never changes once written."""

    __tablename__ = "settlements"
    __table_args__ = (
        UniqueConstraint("payee_type", "payee_id", "business_date"),
        CheckConstraint("payment_count >= 0", name="count_not_negative"),
        Index("ix_settlements_business_date", "business_date"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    payee_type: Mapped[str] = mapped_column(String(20))
    payee_id: Mapped[int] = mapped_column(BigId)
    business_date: Mapped[date] = mapped_column(ForeignKey("business_days.business_date"))
    payment_count: Mapped[int]
    gross_amount: Mapped[int] = mapped_column(BigInteger)
    fee_amount: Mapped[int] = mapped_column(BigInteger)
    net_amount: Mapped[int] = mapped_column(BigInteger)
    # Payments of earlier, already closed days that arrived or were matched late.
    adjustment_count: Mapped[int] = mapped_column(default=0)
    adjustment_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SettlementItem(Base):
    """A payment covered by a settlement: each payment is settled at most once."""

    __tablename__ = "settlement_items"

    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"), primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments.id"), primary_key=True, unique=True
    )


class Reconciliation(Base):
    """One provider statement held against the ledger."""

    __tablename__ = "reconciliations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    filename: Mapped[str | None] = mapped_column(String(200))
    period_start: Mapped[datetime | None]
    period_end: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ReconciliationLine(Base):
    __tablename__ = "reconciliation_lines"
    __table_args__ = (Index("ix_reconciliation_lines_run", "reconciliation_id", "bucket"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reconciliation_id: Mapped[int] = mapped_column(ForeignKey("reconciliations.id"))
    bucket: Mapped[str] = mapped_column(String(24))
    provider_txn_id: Mapped[str] = mapped_column(String(128))
    statement_line: Mapped[int | None]
    statement_amount: Mapped[int | None] = mapped_column(BigInteger)
    ledger_amount: Mapped[int | None] = mapped_column(BigInteger)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    transfer: Mapped[dict | None] = mapped_column(JSON)


class UnsettledPayment(Base):
    """The queue of matched payments no settlement covers yet: closing a day reads this small
    table, never the whole ledger."""

    __tablename__ = "unsettled_payments"
    __table_args__ = (Index("ix_unsettled_payments_day", "business_date"),)

    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), primary_key=True)
    business_date: Mapped[date]
