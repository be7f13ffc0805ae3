"""Payments in and out."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from market.fields import Id, InputSchema, ListQuerySchema, PageSchema, Text


class PaymentQuerySchema(ListQuerySchema):
    payee_type = fields.String(validate=validate.Length(max=20))
    payee_id = Id()
    status = fields.String(validate=validate.OneOf(("matched", "unmatched", "reversed")))
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")


class PayerSchema(Schema):
    bank_bin = fields.String(attribute="payer_bin", allow_none=True)
    account = fields.String(attribute="payer_account_masked", allow_none=True)


class PaymentSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    method = fields.String()
    source = fields.String()
    provider_txn_id = fields.String(allow_none=True)
    amount = fields.Integer()
    fee_amount = fields.Integer()
    occurred_at = fields.DateTime()
    business_date = fields.Date()
    received_at = fields.DateTime()
    description = fields.String(allow_none=True)
    credit_bin = fields.String(allow_none=True)
    credit_account = fields.String(allow_none=True)
    payer = fields.Function(lambda p: PayerSchema().dump(p))
    payee = fields.Function(
        lambda p: {"type": p.payee_type, "id": p.payee_id} if p.payee_type else None
    )
    target = fields.Function(
        lambda p: (
            {"type": p.target_type, "id": p.target_id, "reference": p.target_reference}
            if p.target_type
            else None
        )
    )
    status = fields.String(attribute="status_label")
    matched_by = fields.String(allow_none=True)
    match_note = fields.String(allow_none=True)
    reverses_id = fields.Integer(allow_none=True)
    reversed_by_id = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)


class PaymentDetailSchema(PaymentSchema):
    payer = fields.Function(lambda p: PayerSchema().dump(p) | {"name": p.payer_name})


class PaymentPageSchema(PageSchema):
    items = fields.List(fields.Nested(PaymentSchema))


ASSIGN_FIELDS = ("invoice_reference", "vendor_id", "reference")


class AssignSchema(InputSchema):
    invoice_reference = fields.String(validate=validate.Length(min=1, max=40))
    vendor_id = Id(strict=True)
    reference = fields.String(validate=validate.Length(min=1, max=40))
    reason = Text(max_length=500)

    @validates_schema
    def _exactly_one(self, data, **_kwargs):
        given = [f for f in ASSIGN_FIELDS if f in data]
        if len(given) != 1:
            raise ValidationError(
                "Give exactly one of invoice_reference, vendor_id, reference.",
                field_name="assignment",
            )


class ReverseSchema(InputSchema):
    reason = Text(required=True, max_length=500)
