"""A wrong payment taken back by a reversing record; the payment itself stays."""

from datetime import datetime

from sqlalchemy.orm import Session

from market import audit
from market.clock import business_date_of
from market.db import utcnow
from market.errors import Conflict, Forbidden
from market.users import User
from payments.domains import hub_of
from payments.ledger.models import Payment
from payments.ledger.service import CORRECTORS, get_payment, reversal_of
from payments.ledger.write import COLUMNS, Plan, new_payment, write

# The reversing record is settled like its payment (a transfer's, never cash's); the
# payment is taken back from the rollups on its own day.
REVERSAL = Plan(
    "reversal",
    lambda dialect, _: new_payment(dialect, known_is_fine=False),
    count="reversed",
    sign=-1,
)
COPIED = (
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
    reversal_id = _write_reversal(session, payment, actor, reason, now or utcnow())
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


def _write_reversal(session: Session, payment: Payment, actor: User, reason: str, now) -> int:
    values = dict.fromkeys(COLUMNS) | {c: getattr(payment, c) for c in COPIED}
    values |= {
        "kind": "reversal",
        "source": "manual",
        "reverses_id": payment.id,
        "reason": reason,
        "occurred_at": now,
        "business_date": business_date_of(now),
        "received_at": utcnow(),
        "created_by": actor.id,
        "description": f"Reversal of payment {payment.id}",
    }
    hub = hub_of(session)
    (reversal_id,) = write(session, hub.statements, REVERSAL, values)
    if payment.target_type and payment.target_id:
        hub.apply(session, payment.target_type, payment.target_id, -payment.amount, reversal_id)
    return reversal_id
