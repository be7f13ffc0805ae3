"""Counting attempts across processes, in the database.

An attempt is counted before it is tried, by one statement that increments the counter and
returns it, so that parallel attempts cannot all slip under the limit; one that finds the limit
reached is taken back in the same transaction and refused. An attempt that turns out right is
given back afterwards: only wrong ones add up. The limit covers the current fixed window and
the one before it."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from market.db import Base, get_db, upsert_insert, utcnow

MAX_KEY = 200


class RateLimitHit(Base):
    __tablename__ = "rate_limit_hits"

    key: Mapped[str] = mapped_column(String(MAX_KEY), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


@dataclass(frozen=True)
class Attempt:
    """An attempt counted against keys in the window that starts at window_start."""

    keys: tuple[str, ...]
    window_start: datetime


def _window(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def _fit(key: str) -> str:
    # A key built from what a client sent may be long: keep it within the column, still unique.
    if len(key) <= MAX_KEY:
        return key
    return key[: MAX_KEY - 65] + "#" + hashlib.sha256(key.encode()).hexdigest()


def _increment(session: Session, key: str, start: datetime) -> int:
    insert = upsert_insert(session)
    table = RateLimitHit.__table__
    statement = (
        insert(table)
        .values(key=key, window_start=start, count=1)
        .on_conflict_do_update(
            index_elements=[table.c.key, table.c.window_start],
            set_={"count": table.c.count + 1},
        )
        .returning(table.c.count)
    )
    return session.execute(statement).scalar_one()


def _add(session: Session, keys: tuple[str, ...], start: datetime, amount: int) -> None:
    session.execute(
        update(RateLimitHit)
        .where(RateLimitHit.key.in_(keys), RateLimitHit.window_start == start)
        .values(count=RateLimitHit.count + amount)
    )


def count_attempt(
    limits: Mapping[str, int], *, seconds: int, now: datetime | None = None
) -> Attempt | None:
    """Count one attempt against each key (key → limit); None, counting nothing, when a key
    already had its limit in this window and the one before."""
    now = now or utcnow()
    start = _window(now, seconds)
    limits = {_fit(key): limit for key, limit in limits.items()}
    keys = tuple(sorted(limits))  # one order of row locks in every process: no deadlock
    with get_db().session_scope() as session:
        counts = {key: _increment(session, key, start) for key in keys}
        before = dict(
            session.execute(
                select(RateLimitHit.key, RateLimitHit.count).where(
                    RateLimitHit.key.in_(keys),
                    RateLimitHit.window_start == start - timedelta(seconds=seconds),
                )
            ).all()
        )
        if all(counts[key] + before.get(key, 0) <= limits[key] for key in keys):
            return Attempt(keys, start)
        _add(session, keys, start, -1)
    return None


def forgive(attempt: Attempt) -> None:
    """Give back an attempt that turned out right, so it does not count towards the limit."""
    with get_db().session_scope() as session:
        _add(session, attempt.keys, attempt.window_start, -1)


def prune(session: Session, *, keep: timedelta = timedelta(days=1), now: datetime | None = None):
    """Delete the counts of windows that ended more than keep ago (no limit looks back that
    far); returns how many went. Run daily (`flask limits prune`): keys come from clients."""
    cutoff = (now or utcnow()) - keep
    return session.execute(delete(RateLimitHit).where(RateLimitHit.window_start < cutoff)).rowcount
