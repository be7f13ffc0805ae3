"""Close business days into per-payee settlements that never change afterwards."""

import csv
import io
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from market.db import upsert_insert
from market.errors import Conflict, Forbidden, NotFound
from market.pagination import Page, paginate
from market.users import User
from payments.ingest import VIETNAM
from payments.models import BusinessDay, Payment, Settlement, SettlementItem, UnsettledPayment
from payments.scopes import payee_condition

DEFAULT_GRACE = timedelta(hours=2)


def day_end(business_date: date) -> datetime:
    """The UTC instant a business day (Asia/Ho_Chi_Minh) ends."""
    return datetime.combine(business_date + timedelta(days=1), time(0), VIETNAM).astimezone(UTC)


def _claim_day(session: Session, business_date: date, actor: User | None) -> bool:
    dialect_insert = upsert_insert(session)
    stmt = (
        dialect_insert(BusinessDay)
        .values(business_date=business_date, closed_by=actor.id if actor else None)
        .on_conflict_do_nothing(index_elements=["business_date"])
        .returning(BusinessDay.business_date)
    )
    return session.execute(stmt).scalar() is not None


def close_business_day(
    session: Session,
    *,
    business_date: date,
    actor: User | None,
    now: datetime,
    grace: timedelta = DEFAULT_GRACE,
) -> list[Settlement]:
    """Settle every payee's payments up to business_date; closing a day again changes nothing.

    Payments of earlier days that arrived (or were matched) after their day closed are settled
    here as adjustments."""
    if actor is not None and actor.role != "admin":
        raise Forbidden("Only an admin closes business days.")
    opens_at = day_end(business_date) + grace
    if now < opens_at:
        local = opens_at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
        raise Conflict(
            f"{business_date} can be closed from {local} (Vietnam time)",
            errors={"business_date": ["the day and its grace period are not over"]},
        )
    if not _claim_day(session, business_date, actor):
        return settlements_of_day(session, business_date)
    rows = session.execute(
        select(
            Payment.id,
            Payment.payee_type,
            Payment.payee_id,
            Payment.kind,
            Payment.amount,
            Payment.fee_amount,
            Payment.business_date,
        )
        .join(UnsettledPayment, UnsettledPayment.payment_id == Payment.id)
        .where(UnsettledPayment.business_date <= business_date)
    ).all()
    totals: dict = defaultdict(
        lambda: {
            "payment_count": 0,
            "gross_amount": 0,
            "fee_amount": 0,
            "adjustment_count": 0,
            "adjustment_amount": 0,
        }
    )
    members: dict = defaultdict(list)
    for pid, payee_type, payee_id, kind, amount, fee, day in rows:
        sign = -1 if kind == "reversal" else 1
        entry = totals[(payee_type, payee_id)]
        entry["payment_count"] += 1
        entry["gross_amount"] += sign * amount
        entry["fee_amount"] += sign * fee
        if day < business_date:
            entry["adjustment_count"] += 1
            entry["adjustment_amount"] += sign * amount
        members[(payee_type, payee_id)].append(pid)
    settled = []
    for (payee_type, payee_id), entry in sorted(totals.items()):
        settlement = Settlement(
            payee_type=payee_type,
            payee_id=payee_id,
            business_date=business_date,
            net_amount=entry["gross_amount"] - entry["fee_amount"],
            **entry,
        )
        session.add(settlement)
        settled.append(settlement)
    session.flush()
    items = [
        {"settlement_id": s.id, "payment_id": pid}
        for s in settled
        for pid in members[(s.payee_type, s.payee_id)]
    ]
    if items:
        session.execute(insert(SettlementItem), items)
        session.execute(
            delete(UnsettledPayment).where(
                UnsettledPayment.payment_id.in_([i["payment_id"] for i in items])
            )
        )
    return settled


def settlements_of_day(session: Session, business_date: date) -> list[Settlement]:
    """The settlements a closed day produced."""
    return list(
        session.execute(
            select(Settlement)
            .where(Settlement.business_date == business_date)
            .order_by(Settlement.id)
        ).scalars()
    )


def list_settlements(
    session: Session,
    *,
    actor: User,
    business_date: date | None = None,
    payee_type: str | None = None,
    payee_id: int | None = None,
    limit: int = 50,
    after: int | None = None,
) -> Page:
    """Settlements of the payees the actor may see."""
    stmt = select(Settlement).where(
        payee_condition(actor, Settlement.payee_type, Settlement.payee_id)
    )
    if business_date:
        stmt = stmt.where(Settlement.business_date == business_date)
    if payee_type:
        stmt = stmt.where(Settlement.payee_type == payee_type)
    if payee_id is not None:
        stmt = stmt.where(Settlement.payee_id == payee_id)
    return paginate(session, stmt, Settlement.id, limit=limit, after=after)


def get_settlement(session: Session, *, actor: User, settlement_id: int) -> Settlement:
    """One settlement the actor may see, or 404."""
    found = session.execute(
        select(Settlement).where(
            Settlement.id == settlement_id,
            payee_condition(actor, Settlement.payee_type, Settlement.payee_id),
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no settlement {settlement_id}")
    return found


def settled_payments(session: Session, settlement: Settlement) -> list[Payment]:
    """The exact payments a settlement covers."""
    return list(
        session.execute(
            select(Payment)
            .join(SettlementItem, SettlementItem.payment_id == Payment.id)
            .where(SettlementItem.settlement_id == settlement.id)
            .order_by(Payment.id)
        ).scalars()
    )


SETTLEMENT_COLUMNS = (
    "id",
    "business_date",
    "payee_type",
    "payee_id",
    "payment_count",
    "gross_amount",
    "fee_amount",
    "net_amount",
    "adjustment_count",
    "adjustment_amount",
)
PAYMENT_COLUMNS = (
    "id",
    "kind",
    "method",
    "provider_txn_id",
    "amount",
    "fee_amount",
    "occurred_at",
    "business_date",
    "description",
    "target_reference",
)


def to_csv(rows: list, columns: tuple[str, ...]) -> str:
    """rows (objects) as CSV with a header, for spreadsheets (UTF-8 with BOM)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(getattr(row, c)) for c in columns])
    return out.getvalue()


def _cell(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(VIETNAM).isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a spreadsheet must not run a description as a formula
    return "" if value is None else str(value)
