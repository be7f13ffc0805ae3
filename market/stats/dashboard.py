"""The dashboard for bank and programme staff: tiles, charts, tables; filters in the URL."""

from datetime import date

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from markupsafe import Markup

from market.auth import current_user
from market.db import get_session
from market.money import format_money_short, format_number, format_ratio
from market.stats.charts import horizontal_bars, monthly_bars
from market.stats.periods import (
    business_today,
    last_whole_month,
    next_month,
    previous_year,
    shift_year,
)
from market.stats.report import adoption_report, tuition_report

bp = Blueprint("dashboard", __name__, template_folder="../templates")
ROLES = ("admin", "bank_staff")


def _date(name: str, default: date) -> date:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default


def _tiles(report: dict) -> list[dict]:
    totals, growth = report["totals"], report["growth"]["previous_year"]
    share = totals["active_share"]
    payers = totals["distinct_payers"]
    specs = [
        (
            "registered_points",
            "Điểm chấp nhận thanh toán",
            format_number(totals["registered_points"]),
            None,
        ),
        (
            "active_points",
            "Điểm hoạt động (30 ngày)",
            format_number(totals["active_points"]),
            f"{format_ratio(share)} số điểm" if share is not None else None,
        ),
        ("transactions", "Giao dịch", format_number(totals["transactions"]), None),
        ("value", "Giá trị thanh toán", format_money_short(totals["value"]), None),
        (
            "distinct_payers",
            "Khách hàng",
            format_number(payers) if payers is not None else "—",
            None if payers is not None else "theo tháng hoặc năm trọn vẹn",
        ),
        (
            "average_ticket",
            "Bình quân mỗi giao dịch",
            format_money_short(totals["average_ticket"]),
            None,
        ),
    ]
    tiles = []
    for key, label, value, note in specs:
        change = growth.get(key, {})
        ratio = change.get("ratio")
        tiles.append(
            {
                "key": key,
                "label": label,
                "value": value,
                "note": note,
                "growth": change.get("label", "—"),
                "trend": "up" if ratio and ratio > 0 else "down" if ratio else "flat",
            }
        )
    return tiles


@bp.get("/dashboard")
def dashboard():
    """The dashboard page (login: bank staff or admin)."""
    user = current_user()
    if user is None:
        return redirect(url_for("pages.login", next=request.full_path))
    if user.role not in ROLES:
        return render_template("dashboard.html", forbidden=True), 403
    default = last_whole_month(business_today())
    start, end = _date("from", default[0]), _date("to", default[1])
    if end < start:
        start, end = end, start
    chart_start = (next_month(shift_year(end)) if (end - start).days < 300 else start).replace(
        day=1
    )
    filters = {k: request.args.get(k) or None for k in ("market", "ward", "provider")}
    session = get_session()
    report = adoption_report(
        session, start=start, end=end, group_by=None, filters=filters, with_funnel=True
    )
    monthly = adoption_report(
        session, start=chart_start, end=end, group_by="month", filters=filters
    )
    by_market = adoption_report(session, start=start, end=end, group_by="market", filters=filters)[
        "rows"
    ]
    by_ward = adoption_report(session, start=start, end=end, group_by="ward", filters=filters)[
        "rows"
    ]
    # Every month of the window, those without a payment as zero bars.
    by_month, months, cursor = {r["key"]: r for r in monthly["rows"]}, [], chart_start
    while cursor <= end:
        months.append(cursor)
        cursor = next_month(cursor)
    empty = {"transactions": 0, "value": 0, "previous_year": {"transactions": 0, "value": 0}}
    series = [by_month.get(m.isoformat(), empty) for m in months]
    labels = [f"{m.month}/{m:%y}" for m in months]
    charts = {
        "transactions": Markup(
            monthly_bars(
                labels,
                [r["transactions"] for r in series],
                [r["previous_year"]["transactions"] for r in series],
                "Số giao dịch theo tháng (đường nét đứt: cùng kỳ năm trước)",
            )
        ),
        "value": Markup(
            monthly_bars(
                labels,
                [r["value"] // 1_000_000 for r in series],
                [r["previous_year"]["value"] // 1_000_000 for r in series],
                "Giá trị theo tháng, triệu đồng",
            )
        ),
        "markets": Markup(
            horizontal_bars(
                [(r["key"] or "—", r["transactions"]) for r in by_market if r["key"]],
                "Giao dịch theo chợ",
            )
        ),
        "wards": Markup(
            horizontal_bars(
                [(r["key"] or "—", r["transactions"]) for r in by_ward], "Giao dịch theo phường/xã"
            )
        ),
    }
    schools = tuition_report(session, start=start, end=end)
    ys, ye = previous_year(start, end)
    return render_template(
        "dashboard.html",
        tiles=_tiles(report),
        charts=charts,
        by_market=by_market,
        schools=schools,
        funnel=report["funnel"],
        start=start,
        end=end,
        filters=filters,
        compare=f"{ys:%d/%m/%Y}–{ye:%d/%m/%Y}",
        fmt=format_number,
        money=format_money_short,
        ratio=lambda v: format_ratio(v) if v is not None else "—",
    )


def init_app(app: Flask) -> None:
    """Register the dashboard."""
    app.register_blueprint(bp)
