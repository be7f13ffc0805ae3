"""Markets in and out."""

from marshmallow import Schema, fields, validate

from market.fields import InputSchema, ListQuerySchema, PageSchema, Text

MARKET_CODE = validate.Regexp(r"^[A-Z0-9][A-Z0-9-]{1,29}$", error="2–30 of A-Z, 0-9 and '-'.")


class MarketCreateSchema(InputSchema):
    code = fields.String(required=True, validate=MARKET_CODE)
    name = Text(required=True, max_length=200)
    ward_code = fields.String(validate=validate.Regexp(r"^\d{5}$", error="5 digits."))
    ward_name = Text(max_length=100)
    legacy_district = Text(max_length=100)
    address = Text(max_length=300)


class MarketSchema(Schema):
    code = fields.String()
    name = fields.String()
    ward_code = fields.String(allow_none=True)
    ward_name = fields.String(allow_none=True)
    legacy_district = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    vendor_counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    created_at = fields.DateTime()


class MarketPageSchema(PageSchema):
    items = fields.List(fields.Nested(MarketSchema))


class MarketQuerySchema(ListQuerySchema):
    pass
