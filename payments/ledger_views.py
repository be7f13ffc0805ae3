"""Notifications in, and the ledger out, over HTTP."""

from flask import current_app, jsonify, request
from flask_smorest import Blueprint

from market.auth import caller, require
from market.db import get_db, get_session, utcnow
from payments import ledger
from payments.notification_schemas import NOTIFICATION_DOC
from payments.notifications import receive_notification
from payments.schemas import (
    AssignSchema,
    PaymentDetailSchema,
    PaymentPageSchema,
    PaymentQuerySchema,
    ReverseSchema,
)

blp = Blueprint("payments", __name__, url_prefix="/api/v1", description="Payments")


def payer_key() -> bytes:
    """The key that turns payer accounts into stable, non-reversible hashes."""
    return (current_app.config.get("PAYER_HASH_KEY") or current_app.config["SECRET_KEY"]).encode()


@blp.route("/notifications/<provider>", methods=["POST"])
@blp.doc(**NOTIFICATION_DOC)
def notify(provider):
    """Record a credited transfer exactly once; answers in the provider's own format."""
    db = get_db()
    status, body = receive_notification(
        get_session,
        provider_name=provider,
        headers=request.headers,
        body=request.get_data(cache=True),
        now=utcnow(),
        payer_key=payer_key(),
        cache_seconds=current_app.config["PROVIDER_CACHE_SECONDS"],
        direct=db.direct if db.engine.dialect.name == "postgresql" else None,
    )
    return jsonify(body), status


@blp.get("/payments")
@require(*ledger.READERS)
@blp.arguments(PaymentQuerySchema, location="query")
@blp.response(200, PaymentPageSchema)
def list_payments(query):
    """Payments of the payees the caller may see."""
    session = get_session()
    page = ledger.list_payments(session, actor=caller(), after=query.pop("cursor"), **query)
    return {"items": ledger.annotate(session, page.items), "next_cursor": page.next_cursor}


@blp.get("/payments/<int:payment_id>")
@require(*ledger.READERS)
@blp.response(200, PaymentDetailSchema)
def get_payment(payment_id):
    """One payment, with what it matched and why."""
    session = get_session()
    return ledger.annotate(
        session, [ledger.get_payment(session, actor=caller(), payment_id=payment_id)]
    )[0]


@blp.post("/payments/<int:payment_id>/assign")
@require(*ledger.CORRECTORS)
@blp.arguments(AssignSchema)
@blp.response(200, PaymentDetailSchema)
def assign(body, payment_id):
    """Resolve an unmatched payment: {invoice_reference}, {vendor_id} or {reference}."""
    session = get_session()
    reason = body.pop("reason", None)
    ((field, value),) = body.items()
    payment = ledger.assign(
        session, actor=caller(), payment_id=payment_id, field=field, value=str(value), reason=reason
    )
    return ledger.annotate(session, [payment])[0]


@blp.post("/payments/<int:payment_id>/reverse")
@require(*ledger.CORRECTORS)
@blp.arguments(ReverseSchema)
@blp.response(201, PaymentDetailSchema)
def reverse(body, payment_id):
    """Reverse a wrong payment by a new, reversing record."""
    session = get_session()
    reversal = ledger.reverse(
        session, actor=caller(), payment_id=payment_id, reason=body["reason"], now=utcnow()
    )
    return ledger.annotate(session, [reversal])[0]
