"""The audit log: who changed what, when, from which value to which."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from market.db import Base, BigId, bulk_insert, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(BigId)
    action: Mapped[str] = mapped_column(String(40))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(String(500))


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}


def record(
    session: Session,
    *,
    actor_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    changes: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """Append one audit entry."""
    session.add(
        AuditEntry(
            actor_id=actor_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            changes=changes or {},
            reason=reason,
        )
    )


def record_many(session: Session, entries: list[dict[str, Any]]) -> None:
    """Append many audit entries at once (bulk imports)."""
    now = utcnow()
    bulk_insert(session, AuditEntry.__table__, [{"at": now, "reason": None, **e} for e in entries])


def history(session: Session, *, entity: str, entity_id: int) -> list[AuditEntry]:
    """Every audit entry of one record, oldest first."""
    stmt = select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
    return list(session.execute(stmt.order_by(AuditEntry.id)).scalars())
