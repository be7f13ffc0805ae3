"""The statistics as callers ask for them: a period, filters and a format in; the figures, or
a CSV or XLSX file of them, out."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from market.exports import Column, to_csv, to_xlsx
from market.stats.periods import last_whole_month
from market.stats.report import adoption_report, tuition_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTERS = ("market", "ward", "legacy_district", "provider", "payee_type")
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


@dataclass(frozen=True)
class Download:
    """A file to hand to the caller as an attachment."""

    data: bytes
    mimetype: str
    filename: str


def period(query: dict, today: date) -> tuple[date, date]:
    """[from, to] of a query; by default the last whole month (what a monthly report covers)."""
    default = last_whole_month(today)
    return query.get("date_from") or default[0], query.get("date_to") or default[1]


def adoption_figures(session: Session, *, query: dict, today: date) -> dict | Download:
    """Acceptance points, activity, transactions and payers against a year earlier, grouped
    and filtered as query says; a file of its rows when query asks for CSV or XLSX."""
    start, end = period(query, today)
    report = adoption_report(
        session,
        start=start,
        end=end,
        group_by=query.get("group_by"),
        filters={k: query.get(k) for k in FILTERS},
        with_funnel=query["funnel"],
    )
    if query["format"] == "json":
        return report
    title = f"Thanh toán không dùng tiền mặt {start:%d/%m/%Y}–{end:%d/%m/%Y}"
    rows = [_flat(r) for r in report["rows"]]
    return _download(
        rows, ROW_COLUMNS, query["format"], f"chap-nhan-thanh-toan-{start}-{end}", title
    )


def tuition_figures(session: Session, *, query: dict, today: date) -> dict | Download:
    """Per school: billed, collected, collection rate, cashless share, outstanding."""
    start, end = period(query, today)
    rows = tuition_report(session, start=start, end=end, school_type=query.get("school_type"))
    if query["format"] == "json":
        return {"period": {"from": start.isoformat(), "to": end.isoformat()}, "rows": rows}
    title = f"Thu học phí {start:%d/%m/%Y}–{end:%d/%m/%Y}"
    return _download(rows, TUITION_COLUMNS, query["format"], f"hoc-phi-{start}-{end}", title)


def _download(rows: list[dict], columns: list[Column], kind: str, name: str, title: str):
    if kind == "csv":
        return Download(to_csv(rows, columns), "text/csv", f"{name}.csv")
    data = to_xlsx(rows, columns, sheet="Số liệu", title=title)
    return Download(data, XLSX, f"{name}.xlsx")


def _flat(row: dict) -> dict:
    change = row["growth"].get("transactions", {}).get("ratio")
    return row | {
        "previous_transactions": row["previous_year"]["transactions"],
        "previous_value": row["previous_year"]["value"],
        "growth_transactions": change,
        "registered_points": row.get("registered_points"),
        "active_points": row.get("active_points"),
    }
