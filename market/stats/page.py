"""The dashboard page as one service: the period, filters and grouping read from its URL (a
value it does not offer is dropped, never a 500), the figures, charts and table it shows, or
that very table as a CSV or XLSX file. Reads only."""

from collections.abc import Mapping
from datetime import date, timedelta

from markupsafe import Markup
from sqlalchemy.orm import Session

from market.stats import adoption
from market.stats.choices import filter_choices, names
from market.stats.overview import chart_months, monthly_charts, period, tiles
from market.stats.periods import previous_year, shift_year
from market.stats.report import adoption_report, next_year, tuition_report
from market.stats.service import Download
from market.stats.table import PLACES, Table, figures_table, table_download

FILTERS = ("market", "ward", "legacy_district", "provider", "payee_type")
DEFAULT_GROUPING = "market"
FILES = ("csv", "xlsx")


def dashboard_query(args: Mapping[str, str], choices: dict, today: date) -> dict:
    """The period, filters and grouping of the page's URL, each one the page offers."""
    offered = {name: {value for value, _ in pairs} for name, pairs in choices.items()}
    start, end = period(args, today)
    start = max(start, shift_year(end, -3) + timedelta(days=1))  # as the API: three years
    chosen = {k: args.get(k) if args.get(k) in offered[k] else None for k in offered}
    return {
        "start": start,
        "end": end,
        "filters": {k: chosen[k] for k in FILTERS},
        "group_by": chosen["group_by"] or DEFAULT_GROUPING,
    }


def dashboard_page(session: Session, *, args: Mapping[str, str], today: date) -> dict | Download:
    """Everything the dashboard shows for its URL; with format=csv or xlsx, its table."""
    choices = filter_choices(session)
    query = dashboard_query(args, choices, today)
    start, end, filters, group_by = query.values()
    export = args.get("format") in FILES
    months = chart_months(start, end)
    report = adoption_report(
        session,
        start=start,
        end=end,
        group_by=group_by,
        filters=filters,
        with_funnel=not export,
        extra=None if export else _chart_questions(months, end, filters),
    )
    table = figures_table(report, group_by, names(choices))
    if export:
        return table_download(table, args["format"], start, end)
    ys, ye = previous_year(start, end)
    return query | {
        "choices": choices,
        "tiles": tiles(report),
        "table": table,
        "charts": _monthly(report["answers"], months),
        "bars": _groups(table, group_by),
        "funnel": report["funnel"],
        "schools": tuition_report(session, start=start, end=end),
        "compare": (ys, ye),
        "links": {kind: _link(query, kind) for kind in FILES},
    }


def _link(query: dict, kind: str) -> dict:
    """The page's own query with format=kind: the file of exactly what is shown."""
    shown = {"from": query["start"].isoformat(), "to": query["end"].isoformat()}
    shown |= {k: v for k, v in query["filters"].items() if v}
    return shown | {"group_by": query["group_by"], "format": kind}


def _chart_questions(months: list[date], end: date, filters: dict) -> dict:
    """Transactions by month over the charts' months, and a year earlier."""
    ys, ye = previous_year(months[0], end)
    return {
        "chart_now": adoption.transactions(months[0], end, filters, "month", "chart_now_"),
        "chart_before": adoption.transactions(ys, ye, filters, "month", "chart_before_"),
    }


def _monthly(answers: dict, months: list[date]) -> dict[str, Markup]:
    """Transactions and value by month (at least a year of them) against a year earlier."""
    now = answers["chart_now"]
    before = {next_year(k): v for k, v in answers["chart_before"].items()}
    series = []
    for month in months:
        (count, value), (old_count, old_value) = (
            d.get(month.isoformat(), (0, 0)) for d in (now, before)
        )
        old = {"transactions": old_count, "value": old_value}
        series.append({"transactions": count, "value": value, "previous_year": old})
    return monthly_charts([f"{m.month}/{m:%y}" for m in months], series)


def _groups(table: Table, group_by: str) -> dict | None:
    """The 15 groups with most transactions, as bars, for groupings that are not time."""
    if group_by not in (*PLACES, "provider"):
        return None
    rows = sorted(table.rows, key=lambda r: -r["transactions"])[:15]
    return {"rows": rows, "peak": max([r["transactions"] for r in rows] + [1])}
