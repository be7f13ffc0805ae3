"""What the dashboard shows, worked out from its URL and a report: the period, the months the
charts cover, the tiles and their trends. Pure."""

from collections.abc import Mapping
from datetime import date

from markupsafe import Markup

from market.money import format_money_short, format_number, format_ratio
from market.stats.charts import monthly_bars
from market.stats.periods import last_whole_month, next_month, shift_year

# (figure, label) of each tile, in the order they are shown.
TILES = (
    ("registered_points", "Điểm chấp nhận thanh toán"),
    ("active_points", "Điểm hoạt động (30 ngày)"),
    ("transactions", "Giao dịch"),
    ("value", "Giá trị thanh toán"),
    ("distinct_payers", "Khách hàng"),
    ("average_ticket", "Bình quân mỗi giao dịch"),
)


def period(query: Mapping[str, str], today: date) -> tuple[date, date]:
    """The from and to days of query, last whole month by default, in order."""
    default = last_whole_month(today)
    start, end = _day(query, "from", default[0]), _day(query, "to", default[1])
    return (end, start) if end < start else (start, end)


def _day(query: Mapping[str, str], name: str, default: date) -> date:
    try:
        return date.fromisoformat(query.get(name) or "")
    except ValueError:
        return default


def chart_months(start: date, end: date) -> list[date]:
    """The first day of each month the charts show: the period's, or at least a year's."""
    first = (next_month(shift_year(end)) if (end - start).days < 300 else start).replace(day=1)
    months = [first]
    while next_month(months[-1]) <= end:
        months.append(next_month(months[-1]))
    return months


def monthly_charts(labels: list[str], series: list[dict]) -> dict[str, Markup]:
    """Transactions and value (millions of đồng) by month, against the year before."""
    this_year = {k: [r[k] for r in series] for k in ("transactions", "value")}
    last_year = {k: [r["previous_year"][k] for r in series] for k in ("transactions", "value")}
    return {
        "transactions": Markup(
            monthly_bars(
                labels,
                this_year["transactions"],
                last_year["transactions"],
                "Số giao dịch theo tháng; đường nét đứt: cùng kỳ năm trước",
            )
        ),
        "value": Markup(
            monthly_bars(
                labels,
                [v // 1_000_000 for v in this_year["value"]],
                [v // 1_000_000 for v in last_year["value"]],
                "Giá trị theo tháng, triệu đồng; đường nét đứt: cùng kỳ năm trước",
            )
        ),
    }


def tiles(report: dict) -> list[dict]:
    """The headline tiles: figure, note, growth against last year and its direction."""
    growth = report["growth"]["previous_year"]
    shown = _shown(report["totals"])
    return [
        {"key": key, "label": label, **shown[key], **_trend(growth.get(key, {}))}
        for key, label in TILES
    ]


def _shown(totals: dict) -> dict[str, dict]:
    share, payers = totals["active_share"], totals["distinct_payers"]
    money = format_money_short
    return {
        "registered_points": _tile(format_number(totals["registered_points"])),
        "active_points": _tile(
            format_number(totals["active_points"]),
            f"{format_ratio(share)} số điểm" if share is not None else None,
        ),
        "transactions": _tile(format_number(totals["transactions"])),
        "value": _tile(money(totals["value"])),
        "distinct_payers": _tile(format_number(payers))
        if payers is not None
        else _tile("—", "theo tháng hoặc năm trọn vẹn"),
        "average_ticket": _tile(money(totals["average_ticket"])),
    }


def _tile(value: str, note: str | None = None) -> dict:
    return {"value": value, "note": note}


def _trend(change: dict) -> dict:
    ratio = change.get("ratio")
    trend = "up" if ratio and ratio > 0 else "down" if ratio else "flat"
    return {"growth": change.get("label", "—"), "trend": trend}
