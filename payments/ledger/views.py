"""The ledger out over HTTP: payments, assignment, reversal."""

from flask_smorest import Blueprint

from market.auth import caller, require
from market.db import get_session, utcnow
from payments.ledger import assignment, reversal, service
from payments.ledger.schemas import (
    AssignSchema,
    PaymentDetailSchema,
    PaymentPageSchema,
    PaymentQuerySchema,
    ReverseSchema,
)

blp = Blueprint("payments", __name__, url_prefix="/api/v1", description="Payments")


@blp.get("/payments")
@require(*service.READERS)
@blp.arguments(PaymentQuerySchema, location="query")
@blp.response(200, PaymentPageSchema)
def list_payments(query):
    """Payments of the payees the caller may see."""
    session = get_session()
    page = service.list_payments(session, actor=caller(), after=query.pop("cursor"), **query)
    return {"items": service.annotate(session, page.items), "next_cursor": page.next_cursor}


@blp.get("/payments/<int:payment_id>")
@require(*service.READERS)
@blp.response(200, PaymentDetailSchema)
def get_payment(payment_id):
    """One payment, with what it matched and why."""
    session = get_session()
    return service.annotate(
        session, [service.get_payment(session, actor=caller(), payment_id=payment_id)]
    )[0]


@blp.post("/payments/<int:payment_id>/assign")
@require(*service.CORRECTORS)
@blp.arguments(AssignSchema)
@blp.response(200, PaymentDetailSchema)
def assign(body, payment_id):
    """Resolve an unmatched payment: {invoice_reference}, {vendor_id} or {reference}."""
    session = get_session()
    reason = body.pop("reason", None)
    ((field, value),) = body.items()
    payment = assignment.assign(
        session, actor=caller(), payment_id=payment_id, field=field, value=str(value), reason=reason
    )
    return service.annotate(session, [payment])[0]


@blp.post("/payments/<int:payment_id>/reverse")
@require(*service.CORRECTORS)
@blp.arguments(ReverseSchema)
@blp.response(201, PaymentDetailSchema)
def reverse(body, payment_id):
    """Reverse a wrong payment by a new, reversing record."""
    session = get_session()
    record = reversal.reverse(
        session, actor=caller(), payment_id=payment_id, reason=body["reason"], now=utcnow()
    )
    return service.annotate(session, [record])[0]
