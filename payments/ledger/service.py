"""The ledger as people use it: find payments, see why they matched, assign the unmatched,
reverse the wrong ones (by a new record)."""

from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from market.errors import NotFound
from market.pagination import Page, paginate
from market.users import User
from payments.domains import hub_of
from payments.ledger.models import Payment

READERS = ("admin", "market_manager", "vendor", "school_admin")

CORRECTORS = ("admin", "market_manager", "school_admin")

_reversal = aliased(Payment)


def _reversed(payment_table=Payment):
    return exists().where(_reversal.reverses_id == payment_table.id)


def list_payments(
    session: Session,
    *,
    actor: User,
    payee_type: str | None = None,
    payee_id: int | None = None,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 50,
    after: int | None = None,
) -> Page:
    """Payments the actor may see, filtered, by id."""
    stmt = select(Payment)
    if actor.role != "admin":
        stmt = stmt.where(hub_of(session).visible_condition(actor, Payment))
    if payee_type:
        stmt = stmt.where(Payment.payee_type == payee_type)
    if payee_id is not None:
        stmt = stmt.where(Payment.payee_id == payee_id)
    if status == "reversed":
        stmt = stmt.where(_reversed())
    elif status:
        stmt = stmt.where(Payment.match_status == status, Payment.kind == "payment", ~_reversed())
    if date_from:
        stmt = stmt.where(Payment.business_date >= date_from)
    if date_to:
        stmt = stmt.where(Payment.business_date <= date_to)
    return paginate(session, stmt, Payment.id, limit=limit, after=after)


def get_payment(
    session: Session, *, actor: User, payment_id: int, for_update: bool = False
) -> Payment:
    """One payment the actor may see (404 otherwise: its existence is private); for_update
    locks it until the transaction ends, and reads it as the last writer left it."""
    stmt = select(Payment).where(Payment.id == payment_id)
    if actor.role != "admin":
        stmt = stmt.where(hub_of(session).visible_condition(actor, Payment))
    if for_update:  # NO KEY UPDATE: records that only refer to the payment need not wait
        stmt = stmt.with_for_update(of=Payment, key_share=True)
        stmt = stmt.execution_options(populate_existing=True)
    payment = session.execute(stmt).scalar_one_or_none()
    if payment is None:
        raise NotFound(f"no payment {payment_id}")
    return payment


def reversal_of(session: Session, payment_id: int) -> int | None:
    """The id of the record reversing a payment, if any."""
    return session.execute(select(Payment.id).where(Payment.reverses_id == payment_id)).scalar()


def annotate(session: Session, payments: list[Payment]) -> list[Payment]:
    """Set status_label and reversed_by_id on payments, in one query for the lot."""
    ids = [p.id for p in payments if p.kind == "payment"]
    reversals = (
        dict(
            session.execute(
                select(Payment.reverses_id, Payment.id).where(Payment.reverses_id.in_(ids))
            ).all()
        )
        if ids
        else {}
    )
    for payment in payments:
        payment.reversed_by_id = reversals.get(payment.id)
        payment.status_label = "reversed" if payment.id in reversals else payment.match_status
    return payments
