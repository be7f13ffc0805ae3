"""Ending a vendor's signed-in phones: by the board, one at a time, or all of them when the
vendor is suspended or closed."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from market.db import utcnow
from market.users import LoginSession, User


def end_devices(session: Session, *, vendor_id: int, device_id: int | None = None) -> int:
    """End the vendor's device sessions (one, or all of them); how many were ended."""
    users = select(User.id).where(User.vendor_id == vendor_id, User.role == "vendor")
    stmt = update(LoginSession).where(
        LoginSession.user_id.in_(users), LoginSession.ended_at.is_(None)
    )
    if device_id is not None:
        stmt = stmt.where(LoginSession.id == device_id)
    return session.execute(stmt.values(ended_at=utcnow())).rowcount
