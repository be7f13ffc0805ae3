"""The adoption and tuition reports: figures, the same period a year earlier, growth."""

from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from market.stats import adoption
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


def totals(
    session: Session, start: date, end: date, filters: dict, rows: dict | None = None
) -> dict:
    """The headline figures of one period (rows: per-key figures already read, summed here
    instead of asking the database again)."""
    rows = rows or {}
    if "transactions" in rows:
        count = sum(c for c, _ in rows["transactions"].values())
        value = sum(v for _, v in rows["transactions"].values())
    else:
        count, value = adoption.transactions(session, start, end, filters).get(None, (0, 0))
    counts = (
        None if "registered" in rows else adoption.headline_counts(session, start, end, filters)
    )
    if counts is None:
        counts = {
            "registered": (
                sum(rows["registered"].values())
                if "registered" in rows
                else adoption.registered(session, end, filters).get(None, 0)
            ),
            "active": (
                sum(rows["active"].values())
                if "active" in rows
                else adoption.active(session, end, filters).get(None, 0)
            ),
            "payers": adoption.distinct_payers(session, start, end, filters),
            "banks": adoption.banks_seen(session, start, end),
        }
    points, live = counts["registered"], counts["active"]
    return {
        "transactions": count,
        "value": value,
        "average_ticket": _ticket(count, value),
        "registered_points": points,
        "active_points": live,
        "active_share": round(live / points, 4) if points else None,
        "distinct_payers": counts["payers"],
        "banks_seen": counts["banks"],
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


def _rows(
    session: Session, start: date, end: date, filters: dict, dimension: str
) -> tuple[list, dict, dict]:
    ys, ye = previous_year(start, end)
    now = adoption.transactions(session, start, end, filters, dimension)
    before = adoption.transactions(session, ys, ye, filters, dimension)
    raw_now, raw_before = {"transactions": dict(now)}, {"transactions": dict(before)}
    if dimension in ("month", "day"):  # compare each month or day with itself a year earlier
        before = {shift_year(k, +1): v for k, v in before.items()}
        now = {k: v for k, v in now.items() if v != (0, 0)}  # e.g. a day whose only payment
        before = {k: v for k, v in before.items() if k in now}  # was reversed
    places = dimension in adoption.PLACES
    points = adoption.registered(session, end, filters, dimension) if places else {}
    live = adoption.active(session, end, filters, dimension) if places else {}
    keys = sorted(set(now) | set(before) | set(points), key=lambda k: (k is None, str(k)))
    rows = []
    for key in keys:
        count, value = now.get(key, (0, 0))
        old_count, old_value = before.get(key, (0, 0))
        row = {
            "key": key.isoformat() if isinstance(key, date) else key,
            "transactions": count,
            "value": value,
            "average_ticket": _ticket(count, value),
            "previous_year": {"transactions": old_count, "value": old_value},
        }
        if places:
            row |= {"registered_points": points.get(key, 0), "active_points": live.get(key, 0)}
        row["growth"] = compare(
            row, row["previous_year"] | {"average_ticket": _ticket(old_count, old_value)}
        )
        rows.append(row)
    if places:
        raw_now |= {"registered": points, "active": live}
    return rows, raw_now, raw_before


def adoption_report(
    session: Session,
    *,
    start: date,
    end: date,
    group_by: str | None,
    filters: dict,
    with_funnel: bool = False,
) -> dict:
    """Totals with their year-earlier and previous-period comparisons, and rows by dimension.

    The previous period is compared on transactions and value only (two figures a dashboard
    tile shows); the onboarding funnel is computed when asked for."""
    rows, raw_now, raw_before = (
        _rows(session, start, end, filters, group_by) if group_by else ([], {}, {})
    )
    current = totals(session, start, end, filters, raw_now)
    year_ago = totals(session, *previous_year(start, end), filters, raw_before)
    count, value = adoption.transactions(session, *previous_period(start, end), filters).get(
        None, (0, 0)
    )
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
        report["funnel"] = adoption.funnel(session, start, end, filters)
    report["rows"] = rows
    return report


def tuition_report(
    session: Session, *, start: date, end: date, school_type: str | None = None
) -> list[dict]:
    """Per school: billed (invoices due in the period), collected, collection rate, cashless
    share (transfers over all money received in the period) and outstanding."""
    s = t.schools
    billed = _billed(start, end)
    money, params = _received(start, end)
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
    if school_type:
        stmt = stmt.where(s.c.type == school_type)
    return [_school_row(r) for r in session.execute(stmt, params).mappings()]


def _billed(start: date, end: date):
    """Per school: billed, collected (up to what was billed) and outstanding, of the invoices
    due in the period."""
    i = t.invoices
    counted = case((i.c.paid_amount < i.c.total_amount, i.c.paid_amount), else_=i.c.total_amount)
    due = case((i.c.total_amount > i.c.paid_amount, i.c.total_amount - i.c.paid_amount), else_=0)
    return (
        select(
            i.c.school_id,
            func.sum(i.c.total_amount).label("billed"),
            func.sum(counted).label("collected"),
            func.sum(due).label("outstanding"),
        )
        .where(i.c.status != "void", i.c.due_date.between(start, end))
        .group_by(i.c.school_id)
        .subquery()
    )


def _received(start: date, end: date):
    """Per school: money received in the period, and how much of it by transfer (a subquery
    and its parameters)."""
    f, params = t.flows(start, end)
    by_transfer = case((f.c.method == "transfer", f.c.amount), else_=0)
    money = (
        select(
            f.c.payee_id,
            func.sum(by_transfer).label("transfer"),
            func.sum(f.c.amount).label("received"),
        )
        .where(f.c.payee_type == "school")
        .group_by(f.c.payee_id)
        .subquery()
    )
    return money, params


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
