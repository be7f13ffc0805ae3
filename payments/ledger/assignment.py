"""A person resolves an unmatched payment to a payee and what it pays."""

from sqlalchemy import update
from sqlalchemy.orm import Session

from market import audit
from market.errors import Conflict, Forbidden, ValidationFailed
from market.users import User
from payments.domains import registry
from payments.ledger.models import Payment
from payments.ledger.service import CORRECTORS, get_payment, queue_for_settlement, reversal_of
from payments.rollups import service as rollups


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
