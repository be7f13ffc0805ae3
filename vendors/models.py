"""Vendors and their payout accounts."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from market.db import Base, BigId, utcnow
from market.markets.models import Market
from vendors.rules import STATUSES, can_move


class Vendor(Base):
    __tablename__ = "vendors"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        # A stall belongs to one open vendor at a time; a closed vendor frees it.
        Index(
            "uq_vendors_market_stall_open",
            "market_id",
            "stall",
            unique=True,
            sqlite_where=text("status != 'closed'"),
            postgresql_where=text("status != 'closed'"),
        ),
        Index("ix_vendors_market_status", "market_id", "status"),
        # Notifications find a vendor by account, whatever the case of its letters.
        Index("ix_vendors_account", func.upper(text("account_number"))),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"))
    stall: Mapped[str] = mapped_column(String(20))
    full_name: Mapped[str] = mapped_column(String(100))
    name_folded: Mapped[str] = mapped_column(String(100), index=True)
    phone: Mapped[str] = mapped_column(String(10))
    national_id: Mapped[str | None] = mapped_column(String(12))
    category: Mapped[str | None] = mapped_column(String(60))
    bank_bin: Mapped[str] = mapped_column(String(6))
    account_number: Mapped[str] = mapped_column(String(19))
    account_name: Mapped[str] = mapped_column(String(70))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    status_reason: Mapped[str | None] = mapped_column(String(500))
    # When it first became an acceptance point, and when it stopped for good (statistics).
    activated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    market: Mapped[Market] = relationship(lazy="joined")

    def can_move_to(self, status: str) -> bool:
        """True when the state machine allows status next."""
        return can_move(self.status, status)

    def details(self) -> dict:
        """The fields an import or an update may change, for diffs and the audit log."""
        return {k: getattr(self, k) for k in EDITABLE}


EDITABLE = (
    "stall",
    "full_name",
    "phone",
    "national_id",
    "category",
    "bank_bin",
    "account_number",
    "account_name",
)


class PlacardPrint(Base):
    """One placard handed out: its serial is printed on it, so a placard can be traced."""

    __tablename__ = "placard_prints"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    serial: Mapped[str] = mapped_column(String(12), unique=True)
    payload: Mapped[str] = mapped_column(String(512))
    printed_at: Mapped[datetime] = mapped_column(default=utcnow)
    printed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PlacardBuild(Base):
    """A market's placard PDF drawn in the background: the page polls its progress, then
    downloads the file (kept in the instance folder under file_name)."""

    __tablename__ = "placard_builds"
    __table_args__ = (
        CheckConstraint("status IN ('running', 'done', 'failed')", name="status"),
        CheckConstraint("per_page IN (1, 2, 4)", name="per_page"),
        CheckConstraint("done >= 0 AND done <= total", name="done_within_total"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"), index=True)
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    per_page: Mapped[int]
    only_new: Mapped[bool]
    status: Mapped[str] = mapped_column(String(10), default="running")
    total: Mapped[int]
    done: Mapped[int] = mapped_column(default=0)
    file_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginLink(Base):
    """A one-time link that signs a vendor's phone in: its token is stored hashed, it expires,
    and once used it is spent (used_at, and the device session it started)."""

    __tablename__ = "login_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("login_sessions.id"))
