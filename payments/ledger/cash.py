"""Cash a payee received, recorded as a payment like any other."""

from datetime import datetime

from sqlalchemy.orm import Session

from market.clock import business_date_of
from market.db import utcnow
from market.users import User
from payments.domains import Payee, Target, hub_of
from payments.ledger.models import Payment
from payments.ledger.write import COLUMNS, Plan, new_payment, write

# Counted like any payment; cash is never settled with a provider, so it is never queued.
CASH = Plan("cash", lambda dialect, _: new_payment(dialect, known_is_fine=False))


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
    values = dict.fromkeys(COLUMNS) | {
        "kind": "payment",
        "method": "cash",
        "source": "manual",
        "amount": amount,
        "fee_amount": 0,
        "description": note,
        "occurred_at": now,
        "business_date": business_date_of(now),
        "received_at": now,
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
    hub = hub_of(session)
    (payment_id,) = write(session, hub.statements, CASH, values)
    if target is not None:
        hub.apply(session, target.type, target.id, amount, payment_id)
    return session.get(Payment, payment_id)
