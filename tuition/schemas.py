"""Schools, students, fee plans, exemptions and invoices in and out."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from market.fields import InputSchema, ListQuerySchema, Money, PageSchema, Text
from market.identity import mask
from tuition.models import INVOICE_STATUSES, LINE_KINDS, SCHOOL_TYPES

SCHOOL_CODE = validate.Regexp(r"^[A-Z0-9][A-Z0-9-]{1,29}$", error="2–30 of A-Z, 0-9 and '-'.")


class SchoolCreateSchema(InputSchema):
    code = fields.String(required=True, validate=SCHOOL_CODE)
    name = Text(required=True, max_length=200)
    type = fields.String(required=True, validate=validate.OneOf(SCHOOL_TYPES))
    ward_code = fields.String(validate=validate.Regexp(r"^\d{5}$", error="5 digits."))
    legacy_district = Text(max_length=100)
    address = Text(max_length=300)
    bank = Text(required=True, max_length=100)
    account_number = Text(required=True, max_length=40)
    account_name = Text(max_length=100)


class SchoolSchema(Schema):
    code = fields.String()
    name = fields.String()
    type = fields.String()
    ward_code = fields.String(allow_none=True)
    legacy_district = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    payout = fields.Function(
        lambda s: {
            "bank_bin": s.bank_bin,
            "account_number": s.account_number,
            "account_name": s.account_name,
        }
    )


class LineSchema(InputSchema):
    item = Text(required=True, max_length=200)
    kind = fields.String(required=True, validate=validate.OneOf(LINE_KINDS))
    amount = Money(required=True)


class FeePlanCreateSchema(InputSchema):
    name = Text(required=True, max_length=200)
    school_year = fields.String(required=True, validate=validate.Length(max=20))
    term = Text(max_length=40)
    due_date = fields.Date(required=True)
    classes = fields.List(
        fields.String(validate=validate.Length(min=1, max=10)),
        required=True,
        validate=validate.Length(min=1, max=200),
    )
    lines = fields.List(
        fields.Nested(LineSchema), required=True, validate=validate.Length(min=1, max=50)
    )

    @validates_schema
    def _upper_classes(self, data, **_kwargs):
        if "classes" in data:
            data["classes"] = [c.strip().upper().replace(" ", "") for c in data["classes"]]


class FeePlanSchema(Schema):
    id = fields.Integer()
    school = fields.Function(lambda p: p.school.code)
    name = fields.String()
    school_year = fields.String()
    term = fields.String(allow_none=True)
    due_date = fields.Date()
    classes = fields.List(fields.String())
    lines = fields.Function(
        lambda p: [{"item": ln.item, "kind": ln.kind, "amount": ln.amount} for ln in p.lines]
    )
    total_amount = fields.Function(lambda p: sum(ln.amount for ln in p.lines))


class ReissueSchema(InputSchema):
    reason = Text(required=True, max_length=300)


class ExemptionCreateSchema(InputSchema):
    percent = fields.Integer(strict=True, validate=validate.Range(min=1, max=100))
    amount = Money()
    kinds = fields.List(
        fields.String(validate=validate.OneOf(LINE_KINDS)), validate=validate.Length(min=1)
    )
    reason = Text(required=True, max_length=300)
    legal_basis = Text(max_length=200)
    valid_from = fields.Date()
    valid_to = fields.Date()

    @validates_schema
    def _one_kind_of_reduction(self, data, **_kwargs):
        if ("percent" in data) == ("amount" in data):
            raise ValidationError("Give a percent or an amount, not both.", "percent")
        if (
            data.get("valid_from")
            and data.get("valid_to")
            and data["valid_to"] < data["valid_from"]
        ):
            raise ValidationError("Ends before it starts.", "valid_to")


class ExemptionEndSchema(InputSchema):
    on = fields.Date(metadata={"description": "the last day it covers; today by default"})


class ExemptionSchema(Schema):
    id = fields.Integer()
    student_id = fields.Integer()
    percent = fields.Integer(allow_none=True)
    amount = fields.Integer(allow_none=True)
    kinds = fields.List(fields.String(), allow_none=True)
    reason = fields.String()
    legal_basis = fields.String(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)


class InvoiceQuerySchema(ListQuerySchema):
    school = fields.String(validate=validate.Length(max=30))
    class_name = fields.String(data_key="class", validate=validate.Length(max=10))
    status = fields.String(validate=validate.OneOf(INVOICE_STATUSES))
    plan_id = fields.Integer(data_key="plan", validate=validate.Range(min=1, max=2**63 - 1))


class InvoiceSchema(Schema):
    reference = fields.String()
    status = fields.String()
    school = fields.Function(lambda i: i.plan.school.code)
    plan = fields.Function(
        lambda i: {"id": i.plan_id, "name": i.plan.name, "school_year": i.plan.school_year}
    )
    student = fields.Function(
        lambda i: {
            "id": i.student_id,
            "code": i.student.student_code,
            "name": i.student.full_name,
            "class": i.student.class_name,
        }
    )
    lines = fields.Function(
        lambda i: [
            {
                "item": ln.item,
                "kind": ln.kind,
                "base_amount": ln.base_amount,
                "discount_amount": ln.discount_amount,
                "amount": ln.amount,
            }
            for ln in i.lines
        ]
    )
    total_amount = fields.Integer()
    paid_amount = fields.Integer()
    balance = fields.Integer()
    credit = fields.Function(lambda i: max(-i.balance, 0))
    due_date = fields.Date()
    issued_at = fields.DateTime()
    qr_png = fields.Function(lambda i: f"/api/v1/invoices/{i.reference}/qr.png")


class ReceiptSchema(Schema):
    number = fields.String(attribute="label")
    payment_id = fields.Integer()
    amount = fields.Integer()
    balance_after = fields.Integer()
    issued_at = fields.DateTime()
    status = fields.String(metadata={"description": "issued, or cancelled: payment reversed"})
    cancelled_at = fields.DateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    pdf = fields.Function(lambda r: f"/api/v1/payments/{r.payment_id}/receipt.pdf")


class InvoiceDetailSchema(InvoiceSchema):
    receipts = fields.List(fields.Nested(ReceiptSchema))


class InvoicePageSchema(PageSchema):
    items = fields.List(fields.Nested(InvoiceSchema))


class CashSchema(InputSchema):
    amount = Money(required=True)
    note = Text(max_length=200)


class VoidSchema(InputSchema):
    reason = Text(required=True, max_length=300)


class ReportQuerySchema(InputSchema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "xlsx")))


class FeePlanUpdateSchema(FeePlanCreateSchema):
    """Any subset of a plan's fields (used with partial=True)."""


class IssueResultSchema(Schema):
    issued = fields.Integer()
    skipped = fields.Integer(metadata={"description": "students who already had an invoice"})


class ReissueResultSchema(Schema):
    voided = fields.Integer()
    issued = fields.Integer()
    kept_with_payments = fields.List(
        fields.String(), metadata={"description": "references of invoices already (partly) paid"}
    )


class OutstandingRowSchema(Schema):
    class_name = fields.String()
    student_code = fields.String()
    student_name = fields.String()
    plan = fields.String()
    reference = fields.String()
    due_date = fields.String(metadata={"format": "date"})
    total_amount = fields.Integer()
    paid_amount = fields.Integer()
    balance = fields.Integer()
    days_overdue = fields.Integer()


ClassBalanceSchema = Schema.from_dict(
    {"class": fields.String(), "invoices": fields.Integer(), "balance": fields.Integer()},
    name="ClassBalance",
)


class OutstandingSchema(Schema):
    items = fields.List(fields.Nested(OutstandingRowSchema))
    by_class = fields.List(fields.Nested(ClassBalanceSchema))
    total_balance = fields.Integer()


class StudentQuerySchema(ListQuerySchema):
    class_name = fields.String(data_key="class", validate=validate.Length(max=10))
    q = Text(max_length=100, metadata={"description": "name (accent-insensitive) or code"})


class StudentSchema(Schema):
    id = fields.Integer()
    school = fields.Function(lambda s: s.school.code)
    student_code = fields.String()
    full_name = fields.String()
    class_name = fields.String(data_key="class")
    date_of_birth = fields.Date(allow_none=True)
    guardian_name = fields.String()
    guardian_phone = fields.Function(
        lambda s: mask(s.guardian_phone, 3), metadata={"description": "masked in lists"}
    )


class StudentPageSchema(PageSchema):
    items = fields.List(fields.Nested(StudentSchema))


class StudentDetailSchema(StudentSchema):
    guardian_phone = fields.String()
    exemptions = fields.Method("_exemptions")

    def _exemptions(self, student) -> list:
        return ExemptionSchema(many=True).dump(student.exemptions)


class ClassQuerySchema(InputSchema):
    class_name = fields.String(data_key="class", required=True, validate=validate.Length(max=12))
