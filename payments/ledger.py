"""The ledger as people use it: find payments, see why they matched, assign the unmatched,
reverse the wrong ones (by a new record)."""

from datetime import date, datetime

from sqlalchemy import exists, insert, select, update
from sqlalchemy.orm import Session, aliased

from market import audit
from market.db import utcnow
from market.errors import Conflict, Forbidden, NotFound, ValidationFailed
from market.pagination import Page, paginate
from market.users import User
from payments import rollups
from payments.ingest import business_date_of, queue_for_settlement
from payments.models import Payment
from payments.registry import Payee, Target, registry
from payments.scopes import payee_condition

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
        stmt = stmt.where(payee_condition(actor, Payment.payee_type, Payment.payee_id))
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
        stmt = stmt.where(payee_condition(actor, Payment.payee_type, Payment.payee_id))
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


def assign(
    session: Session,
    *,
    actor: User,
    payment_id: int,
    field: str,
    value: str,
    reason: str | None = None,
) -> Payment:
    """Resolve an unmatched payment to a payee (and what it pays), by a person."""
    if actor.role not in CORRECTORS:
        raise Forbidden("Only the market board, a school or an admin assigns payments.")
    # Locked: of two people assigning (or reversing) it at once, the second waits and then
    # sees what the first did.
    payment = get_payment(session, actor=actor, payment_id=payment_id, for_update=True)
    if payment.match_status != "unmatched" or payment.kind != "payment":
        raise _already_assigned(payment.match_status)
    if reversal_of(session, payment.id):
        raise Conflict("a reversed payment cannot be assigned", errors={"payment": ["reversed"]})
    assigner = registry.assigners.get(field)
    if assigner is None:
        raise ValidationFailed.on(field, "this kind of assignment is not available")
    payee, target = assigner(session, actor, value)
    if payment.payee_type and (payment.payee_type, payment.payee_id) != (payee.type, payee.id):
        raise Conflict(
            "the money arrived in another payee's account",
            errors={field: ["belongs to another payee than the credited account"]},
        )
    if payee.needs_target and target is None:
        raise ValidationFailed.on(field, f"a {payee.type} payment needs what it pays for")
    before = {"payee": [payment.payee_type, payment.payee_id], "status": payment.match_status}
    note = f"assigned by {actor.username}" + (f": {reason}" if reason else "")
    assigned = session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.match_status == "unmatched")
        .values(
            payee_type=payee.type,
            payee_id=payee.id,
            match_status="matched",
            matched_by="manual",
            target_type=target.type if target else None,
            target_id=target.id if target else None,
            target_reference=target.reference if target else None,
            match_note=note[:300],
        )
        .returning(Payment.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    if assigned is None:
        raise _already_assigned("matched")
    if target is not None:
        registry.target_appliers[target.type](session, target.id, payment.amount, payment.id)
    queue_for_settlement(session, payment.id, payment.business_date)
    session.refresh(payment)
    if before["payee"][0] is None:  # first time this payment has a payee: count it
        rollups.account_payment(session, payment)
    audit.record(
        session,
        actor_id=actor.id,
        entity="payment",
        entity_id=payment.id,
        action="assign",
        reason=reason,
        changes={
            "payee": [before["payee"], [payee.type, payee.id]],
            "status": [before["status"], "matched"],
        },
    )
    return payment


def _already_assigned(status: str) -> Conflict:
    return Conflict(
        "only an unmatched payment can be assigned", errors={"payment": [f"status is {status}"]}
    )


def reverse(
    session: Session,
    *,
    actor: User,
    payment_id: int,
    reason: str,
    now: datetime | None = None,
) -> Payment:
    """Take a wrong payment back with a reversing record at now; the payment itself stays."""
    if actor.role not in CORRECTORS:
        raise Forbidden("Only the market board, a school or an admin reverses payments.")
    # Locked: of two reversals at once, the second waits and then finds the first (409).
    payment = get_payment(session, actor=actor, payment_id=payment_id, for_update=True)
    if payment.kind != "payment":
        raise Conflict("a reversal cannot be reversed; record a new payment instead")
    if reversal_of(session, payment.id):
        raise Conflict(f"payment {payment.id} is already reversed")
    now = now or utcnow()
    columns = (
        "method",
        "provider_id",
        "amount",
        "fee_amount",
        "credit_bin",
        "credit_account",
        "payee_type",
        "payee_id",
        "target_type",
        "target_id",
        "target_reference",
        "match_status",
        "matched_by",
    )
    values = {c: getattr(payment, c) for c in columns} | {
        "kind": "reversal",
        "source": "manual",
        "reverses_id": payment.id,
        "reason": reason,
        "occurred_at": now,
        "business_date": business_date_of(now),
        "created_by": actor.id,
        "description": f"Reversal of payment {payment.id}",
    }
    reversal_id = session.execute(insert(Payment).returning(Payment.id), [values]).scalar_one()
    if payment.target_type and payment.target_id:
        registry.target_appliers[payment.target_type](
            session, payment.target_id, -payment.amount, reversal_id
        )
    if payment.match_status == "matched" and payment.method == "transfer":
        # Only transfers are settled with a provider: a cash receipt never was, so neither
        # is taking it back.
        queue_for_settlement(session, reversal_id, values["business_date"])
    rollups.account_payment(session, payment, sign=-1)
    audit.record(
        session,
        actor_id=actor.id,
        entity="payment",
        entity_id=payment.id,
        action="reverse",
        reason=reason,
        changes={"reversed_by": [None, reversal_id]},
    )
    return session.get(Payment, reversal_id)


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


def record_cash(
    session: Session,
    *,
    actor: User,
    payee: Payee,
    target: Target | None,
    amount: int,
    note: str | None = None,
    now: datetime | None = None,
) -> Payment:
    """Record cash a payee's staff received at now: a payment like any other (method cash),
    so the cashless share can be computed; cash is not settled with a provider."""
    now = now or utcnow()
    values = {
        "kind": "payment",
        "method": "cash",
        "source": "manual",
        "amount": amount,
        "fee_amount": 0,
        "description": note,
        "occurred_at": now,
        "business_date": business_date_of(now),
        "payee_type": payee.type,
        "payee_id": payee.id,
        "target_type": target.type if target else None,
        "target_id": target.id if target else None,
        "target_reference": target.reference if target else None,
        "match_status": "matched",
        "matched_by": "manual",
        "created_by": actor.id,
        "match_note": f"cash recorded by {actor.username}",
    }
    payment_id = session.execute(insert(Payment).returning(Payment.id), [values]).scalar_one()
    if target is not None:
        registry.target_appliers[target.type](session, target.id, amount, payment_id)
    payment = session.get(Payment, payment_id)
    rollups.account_payment(session, payment)
    return payment
