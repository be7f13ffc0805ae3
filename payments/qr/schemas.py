"""QR decoding and payment requests in and out."""

from marshmallow import Schema, fields, validate

from market.fields import InputSchema, Money, Text


class DecodeSchema(InputSchema):
    payload = fields.String(required=True, validate=validate.Length(max=65536))


class DecodedSchema(Schema):
    valid = fields.Boolean()
    point_of_initiation = fields.String()
    bank_bin = fields.String()
    account_number = fields.String()
    service_code = fields.String()
    amount = fields.Integer(allow_none=True)
    currency = fields.String()
    country = fields.String()
    merchant_name = fields.String(allow_none=True)
    merchant_city = fields.String(allow_none=True)
    bill_number = fields.String(allow_none=True)
    reference_label = fields.String(allow_none=True)
    terminal_label = fields.String(allow_none=True)
    purpose = fields.String(allow_none=True)
    crc = fields.String()


class PaymentRequestCreateSchema(InputSchema):
    amount = Money(required=True)
    description = Text(max_length=100)
    expires_in = fields.Integer(
        strict=True,
        validate=validate.Range(min=60, max=86400),
        metadata={"description": "seconds until the code expires"},
    )


class PaymentRequestSchema(Schema):
    reference = fields.String()
    amount = fields.Integer()
    paid_amount = fields.Integer()
    description = fields.String(allow_none=True)
    payload = fields.String()
    status = fields.String(
        attribute="status_label",
        metadata={"description": "open, paid, or expired once past expires_at unpaid"},
    )
    expires_at = fields.DateTime()
    created_at = fields.DateTime()
    qr_png = fields.Function(lambda r: f"/api/v1/payment-requests/{r.reference}/qr.png")
