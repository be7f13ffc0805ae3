"""Closed business days, settlements, the payments they cover, and the queue of the rest."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from market.db import Base, BigId, utcnow


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


class UnsettledPayment(Base):
    """The queue of matched payments no settlement covers yet: closing a day reads this small
    table, never the whole ledger."""

    __tablename__ = "unsettled_payments"
    __table_args__ = (Index("ix_unsettled_payments_day", "business_date"),)

    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), primary_key=True)
    business_date: Mapped[date]
