"""Keyset pagination by id: stable under inserts, cheap at any depth."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from market.fields import encode_cursor


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def paginate(session: Session, stmt: Select, id_column, *, limit: int, after: int | None) -> Page:
    """Run stmt ordered by id_column, returning at most limit rows after the cursor's id."""
    if after is not None:
        stmt = stmt.where(id_column > after)
    rows = list(session.execute(stmt.order_by(id_column).limit(limit + 1)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1].id) if more and rows else None)
