"""Providers and the notifications they send, kept as they arrived."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from market.db import Base, BigId, utcnow

FORMATS = ("generic", "sepay", "casso")


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


@dataclass(frozen=True)
class ProviderConfig:
    """What the hot path needs of a provider, cacheable between requests."""

    id: int
    name: str
    format: str
    secret: str
    fee_fixed: int
    fee_bps: int
    api_key: str | None = None
    hmac_only: bool = False

    def fee_for(self, amount: int) -> int:
        """The provider's fee on a credit of amount (see Provider.fee_for)."""
        return provider_fee(self.fee_fixed, self.fee_bps, amount)
