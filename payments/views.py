"""QR decoding and payment-request images over HTTP."""

from flask import Response
from flask_smorest import Blueprint

from market.auth import require
from market.db import get_session
from market.openapi import file_formats
from market.users import ROLES
from payments import qr
from payments.qrimage import qr_png, qr_svg
from payments.schemas import DecodedSchema, DecodeSchema

blp = Blueprint("qr", __name__, url_prefix="/api/v1", description="VietQR codes")


@blp.post("/qr/decode")
@require(*ROLES)
@blp.arguments(DecodeSchema)
@blp.response(200, DecodedSchema)
def decode(body):
    """Parse a VietQR payload; 422 says exactly why one is refused."""
    return qr.decode(body["payload"])


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
