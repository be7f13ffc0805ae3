"""Payment requests: one-off QR codes with an amount and a reference."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from market.db import Base, BigId, utcnow

REQUEST_STATUSES = ("open", "paid", "expired", "cancelled")


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

    def status_at(self, now: datetime) -> str:
        """The status as it stands at now: an open request past its expiry is expired."""
        if self.status == "open" and now >= self.expires_at:
            return "expired"
        return self.status
