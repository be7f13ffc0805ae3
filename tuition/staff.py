"""How staff accounts are bound to schools: a school accountant's account names its school."""

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from market.people import Record
from tuition.models import School


def school_records(session: Session, ids: Collection[int] | None = None) -> dict[int, Record]:
    """Schools by id (all of them when ids is None), as staff accounts are bound to them."""
    stmt = select(School.id, School.code, School.name)
    if ids is not None:
        stmt = stmt.where(School.id.in_(list(ids)))
    return {row.id: Record(row.id, row.code, row.name) for row in session.execute(stmt)}
