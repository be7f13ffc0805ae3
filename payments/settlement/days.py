"""Business days as people follow them: each closed day with its settlements' totals, each
open day with the payments waiting for it, and when it may be closed."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from market.users import User
from payments.domains import payee_condition
from payments.ledger.models import Payment
from payments.settlement.models import BusinessDay, Settlement, UnsettledPayment
from payments.settlement.service import day_end, last_closed_day

CLOSED, OPEN, EARLY = "closed", "open", "early"  # early: the day or its grace is not over


@dataclass(frozen=True)
class Day:
    """One business day's totals within what a user may see."""

    business_date: date
    status: str
    payment_count: int
    amount: int  # gross: what came in, reversals taken back
    net_amount: int | None  # after fees, once closed
    payee_count: int | None  # settlements made, once closed
    closes_from: datetime


@dataclass(frozen=True)
class Days:
    open: list[Day]  # newest first
    closed: list[Day]  # newest first
    late_count: int  # payments of days already closed, settled on the next day closed
    late_amount: int
    next_before: date | None  # for the page of older closed days


def _closed(session: Session, actor: User, limit: int, before: date | None) -> list:
    """(day, payments, gross, net, settlements) of the latest closed days: for an admin every
    closed day, for others the days one of their payees was settled."""
    totals = (
        func.coalesce(func.sum(Settlement.payment_count), 0),
        func.coalesce(func.sum(Settlement.gross_amount), 0),
        func.coalesce(func.sum(Settlement.net_amount), 0),
        func.count(Settlement.id),
    )
    if actor.role == "admin":  # the latest days first, then only their settlements
        days = select(BusinessDay.business_date).order_by(BusinessDay.business_date.desc())
        if before is not None:
            days = days.where(BusinessDay.business_date < before)
        latest = days.limit(limit + 1).subquery()
        stmt = (
            select(latest.c.business_date, *totals)
            .outerjoin(Settlement, Settlement.business_date == latest.c.business_date)
            .group_by(latest.c.business_date)
            .order_by(latest.c.business_date.desc())
        )
        return list(session.execute(stmt))
    stmt = (
        select(Settlement.business_date, *totals)
        .where(payee_condition(session, actor, Settlement.payee_type, Settlement.payee_id))
        .group_by(Settlement.business_date)
        .order_by(Settlement.business_date.desc())
        .limit(limit + 1)
    )
    if before is not None:
        stmt = stmt.where(Settlement.business_date < before)
    return list(session.execute(stmt))


def _waiting(session: Session, actor: User) -> list:
    sign = case((Payment.kind == "reversal", -1), else_=1)
    return list(
        session.execute(
            select(
                UnsettledPayment.business_date,
                func.count(),
                func.sum(sign * Payment.amount),
            )
            .join(Payment, Payment.id == UnsettledPayment.payment_id)
            .where(payee_condition(session, actor, Payment.payee_type, Payment.payee_id))
            .group_by(UnsettledPayment.business_date)
            .order_by(UnsettledPayment.business_date.desc())
        )
    )


def business_days(
    session: Session,
    *,
    actor: User,
    now: datetime,
    grace: timedelta,
    limit: int = 30,
    before: date | None = None,
) -> Days:
    """The open days and the latest closed days (before `before`) the actor may see."""
    last = last_closed_day(session)
    waiting = _waiting(session, actor)
    open_days = [
        Day(d, OPEN if now >= day_end(d) + grace else EARLY, n, amount, None, None, ends + grace)
        for d, n, amount in waiting
        if (ends := day_end(d)) and (last is None or d > last)
    ]
    late = [(n, amount) for d, n, amount in waiting if last is not None and d <= last]
    closed = _closed(session, actor, limit, before)
    return Days(
        open=open_days if before is None else [],
        closed=[
            Day(d, CLOSED, n, gross, net, payees, day_end(d) + grace)
            for d, n, gross, net, payees in closed[:limit]
        ],
        late_count=sum(n for n, _ in late),
        late_amount=sum(amount for _, amount in late),
        next_before=closed[limit - 1][0] if len(closed) > limit else None,
    )
