"""The dashboard's table: one row per group with the name people read, a total row, and the
same rows and columns as CSV or XLSX (what is on screen is what is exported). Pure."""

from dataclasses import dataclass
from datetime import date

from market.exports import Column, to_csv, to_xlsx
from market.stats.choices import GROUPINGS, NO_PLACE
from market.stats.service import XLSX, Download

TOTAL = "Tổng cộng"
FLOWS = [
    Column("transactions", "Số giao dịch", "int"),
    Column("value", "Giá trị", "money"),
    Column("average_ticket", "Bình quân/GD", "money"),
]
POINTS = [
    Column("registered_points", "Điểm chấp nhận", "int"),
    Column("active_points", "Điểm hoạt động 30 ngày", "int"),
]
YEAR_AGO = [
    Column("previous_transactions", "Số GD cùng kỳ năm trước", "int"),
    Column("previous_value", "Giá trị cùng kỳ năm trước", "money"),
    Column("growth_transactions", "Tăng trưởng số GD", "percent"),
]
PLACES = ("market", "ward", "legacy_district", "category")


@dataclass(frozen=True)
class Table:
    """A titled table: its columns, its rows (dicts keyed by column) and the total row."""

    title: str
    columns: list[Column]
    rows: list[dict]
    total: dict


def figures_table(report: dict, group_by: str, names: dict[str, dict]) -> Table:
    """The report's rows by group_by as a table, codes replaced by names."""
    heading = dict(GROUPINGS)[group_by]
    columns = [Column("label", heading), *FLOWS, *(POINTS if group_by in PLACES else []), *YEAR_AGO]
    rows = [_row(r, _label(r["key"], group_by, names)) for r in report["rows"]]
    totals = report["totals"] | {
        "previous_year": report["previous_year"],
        "growth": report["growth"]["previous_year"],
    }
    return Table(f"Theo {heading.lower()}", columns, rows, _row(totals, TOTAL))


def _label(key: str | None, group_by: str, names: dict[str, dict]) -> str:
    if key is None:
        return NO_PLACE.get(group_by, "—")
    if group_by == "month":
        return f"{date.fromisoformat(key):%m/%Y}"
    if group_by == "day":
        return f"{date.fromisoformat(key):%d/%m/%Y}"
    return names.get(group_by, {}).get(key) or key


def _row(figures: dict, label: str) -> dict:
    return {
        "label": label,
        "transactions": figures["transactions"],
        "value": figures["value"],
        "average_ticket": figures["average_ticket"],
        "registered_points": figures.get("registered_points"),
        "active_points": figures.get("active_points"),
        "previous_transactions": figures["previous_year"]["transactions"],
        "previous_value": figures["previous_year"]["value"],
        "growth_transactions": figures["growth"].get("transactions", {}).get("ratio"),
    }


def table_download(table: Table, kind: str, start: date, end: date) -> Download:
    """The table as shown, total row last, in a CSV or XLSX file named after the period."""
    rows = [*table.rows, table.total]
    name = f"so-lieu-{start}-{end}"
    if kind == "csv":
        return Download(to_csv(rows, table.columns), "text/csv", f"{name}.csv")
    title = f"{table.title} – từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"
    return Download(
        to_xlsx(rows, table.columns, sheet="Số liệu", title=title), XLSX, f"{name}.xlsx"
    )
