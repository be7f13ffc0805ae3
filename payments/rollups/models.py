"""The rollup tables statistics read instead of the payments table."""

from datetime import date

from sqlalchemy import (
    BigInteger,
    Date,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from market.db import Base

# Every payment updates a row of each rollup in place: a fill factor leaves room on each page
# for the new versions, so that an update stays on its page and touches no index (HOT).
# The hottest counters (a few hundred rows, each updated many times a second) keep most of
# each page free (migration 0016).


def _room(percent: int) -> dict:
    return {"postgresql_with": {"fillfactor": percent}}


class DayRollup(Base):
    __tablename__ = "rollup_days"
    # Was a point paid in its last 30 days: one probe per point (statistics' active points).
    __table_args__ = (
        Index("ix_rollup_days_payee_day", "payee_type", "payee_id", "business_date"),
        _room(50),
    )

    business_date: Mapped[date] = mapped_column(Date, primary_key=True)
    payee_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    payee_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    provider_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # 0: cash
    method: Mapped[str] = mapped_column(String(10), primary_key=True)
    payment_count: Mapped[int] = mapped_column(default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)


class MonthRollup(Base):
    __tablename__ = "rollup_months"
    __table_args__ = _room(50)

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the first of the month
    payee_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    payee_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    provider_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    method: Mapped[str] = mapped_column(String(10), primary_key=True)
    payment_count: Mapped[int] = mapped_column(default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)


# Someone who pays a stall and a school is one payer: besides each kind of payee, every
# payer is counted under this one, which stands for payees of any kind.
ANY_PAYEE = "*"


class PayerPeriod(Base):
    """How many live payments a payer made to a kind of payee (or to any: ANY_PAYEE) in a
    month ('M2026-11') or a year ('Y2026'); a payer counts while this is above zero."""

    __tablename__ = "payer_periods"

    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    payee_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    payer_hash: Mapped[str] = mapped_column(String(32), primary_key=True)
    payments: Mapped[int] = mapped_column(default=0)


# Counters that every payment of the province would update are split into shards, so that
# simultaneous payments seldom wait for one another's row; readers add the shards up.
SHARDS = 16


class PayerCount(Base):
    """Payers counted in a period, per kind of payee and for any kind (ANY_PAYEE), in shards
    by the payer hash's first hex digit."""

    __tablename__ = "payer_counts"
    __table_args__ = _room(10)

    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    payee_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    shard: Mapped[str] = mapped_column(String(1), primary_key=True)
    payers: Mapped[int] = mapped_column(default=0)


class BankMonth(Base):
    """Payments per payer bank and month, in shards by payee id modulo SHARDS."""

    __tablename__ = "bank_months"
    __table_args__ = _room(25)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    payer_bin: Mapped[str] = mapped_column(String(6), primary_key=True)
    shard: Mapped[int] = mapped_column(primary_key=True)
    payment_count: Mapped[int] = mapped_column(default=0)
