"""Counting attempts across processes (in the database): after too many failures in a window
a key is refused until the window passes."""

from datetime import datetime, timedelta

from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from market.db import Base, get_db, utcnow


class RateLimitHit(Base):
    __tablename__ = "rate_limit_hits"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


def _window(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def failures(key: str, *, seconds: int, now: datetime | None = None) -> int:
    """Failures counted for key in the current and the previous window."""
    now = now or utcnow()
    with get_db().session_scope() as session:
        return session.scalar(
            select(func.coalesce(func.sum(RateLimitHit.count), 0)).where(
                RateLimitHit.key == key,
                RateLimitHit.window_start >= _window(now, seconds) - timedelta(seconds=seconds),
            )
        )


def record_failure(*keys: str, seconds: int, now: datetime | None = None) -> None:
    """Count one failure against each key, committed at once (the request itself may fail)."""
    now = now or utcnow()
    start = _window(now, seconds)
    with get_db().session_scope() as session:
        for key in keys:
            hit = session.get(RateLimitHit, (key, start))
            if hit is None:
                session.add(RateLimitHit(key=key, window_start=start, count=1))
            else:
                hit.count += 1
