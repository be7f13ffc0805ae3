"""A vendor's QR code, placards and payment requests over HTTP."""

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from market.auth import caller, require
from market.db import get_session
from market.fields import InputSchema
from market.markets.service import get_market
from market.openapi import file_formats
from payments.qr.schemas import PaymentRequestCreateSchema, PaymentRequestSchema
from vendors import placards, service

blp = Blueprint("vendor_qr", __name__, url_prefix="/api/v1", description="Vendor QR codes")


class PlacardsQuerySchema(InputSchema):
    per_page = fields.Integer(load_default=2, validate=validate.OneOf([1, 2, 4]))
    only_new = fields.Boolean(
        load_default=False, metadata={"description": "only the vendors never given a placard"}
    )


class VendorQRSchema(Schema):
    payload = fields.String()
    point_of_initiation = fields.String()
    bank_bin = fields.String()
    account_number = fields.String()
    account_name = fields.String()


def _file(data: bytes, mimetype: str, name: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@blp.get("/vendors/<int:vendor_id>/qr")
@require(*service.READERS)
@blp.response(200, VendorQRSchema)
def vendor_qr(vendor_id):
    """The static VietQR of an active vendor's stall."""
    return placards.vendor_qr(get_session(), actor=caller(), vendor_id=vendor_id)


@blp.get("/vendors/<int:vendor_id>/placard.<any(png, pdf):kind>")
@require(*service.READERS)
@blp.response(200)
@blp.doc(**file_formats("png", "pdf"))
def vendor_placard(vendor_id, kind):
    """The stall placard of an active vendor, as PNG or a one-page PDF."""
    data = placards.vendor_placard(get_session(), actor=caller(), vendor_id=vendor_id, kind=kind)
    mimetype = "image/png" if kind == "png" else "application/pdf"
    return _file(data, mimetype, f"placard-{vendor_id}.{kind}")


@blp.get("/markets/<code>/placards.pdf")
@require(*service.MANAGERS)
@blp.arguments(PlacardsQuerySchema, location="query")
@blp.response(200)
@blp.doc(**file_formats("pdf"))
def market_placards(query, code):
    """Every active vendor's placard, ordered by stall, with cut marks (1, 2 or 4 a page)."""
    session = get_session()
    data = placards.market_placards(
        session, actor=caller(), market=get_market(session, code), **query
    )
    return _file(data, "application/pdf", f"placards-{code.upper()}.pdf")


@blp.post("/vendors/<int:vendor_id>/payment-requests")
@require(*service.READERS)
@blp.arguments(PaymentRequestCreateSchema)
@blp.response(201, PaymentRequestSchema)
def request_payment(body, vendor_id):
    """A one-off QR with the amount (and a reference) filled in, for a sale at the stall."""
    return placards.request_payment(
        get_session(),
        actor=caller(),
        vendor_id=vendor_id,
        amount=body["amount"],
        description=body.get("description"),
        expires_in=body.get("expires_in"),
    )
