"""Close business days into per-payee settlements that never change afterwards.

Days close in order: a day's settlement holds the payments of that day, and a payment that
arrives (or is matched, or reversed) for a day already closed is settled as an adjustment on
the next day closed. Closing a day closes every earlier day with it, so a day with payments
still waiting must be closed before any later one (409 naming it)."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, delete, func, insert, literal, select, text, true, update
from sqlalchemy.orm import Session

from market.clock import VIETNAM
from market.db import upsert_insert
from market.errors import Conflict, Forbidden, NotFound
from market.exports import Column
from market.pagination import Page, paginate
from market.users import User
from payments.domains import payee_condition
from payments.ledger.models import Payment
from payments.settlement.models import BusinessDay, Settlement, SettlementItem, UnsettledPayment

DEFAULT_GRACE = timedelta(hours=2)
TOTALS = ("payment_count", "gross_amount", "fee_amount", "net_amount")
ADJUSTMENTS = ("adjustment_count", "adjustment_amount")  # of payments of days closed before


def day_end(business_date: date) -> datetime:
    """The UTC instant a business day (Asia/Ho_Chi_Minh) ends."""
    return datetime.combine(business_date + timedelta(days=1), time(0), VIETNAM).astimezone(UTC)


def last_closed_day(session: Session) -> date | None:
    """The latest day closed: it and every day before it are closed."""
    return session.scalar(select(func.max(BusinessDay.business_date)))


def _on_open_days(last: date | None, before: date):
    """Waiting payments of the days before `before` that are not closed yet."""
    return and_(
        UnsettledPayment.business_date < before,
        UnsettledPayment.business_date > last if last else true(),
    )


def oldest_open_day(session: Session, *, before: date) -> date | None:
    """The earliest day before `before` that is not closed and has payments waiting."""
    last = last_closed_day(session)
    return session.scalar(
        select(func.min(UnsettledPayment.business_date)).where(_on_open_days(last, before))
    )


def days_to_close(session: Session, *, through: date) -> list[date]:
    """The open days with payments waiting before `through`, then `through`: the closes
    that bring the books up to it, in the order they must run."""
    last = last_closed_day(session)
    if last is not None and through <= last:
        return []
    waiting = session.scalars(
        select(UnsettledPayment.business_date)
        .where(_on_open_days(last, through))
        .distinct()
        .order_by(UnsettledPayment.business_date)
    )
    return [*waiting, through]


def _check_may_close(actor: User | None, business_date: date, now: datetime, grace) -> None:
    if actor is not None and actor.role != "admin":
        raise Forbidden("Only an admin closes business days.")
    opens_at = day_end(business_date) + grace
    if now < opens_at:
        local = opens_at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
        raise Conflict(
            f"{business_date} can be closed from {local} (Vietnam time)",
            errors={"business_date": ["the day and its grace period are not over"]},
            opens_at=opens_at.isoformat(),
        )


def _take_turns(session: Session) -> None:
    # Closes run one at a time: each reads the last day closed and the waiting payments,
    # and two at once would settle the same late payment twice. Readers are not blocked.
    # (SQLite lets one writer in at a time anyway.)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE business_days IN EXCLUSIVE MODE"))


def _claim_day(session: Session, business_date: date, actor: User | None, now: datetime) -> bool:
    dialect_insert = upsert_insert(session)
    stmt = (
        dialect_insert(BusinessDay)
        .values(business_date=business_date, closed_at=now, closed_by=actor.id if actor else None)
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
    """Settle each payee's payments of business_date, with the late payments of days closed
    before it as adjustments; closing a closed day again changes nothing."""
    _check_may_close(actor, business_date, now, grace)
    _take_turns(session)
    last = last_closed_day(session)
    if last is not None and business_date <= last:
        return settlements_of_day(session, business_date)
    waiting = oldest_open_day(session, before=business_date)
    if waiting is not None:
        raise Conflict(
            f"{waiting} has payments waiting and is not closed: days close in order, "
            f"close {waiting} first",
            errors={"business_date": [f"close {waiting} first"]},
            open_day=waiting.isoformat(),
        )
    if not _claim_day(session, business_date, actor, now):
        return settlements_of_day(session, business_date)
    _settle(session, business_date, now)
    return settlements_of_day(session, business_date)


def _settle(session: Session, business_date: date, now: datetime) -> None:
    """Everything waiting up to business_date (after the order check: that day's payments and
    the late ones of closed days) into one settlement per payee, in a few set-based
    statements whatever the number of payments."""
    waiting = (
        select(Payment.payee_type, Payment.payee_id, UnsettledPayment.payment_id)
        .join(Payment, Payment.id == UnsettledPayment.payment_id)
        .where(UnsettledPayment.business_date <= business_date)
    ).subquery()
    columns = ["payee_type", "payee_id", "business_date", "closed_at", *TOTALS, *ADJUSTMENTS]
    payees = select(
        waiting.c.payee_type,
        waiting.c.payee_id,
        literal(business_date),
        literal(now, Settlement.closed_at.type),
        *[literal(0)] * (len(TOTALS) + len(ADJUSTMENTS)),
    ).distinct()
    session.execute(insert(Settlement).from_select(columns, payees))
    # The items say what is settled; the queue and the totals follow from them, not from the
    # first statement's view of the queue: a payment queued meanwhile (PostgreSQL reads each
    # statement afresh) is settled whole or left waiting whole.
    session.execute(
        insert(SettlementItem).from_select(
            ["settlement_id", "payment_id"],
            select(Settlement.id, waiting.c.payment_id).join(
                waiting,
                (Settlement.payee_type == waiting.c.payee_type)
                & (Settlement.payee_id == waiting.c.payee_id)
                & (Settlement.business_date == business_date),
            ),
        )
    )
    items_of_day = (
        select(SettlementItem.payment_id)
        .join(Settlement, Settlement.id == SettlementItem.settlement_id)
        .where(Settlement.business_date == business_date)
    )
    session.execute(delete(UnsettledPayment).where(UnsettledPayment.payment_id.in_(items_of_day)))
    _total(session, business_date)


def _total(session: Session, business_date: date) -> None:
    """Count, gross, fees, net and adjustments of each of the day's settlements, from the
    payments it covers (a reversal takes its amount and fee back)."""
    sign = case((Payment.kind == "reversal", -1), else_=1)
    late = Payment.business_date < business_date
    totals = (
        select(
            SettlementItem.settlement_id,
            func.count().label("payment_count"),
            func.sum(sign * Payment.amount).label("gross_amount"),
            func.sum(sign * Payment.fee_amount).label("fee_amount"),
            func.sum(case((late, 1), else_=0)).label("adjustment_count"),
            func.sum(case((late, sign * Payment.amount), else_=0)).label("adjustment_amount"),
        )
        .join(Payment, Payment.id == SettlementItem.payment_id)
        .join(Settlement, Settlement.id == SettlementItem.settlement_id)
        .where(Settlement.business_date == business_date)
        .group_by(SettlementItem.settlement_id)
    ).subquery()
    session.execute(
        update(Settlement)
        .where(Settlement.id == totals.c.settlement_id)
        .values(
            payment_count=totals.c.payment_count,
            gross_amount=totals.c.gross_amount,
            fee_amount=totals.c.fee_amount,
            net_amount=totals.c.gross_amount - totals.c.fee_amount,
            adjustment_count=totals.c.adjustment_count,
            adjustment_amount=totals.c.adjustment_amount,
        )
        .execution_options(synchronize_session=False)
    )


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
        payee_condition(session, actor, Settlement.payee_type, Settlement.payee_id)
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
            payee_condition(session, actor, Settlement.payee_type, Settlement.payee_id),
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


SETTLEMENT_COLUMNS = [
    Column("id", "id", "int"),
    Column("business_date", "business_date", "date"),
    Column("payee_type", "payee_type"),
    Column("payee_id", "payee_id", "int"),
    Column("payment_count", "payment_count", "int"),
    Column("gross_amount", "gross_amount", "money"),
    Column("fee_amount", "fee_amount", "money"),
    Column("net_amount", "net_amount", "money"),
    Column("adjustment_count", "adjustment_count", "int"),
    Column("adjustment_amount", "adjustment_amount", "money"),
]
# The payments a settlement covers; times in Vietnam time, as people read them.
PAYMENT_COLUMNS = [
    Column("id", "id", "int"),
    Column("kind", "kind"),
    Column("method", "method"),
    Column("provider_txn_id", "provider_txn_id"),
    Column("amount", "amount", "money"),
    Column("fee_amount", "fee_amount", "money"),
    Column("occurred_at", "occurred_at", "date"),
    Column("business_date", "business_date", "date"),
    Column("description", "description"),
    Column("target_reference", "target_reference"),
]
