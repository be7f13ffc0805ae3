"""QR and payment-request bodies in and out."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from market.fields import Id, InputSchema, ListQuerySchema, Money, PageSchema, Text


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


class CloseDaySchema(InputSchema):
    business_date = fields.Date(required=True)


class SettlementQuerySchema(ListQuerySchema):
    business_date = fields.Date()
    payee_type = fields.String(validate=validate.Length(max=20))
    payee_id = Id()
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class SettlementSchema(Schema):
    id = fields.Integer()
    business_date = fields.Date()
    payee = fields.Function(lambda s: {"type": s.payee_type, "id": s.payee_id})
    payment_count = fields.Integer()
    gross_amount = fields.Integer()
    fee_amount = fields.Integer()
    net_amount = fields.Integer()
    adjustment_count = fields.Integer()
    adjustment_amount = fields.Integer()
    closed_at = fields.DateTime()


class SettlementPageSchema(PageSchema):
    items = fields.List(fields.Nested(SettlementSchema))


class FormatQuerySchema(InputSchema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class ReconciliationFormSchema(InputSchema):
    provider = fields.String(required=True, validate=validate.Length(min=1, max=40))


class UploadSchema(InputSchema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ReconciliationLineSchema(Schema):
    bucket = fields.String()
    provider_txn_id = fields.String()
    statement_line = fields.Integer(allow_none=True)
    statement_amount = fields.Integer(allow_none=True)
    ledger_amount = fields.Integer(allow_none=True)
    payment_id = fields.Integer(allow_none=True)


class ReconciliationSchema(Schema):
    id = fields.Integer()
    filename = fields.String(allow_none=True)
    period_start = fields.DateTime(allow_none=True)
    period_end = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    matched = fields.Integer()
    missing_in_ledger = fields.Integer()
    missing_in_statement = fields.Integer()
    amount_mismatch = fields.Integer()
    duplicates = fields.Integer()
    # Lines whose transfer another provider reported first (see payments/reconcile.py).
    matched_other_provider = fields.Integer()
    lines = fields.List(fields.Nested(ReconciliationLineSchema))


class ImportedLineSchema(Schema):
    provider_txn_id = fields.String()
    status = fields.String(metadata={"description": "recorded or duplicate"})
    payment_id = fields.Integer()


class ImportMissingSchema(Schema):
    results = fields.List(fields.Nested(ImportedLineSchema))
