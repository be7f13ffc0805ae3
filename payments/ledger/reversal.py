"""A wrong payment taken back by a reversing record."""

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from market import audit
from market.clock import business_date_of
from market.db import utcnow
from market.errors import Conflict, Forbidden
from market.users import User
from payments.domains import registry
from payments.ledger.models import Payment
from payments.ledger.service import CORRECTORS, get_payment, queue_for_settlement, reversal_of
from payments.rollups import service as rollups


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
