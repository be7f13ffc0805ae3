"""Cash a payee received, recorded as a payment like any other."""

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from market.clock import business_date_of
from market.db import utcnow
from market.users import User
from payments.domains import Payee, Target, registry
from payments.ledger.models import Payment
from payments.rollups import service as rollups


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
