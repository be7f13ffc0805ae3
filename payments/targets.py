"""Payment requests as targets of the ingest path: found by reference, paid atomically."""

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from payments.models import PaymentRequest
from payments.registry import Payee, Target


def find_payment_request(session: Session, reference: str) -> Target | None:
    """The payment request with this reference as a target, or None. The request stays
    locked until the transaction ends: of two transfers quoting it at once, the second sees
    what the first paid (a request is paid once)."""
    found = session.execute(
        select(PaymentRequest)
        .where(PaymentRequest.reference == reference)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if found is None:
        return None
    return Target(
        "payment_request",
        found.id,
        found.reference,
        Payee(found.payee_type, found.payee_id),
        found.bank_bin,
        found.account_number,
        expires_at=found.expires_at,
        paid=found.status == "paid",
    )


def apply_to_payment_request(
    session: Session, request_id: int, amount: int, _payment_id: int
) -> None:
    """Count amount (negative for a reversal) on the request in one statement, so that
    simultaneous payments are all counted."""
    paid = PaymentRequest.paid_amount + amount
    session.execute(
        update(PaymentRequest)
        .where(PaymentRequest.id == request_id)
        .values(
            paid_amount=paid,
            status=case(
                (paid >= PaymentRequest.amount, "paid"),
                (PaymentRequest.status == "paid", "open"),
                else_=PaymentRequest.status,
            ),
        )
    )
