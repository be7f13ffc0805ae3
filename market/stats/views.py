"""Statistics over HTTP: JSON, CSV and XLSX (Vietnamese headers, numbers as numbers)."""

from datetime import date

from flask import Response
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate, validates_schema

from market.auth import require
from market.db import get_session
from market.exports import Column, to_csv, to_xlsx
from market.fields import InputSchema
from market.openapi import file_formats
from market.stats import adoption
from market.stats.periods import business_today, last_whole_month
from market.stats.report import adoption_report, tuition_report
from market.stats.schemas import AdoptionReportSchema, TuitionReportSchema

blp = Blueprint("stats", __name__, url_prefix="/api/v1/stats", description="Statistics")
READERS = ("admin", "bank_staff")
FORMATS = ("json", "csv", "xlsx")


class PeriodSchema(InputSchema):
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))

    @validates_schema
    def _order(self, data, **_kwargs):
        start, end = period(data)
        if end < start:
            raise ValidationError("'to' is before 'from'.", "to")
        if (end - start).days > 3 * 366:
            raise ValidationError("At most three years at a time.", "to")


class AdoptionQuerySchema(PeriodSchema):
    group_by = fields.String(validate=validate.OneOf(adoption.DIMENSIONS))
    market = fields.String(validate=validate.Length(max=30))
    ward = fields.String(validate=validate.Length(max=10))
    legacy_district = fields.String(validate=validate.Length(max=100))
    provider = fields.String(validate=validate.Length(max=40))
    payee_type = fields.String(validate=validate.OneOf(("vendor", "school")))
    funnel = fields.Boolean(load_default=False)


class TuitionQuerySchema(PeriodSchema):
    school_type = fields.String(validate=validate.OneOf(("public", "private")))


def period(query: dict) -> tuple[date, date]:
    """[from, to]; by default the last whole month (what the monthly report covers)."""
    default = last_whole_month(business_today())
    return query.get("date_from") or default[0], query.get("date_to") or default[1]


ROW_COLUMNS = [
    Column("key", "Nhóm"),
    Column("transactions", "Số giao dịch", "int"),
    Column("value", "Giá trị", "money"),
    Column("average_ticket", "Bình quân/GD", "money"),
    Column("registered_points", "Điểm chấp nhận", "int"),
    Column("active_points", "Điểm hoạt động 30 ngày", "int"),
    Column("previous_transactions", "Số GD cùng kỳ năm trước", "int"),
    Column("previous_value", "Giá trị cùng kỳ năm trước", "money"),
    Column("growth_transactions", "Tăng trưởng số GD", "percent"),
]
TUITION_COLUMNS = [
    Column("school", "Mã trường"),
    Column("name", "Tên trường"),
    Column("type", "Loại hình"),
    Column("billed", "Phải thu", "money"),
    Column("collected", "Đã thu", "money"),
    Column("collection_rate", "Tỷ lệ thu", "percent"),
    Column("cashless_share", "Tỷ lệ không dùng tiền mặt", "percent"),
    Column("outstanding", "Còn phải thu", "money"),
]


def _file(rows: list[dict], columns: list[Column], kind: str, name: str, title: str):
    if kind == "csv":
        response = Response(to_csv(rows, columns), mimetype="text/csv")
    else:
        response = Response(
            to_xlsx(rows, columns, sheet="Số liệu", title=title),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def _flat(row: dict) -> dict:
    change = row["growth"].get("transactions", {}).get("ratio")
    return row | {
        "previous_transactions": row["previous_year"]["transactions"],
        "previous_value": row["previous_year"]["value"],
        "growth_transactions": change,
        "registered_points": row.get("registered_points"),
        "active_points": row.get("active_points"),
    }


@blp.get("/adoption")
@require(*READERS)
@blp.arguments(AdoptionQuerySchema, location="query")
@blp.response(200, AdoptionReportSchema)
@blp.doc(**file_formats("csv", "xlsx", description="JSON, or with ?format= a CSV or XLSX file"))
def adoption_stats(query):
    """Acceptance points, activity, transactions and payers, against a year earlier."""
    start, end = period(query)
    filters = {
        k: query.get(k) for k in ("market", "ward", "legacy_district", "provider", "payee_type")
    }
    report = adoption_report(
        get_session(),
        start=start,
        end=end,
        group_by=query.get("group_by"),
        filters=filters,
        with_funnel=query["funnel"],
    )
    if query["format"] == "json":
        return report
    return _file(
        [_flat(r) for r in report["rows"]],
        ROW_COLUMNS,
        query["format"],
        f"chap-nhan-thanh-toan-{start}-{end}",
        f"Thanh toán không dùng tiền mặt {start:%d/%m/%Y}–{end:%d/%m/%Y}",
    )


@blp.get("/tuition")
@require(*READERS)
@blp.arguments(TuitionQuerySchema, location="query")
@blp.response(200, TuitionReportSchema)
@blp.doc(**file_formats("csv", "xlsx", description="JSON, or with ?format= a CSV or XLSX file"))
def tuition_stats(query):
    """Per school: billed, collected, collection rate, cashless share, outstanding."""
    start, end = period(query)
    rows = tuition_report(get_session(), start=start, end=end, school_type=query.get("school_type"))
    if query["format"] == "json":
        return {"period": {"from": start.isoformat(), "to": end.isoformat()}, "rows": rows}
    return _file(
        rows,
        TUITION_COLUMNS,
        query["format"],
        f"hoc-phi-{start}-{end}",
        f"Thu học phí {start:%d/%m/%Y}–{end:%d/%m/%Y}",
    )
