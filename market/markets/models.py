"""Markets."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from market.db import Base, BigId, utcnow


class Market(Base):
    __tablename__ = "markets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Ward in the 2025 two-level scheme, and the district it belonged to before the reform,
    # so statistics stay comparable across the merger.
    ward_code: Mapped[str | None] = mapped_column(String(10), index=True)
    ward_name: Mapped[str | None] = mapped_column(String(100))
    legacy_district: Mapped[str | None] = mapped_column(String(100), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
