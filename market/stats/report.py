"""The adoption and tuition reports: figures, the same period a year earlier, growth."""

from datetime import date
from functools import cache

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session

from market.stats import adoption, batch
from market.stats import readmodel as t
from market.stats.periods import (
    growth,
    growth_label,
    previous_period,
    previous_year,
    shift_year,
)

COMPARED = (
    "transactions",
    "value",
    "average_ticket",
    "registered_points",
    "active_points",
    "distinct_payers",
)


def _ticket(count: int, value: int) -> int:
    return round(value / count) if count else 0


def _totals(flows: dict, points: dict, payers: dict | None, banks: dict) -> dict:
    """The headline figures of one period, summed from the answers by key (points: the
    registered and active points)."""
    count, value = (sum(v[i] for v in flows.values()) for i in (0, 1))
    registered, active = (sum(v[i] for v in points.values()) for i in (0, 1))
    return {
        "transactions": count,
        "value": value,
        "average_ticket": _ticket(count, value),
        "registered_points": registered,
        "active_points": active,
        "active_share": round(active / registered, 4) if registered else None,
        "distinct_payers": None if payers is None else payers.get(None, (0, 0))[0],
        "banks_seen": banks.get(None, (0, 0))[0],
    }


def compare(current: dict, earlier: dict) -> dict:
    """Growth of each compared figure: the ratio (None from zero) and its Vietnamese label."""
    out = {}
    for name in COMPARED:
        now, before = current.get(name), earlier.get(name)
        if now is None or before is None:
            continue
        out[name] = {"ratio": growth(now, before), "label": growth_label(now, before)}
    return out


def questions(start: date, end: date, filters: dict, group_by: str | None) -> dict:
    """Everything a report asks, by name: the period and a year earlier by group, the period
    before, registered and active points, payers and banks of both years."""
    ys, ye = previous_year(start, end)
    places = group_by if group_by in adoption.PLACES else None
    asked = {
        "now": adoption.transactions(start, end, filters, group_by, "now_"),
        "before": adoption.transactions(ys, ye, filters, group_by, "before_"),
        "points": adoption.registered(end, filters, places, "on_"),
        "points_before": adoption.registered(ye, filters, None, "ago_"),
        "banks": adoption.banks_seen(start, end, "now_banks_"),
        "banks_before": adoption.banks_seen(ys, ye, "before_banks_"),
    }
    if (before := previous_period(start, end)) != (ys, ye):  # a year's is the year before
        asked["previous"] = adoption.transactions(*before, filters, None, "prev_")
    for name, period in (("payers", (start, end)), ("payers_before", (ys, ye))):
        if (payers := adoption.distinct_payers(*period, filters, f"{name}_")) is not None:
            asked[name] = payers
    return asked


def _rows(answers: dict, dimension: str) -> list[dict]:
    now, before = answers["now"], answers["before"]
    if dimension in ("month", "day"):  # compare each month or day with itself a year earlier
        before = {next_year(k): v for k, v in before.items()}
        now = {k: v for k, v in now.items() if v != (0, 0)}  # e.g. a day whose only payment
        before = {k: v for k, v in before.items() if k in now}  # was reversed
    places = dimension in adoption.PLACES
    points = set(answers["points"]) if places else set()
    keys = sorted(set(now) | set(before) | points, key=_order)
    rows = []
    for key in keys:
        count, value = now.get(key, (0, 0))
        old_count, old_value = before.get(key, (0, 0))
        row = {
            "key": key,
            "transactions": count,
            "value": value,
            "average_ticket": _ticket(count, value),
            "previous_year": {"transactions": old_count, "value": old_value},
        }
        if places:
            registered, active = answers["points"].get(key, (0, 0))
            row["registered_points"], row["active_points"] = registered, active
        row["growth"] = compare(
            row, row["previous_year"] | {"average_ticket": _ticket(old_count, old_value)}
        )
        rows.append(row)
    return rows


def next_year(key: str) -> str:
    """The key of a day or month (2025-11-01) a year later."""
    return shift_year(date.fromisoformat(key[:10]), +1).isoformat()


def _order(key: str | None) -> tuple:
    return (key is None, str(key))


def adoption_report(
    session: Session,
    *,
    start: date,
    end: date,
    group_by: str | None,
    filters: dict,
    with_funnel: bool = False,
    extra: dict | None = None,
) -> dict:
    """Totals with their year-earlier and previous-period comparisons, and rows by dimension,
    in one statement (with the answers to extra questions under "answers").

    The previous period is compared on transactions and value only (two figures a dashboard
    tile shows); the onboarding funnel is computed when asked for."""
    asked = questions(start, end, filters, group_by)
    funnel = adoption.funnel(start, end, filters) if with_funnel else {}
    asked |= {f"funnel_{k}": q for k, q in funnel.items()} | (extra or {})
    a = batch.ask(session, asked, adoption.filter_params(filters))
    current = _totals(a["now"], a["points"], a.get("payers"), a["banks"])
    year_ago = _totals(a["before"], a["points_before"], a.get("payers_before"), a["banks_before"])
    previous = a.get("previous", {None: (year_ago["transactions"], year_ago["value"])})
    count, value = previous.get(None, (0, 0))
    before = {"transactions": count, "value": value, "average_ticket": _ticket(count, value)}
    report = {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "filters": {k: v for k, v in filters.items() if v},
        "group_by": group_by,
        "totals": current,
        "previous_year": year_ago,
        "previous_period": before,
        "growth": {
            "previous_year": compare(current, year_ago),
            "previous_period": compare(current, before),
        },
    }
    if with_funnel:
        report["funnel"] = {k: a[f"funnel_{k}"].get(None, (0, 0))[0] for k in funnel}
    report["rows"] = _rows(a, group_by) if group_by else []
    if extra:
        report["answers"] = {name: a[name] for name in extra}
    return report


def tuition_report(
    session: Session, *, start: date, end: date, school_type: str | None = None
) -> list[dict]:
    """Per school: billed (invoices due in the period), collected, collection rate, cashless
    share (transfers over all money received in the period) and outstanding."""
    f, params = t.flows(start, end, "tuition_")
    params |= {"due_from": start, "due_to": end, "school_type": school_type}
    stmt = _tuition(f, bool(school_type))
    return [_school_row(r) for r in session.execute(stmt, params).mappings()]


@cache
def _tuition(f, by_type: bool):
    """The statement of tuition_report, built once per shape of period."""
    s, billed, money = t.schools, _billed(), _received(f)
    stmt = (
        select(
            s.c.code,
            s.c.name,
            s.c.type,
            s.c.ward_code,
            s.c.legacy_district,
            billed.c.billed,
            billed.c.collected,
            billed.c.outstanding,
            money.c.transfer,
            money.c.received,
        )
        .outerjoin(billed, billed.c.school_id == s.c.id)
        .outerjoin(money, money.c.payee_id == s.c.id)
        .order_by(s.c.code)
    )
    return stmt.where(s.c.type == bindparam("school_type")) if by_type else stmt


def _billed():
    """Per school: billed, collected (up to what was billed) and outstanding, of the invoices
    due in the period (bound as due_from, due_to)."""
    i = t.invoices
    counted = case((i.c.paid_amount < i.c.total_amount, i.c.paid_amount), else_=i.c.total_amount)
    due = case((i.c.total_amount > i.c.paid_amount, i.c.total_amount - i.c.paid_amount), else_=0)
    due_in_period = i.c.due_date.between(bindparam("due_from"), bindparam("due_to"))
    return (
        select(
            i.c.school_id,
            func.sum(i.c.total_amount).label("billed"),
            func.sum(counted).label("collected"),
            func.sum(due).label("outstanding"),
        )
        .where(i.c.status != "void", due_in_period)
        .group_by(i.c.school_id)
        .subquery()
    )


def _received(f):
    """Per school: money received in the flows f, and how much of it by transfer."""
    by_transfer = case((f.c.method == "transfer", f.c.amount), else_=0)
    return (
        select(
            f.c.payee_id,
            func.sum(by_transfer).label("transfer"),
            func.sum(f.c.amount).label("received"),
        )
        .where(f.c.payee_type == "school")
        .group_by(f.c.payee_id)
        .subquery()
    )


def _school_row(r) -> dict:
    billed, collected = int(r["billed"] or 0), int(r["collected"] or 0)
    received, transfer = int(r["received"] or 0), int(r["transfer"] or 0)
    return {
        "school": r["code"],
        "name": r["name"],
        "type": r["type"],
        "ward": r["ward_code"],
        "legacy_district": r["legacy_district"],
        "billed": billed,
        "collected": collected,
        "collection_rate": round(collected / billed, 4) if billed else None,
        "received": received,
        "received_by_transfer": transfer,
        "cashless_share": round(transfer / received, 4) if received else None,
        "outstanding": int(r["outstanding"] or 0),
    }
