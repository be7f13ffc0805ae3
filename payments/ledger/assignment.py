"""A person resolves an unmatched payment to a payee and what it pays."""

from sqlalchemy import bindparam, literal_column, update
from sqlalchemy.orm import Session

from market import audit
from market.errors import Conflict, Forbidden, ValidationFailed
from market.users import User
from payments.domains import Payee, Target, hub_of
from payments.ledger.models import Payment
from payments.ledger.service import CORRECTORS, get_payment, reversal_of
from payments.ledger.write import RETURNED, TABLE, Plan, param, write

ASSIGNED = ("payee_type", "payee_id", "target_type", "target_id", "target_reference")


_MATCHED = literal_column("'matched'")


def _head(dialect: str, _statements):
    # Only while it is unmatched: of two people assigning at once, one wins.
    return (
        update(TABLE)
        .where(
            TABLE.c.id == bindparam("payment_id", type_=TABLE.c.id.type),
            TABLE.c.match_status == literal_column("'unmatched'"),
        )
        .values(
            {c: param(c) for c in (*ASSIGNED, "match_note")}
            | {
                "match_status": literal_column("'matched'"),
                "matched_by": literal_column("'manual'"),
            }
        )
        .returning(*(TABLE.c[c] for c in RETURNED))
    )


# A payment that had no payee yet is counted now; one whose payee was known (a school's
# transfer waiting for its invoice) was counted when it arrived.
FIRST_PAYEE = Plan("assignment", _head)
KNOWN_PAYEE = Plan("assignment_known_payee", _head, count=None)


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
    payee, target = _resolve(session, actor, payment, field, value)
    before = {"payee": [payment.payee_type, payment.payee_id], "status": payment.match_status}
    _write(session, actor, payment, payee, target, reason)
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


def _resolve(session, actor, payment, field, value) -> tuple[Payee, Target | None]:
    if payment.match_status != "unmatched" or payment.kind != "payment":
        raise _already_assigned(payment.match_status)
    if reversal_of(session, payment.id):
        raise Conflict("a reversed payment cannot be assigned", errors={"payment": ["reversed"]})
    assigner = hub_of(session).assigners.get(field)
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
    return payee, target


def _write(session, actor, payment, payee: Payee, target: Target | None, reason) -> None:
    note = f"assigned by {actor.username}" + (f": {reason}" if reason else "")
    values = {
        "payment_id": payment.id,
        "payee_type": payee.type,
        "payee_id": payee.id,
        "target_type": target.type if target else None,
        "target_id": target.id if target else None,
        "target_reference": target.reference if target else None,
        "match_note": note[:300],
    }
    hub = hub_of(session)
    plan = FIRST_PAYEE if payment.payee_type is None else KNOWN_PAYEE
    if not write(session, hub.statements, plan, values):
        raise _already_assigned("matched")
    if target is not None:
        hub.apply(session, target.type, target.id, payment.amount, payment.id)
    session.refresh(payment)


def _already_assigned(status: str) -> Conflict:
    return Conflict(
        "only an unmatched payment can be assigned", errors={"payment": [f"status is {status}"]}
    )
