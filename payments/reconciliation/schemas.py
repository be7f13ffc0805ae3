"""Statements in, findings out."""

from marshmallow import Schema, fields, validate

from market.fields import InputSchema


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
