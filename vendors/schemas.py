"""Vendors in and out. Personal data leaves masked unless the caller may see it whole."""

from marshmallow import Schema, fields, validate

from market.banks import bank_by_bin
from market.fields import InputSchema, ListQuerySchema, PageSchema, Text
from market.identity import mask
from market.roster.schemas import ImportQuerySchema
from vendors.rules import STATUSES


class VendorCreateSchema(InputSchema):
    stall = Text(required=True, max_length=40)
    full_name = Text(required=True, max_length=200)
    phone = Text(required=True, max_length=40)
    national_id = Text(max_length=40, allow_none=True)
    category = Text(max_length=60, allow_none=True)
    bank = Text(required=True, max_length=100)
    account_number = Text(required=True, max_length=40)
    account_name = Text(max_length=100, allow_none=True)


class VendorUpdateSchema(VendorCreateSchema):
    """Any subset of the creation fields (used with partial=True)."""


class StatusChangeSchema(InputSchema):
    reason = Text(
        max_length=500,
        metadata={"description": "why; required to suspend or close (422 without one)"},
    )


class VendorQuerySchema(ListQuerySchema):
    market = fields.String(validate=validate.Length(max=30))
    status = fields.String(validate=validate.OneOf(STATUSES))
    category = Text(max_length=60)
    q = Text(max_length=100)


class VendorImportQuerySchema(ImportQuerySchema):
    activate = fields.Boolean(
        load_default=False, metadata={"description": "imported vendors become active at once"}
    )


class PayoutSchema(Schema):
    bank_bin = fields.String()
    bank_name = fields.Function(lambda v: getattr(bank_by_bin(v.bank_bin), "short_name", None))
    account_number = fields.String()
    account_name = fields.String()


class VendorSchema(Schema):
    id = fields.Integer()
    market = fields.Function(lambda v: v.market.code)
    stall = fields.String()
    full_name = fields.String()
    phone = fields.String()
    national_id = fields.Function(lambda v: mask(v.national_id))
    category = fields.String(allow_none=True)
    status = fields.String()
    status_reason = fields.String(allow_none=True)
    payout = fields.Function(lambda v: PayoutSchema().dump(v))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class VendorListItemSchema(VendorSchema):
    phone = fields.Function(lambda v: mask(v.phone, 3))


class VendorPageSchema(PageSchema):
    items = fields.List(fields.Nested(VendorListItemSchema))


class AuditEntrySchema(Schema):
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    changes = fields.Method("masked_changes")
    reason = fields.String(allow_none=True)

    def masked_changes(self, entry) -> dict:
        """Changes with national IDs masked."""
        changes = dict(entry.changes or {})
        if "national_id" in changes:
            changes["national_id"] = [mask(v) for v in changes["national_id"]]
        return changes
