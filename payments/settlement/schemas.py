"""Settlements in and out."""

from marshmallow import Schema, fields, validate

from market.fields import Id, InputSchema, ListQuerySchema, PageSchema


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
