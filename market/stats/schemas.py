"""The statistics questions and answers, declared: the period, filters and format /stats/adoption
and /stats/tuition take, and what they return as JSON."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from market.fields import InputSchema
from market.stats import adoption, service
from market.stats.periods import business_today

# "from" is a Python keyword: the fields are named in a dict.
PeriodSchema = Schema.from_dict(
    {
        "from": fields.String(metadata={"format": "date"}),
        "to": fields.String(metadata={"format": "date"}),
    },
    name="Period",
)


class GrowthSchema(Schema):
    ratio = fields.Float(allow_none=True, metadata={"description": "None from zero"})
    label = fields.String(metadata={"example": "+42,75%"})


def _growths(description: str) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(),
        values=fields.Nested(GrowthSchema),
        metadata={"description": description},
    )


class FlowSchema(Schema):
    transactions = fields.Integer()
    value = fields.Integer()
    average_ticket = fields.Integer()


class TotalsSchema(FlowSchema):
    registered_points = fields.Integer()
    active_points = fields.Integer()
    active_share = fields.Float(allow_none=True)
    distinct_payers = fields.Integer(
        allow_none=True, metadata={"description": "whole calendar months or years only"}
    )
    banks_seen = fields.Integer()


class YearAgoFlowSchema(Schema):
    transactions = fields.Integer()
    value = fields.Integer()


class AdoptionRowSchema(FlowSchema):
    key = fields.String(allow_none=True, metadata={"description": "the group (None: no place)"})
    registered_points = fields.Integer(metadata={"description": "groupings by place only"})
    active_points = fields.Integer(metadata={"description": "groupings by place only"})
    previous_year = fields.Nested(YearAgoFlowSchema)
    growth = _growths("against the same group a year earlier")


class ComparisonsSchema(Schema):
    previous_year = _growths("against the same period a year earlier")
    previous_period = _growths("against the period just before")


class FunnelSchema(Schema):
    registered = fields.Integer()
    placard_printed = fields.Integer()
    first_payment = fields.Integer()
    active = fields.Integer()


class AdoptionReportSchema(Schema):
    period = fields.Nested(PeriodSchema)
    filters = fields.Dict(keys=fields.String(), values=fields.String())
    group_by = fields.String(allow_none=True)
    totals = fields.Nested(TotalsSchema)
    previous_year = fields.Nested(TotalsSchema)
    previous_period = fields.Nested(FlowSchema)
    growth = fields.Nested(ComparisonsSchema)
    funnel = fields.Nested(FunnelSchema, metadata={"description": "with ?funnel=true"})
    rows = fields.List(fields.Nested(AdoptionRowSchema))


class SchoolFiguresSchema(Schema):
    school = fields.String()
    name = fields.String()
    type = fields.String()
    ward = fields.String(allow_none=True)
    legacy_district = fields.String(allow_none=True)
    billed = fields.Integer()
    collected = fields.Integer()
    collection_rate = fields.Float(allow_none=True)
    received = fields.Integer()
    received_by_transfer = fields.Integer()
    cashless_share = fields.Float(allow_none=True)
    outstanding = fields.Integer()


class TuitionReportSchema(Schema):
    period = fields.Nested(PeriodSchema)
    rows = fields.List(fields.Nested(SchoolFiguresSchema))


FORMATS = ("json", "csv", "xlsx")


class PeriodQuerySchema(InputSchema):
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))

    @validates_schema
    def _order(self, data, **_kwargs):
        start, end = service.period(data, business_today())
        if end < start:
            raise ValidationError("'to' is before 'from'.", "to")
        if (end - start).days > 3 * 366:
            raise ValidationError("At most three years at a time.", "to")


class AdoptionQuerySchema(PeriodQuerySchema):
    group_by = fields.String(validate=validate.OneOf(adoption.DIMENSIONS))
    market = fields.String(validate=validate.Length(max=30))
    ward = fields.String(validate=validate.Length(max=10))
    legacy_district = fields.String(validate=validate.Length(max=100))
    provider = fields.String(validate=validate.Length(max=40))
    payee_type = fields.String(validate=validate.OneOf(("vendor", "school")))
    funnel = fields.Boolean(load_default=False)


class TuitionQuerySchema(PeriodQuerySchema):
    school_type = fields.String(validate=validate.OneOf(("public", "private")))
