"""Reconciliation runs and their findings."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from market.db import Base, BigId, utcnow


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
