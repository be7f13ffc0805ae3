"""QR decoding, payment requests and their images over HTTP."""

from flask import Response
from flask_smorest import Blueprint

from market.auth import caller, require
from market.db import get_session, utcnow
from market.openapi import file_formats
from market.users import ROLES
from payments.ledger.service import READERS
from payments.qr import service as qr
from payments.qr.image import qr_png, qr_svg
from payments.qr.schemas import DecodedSchema, DecodeSchema, PaymentRequestSchema

blp = Blueprint("qr", __name__, url_prefix="/api/v1", description="VietQR codes")


@blp.post("/qr/decode")
@require(*ROLES)
@blp.arguments(DecodeSchema)
@blp.response(200, DecodedSchema)
def decode(body):
    """Parse a VietQR payload; 422 says exactly why one is refused."""
    return qr.decode(body["payload"])


@blp.get("/payment-requests/<reference>")
@require(*READERS)
@blp.response(200, PaymentRequestSchema)
def payment_request(reference):
    """A payment request of a payee the caller may see, with its status now (open, paid, or
    expired once past expires_at unpaid)."""
    return qr.get_payment_request(get_session(), reference, actor=caller(), now=utcnow())


@blp.get("/payment-requests/<reference>/qr.<any(png, svg):kind>")
@blp.response(200)
@blp.doc(security=[], **file_formats("png", "svg"))
def payment_request_image(reference, kind):
    """The QR of a payment request, to show on a screen (public: it holds no more than the
    code the payer scans)."""
    payload = qr.get_payment_request(get_session(), reference).payload
    if kind == "svg":
        return Response(qr_svg(payload), mimetype="image/svg+xml")
    return Response(qr_png(payload), mimetype="image/png")
