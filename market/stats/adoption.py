"""Adoption questions on the rollups: points, activity, transactions, payers, banks and the
onboarding funnel, each a statement of (key, count[, value]) rows for market.stats.batch to
ask together with the others in one round trip. Builds statements only; runs none."""

from datetime import date, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, case, func, literal, or_, select, union_all

from market.stats import readmodel as t
from market.stats.periods import end_of, whole_period

DIMENSIONS = ("market", "ward", "legacy_district", "provider", "category", "month", "day")
PLACES = ("market", "ward", "legacy_district", "category")
FILTERS = ("market", "ward", "legacy_district", "payee_type", "provider")
ACTIVE_DAYS = 30
Question = tuple  # (statement, its parameters)


def filter_params(filters: dict) -> dict:
    """The bound values of the filters the statements below put in (shared by all)."""
    return {f"filter_{k}": filters[k] for k in FILTERS if filters.get(k)}


def _filtered(stmt, p, filters: dict):
    """stmt restricted to the payees (p) of the places filtered on (values: filter_params)."""
    for name in ("market", "ward", "legacy_district", "payee_type"):
        if filters.get(name):
            stmt = stmt.where(p.c[name] == bindparam(f"filter_{name}"))
    return stmt


def _key(dimension: str | None, f=None, p=None, pr=None):
    """The grouping column for a dimension (None: one group)."""
    if dimension in PLACES:
        return p.c[dimension]
    if dimension in ("month", "day"):
        return f.c[dimension]
    if dimension == "provider":
        return func.coalesce(pr.c.name, "Tiền mặt")
    return literal(None)


def _grouped(stmt, key, dimension: str | None):
    return stmt.group_by(key) if dimension else stmt


def _by_place(filters: dict) -> bool:
    return any(filters.get(k) for k in ("market", "ward", "legacy_district"))


def transactions(
    start: date, end: date, filters: dict, dimension: str | None = None, prefix: str = ""
) -> Question:
    """(key, count, value) rows of the period (one row, key None, without a dimension); its
    dates bound under names starting with prefix, so that periods can share a statement."""
    f, params = t.flows(start, end, prefix)
    return _transactions(f, dimension, _given(filters)), params


@cache
def _transactions(f, dimension: str | None, given: tuple[str, ...]):
    filters = dict.fromkeys(given, True)
    p, pr = t.payees(), t.providers
    placed = dimension in PLACES or _by_place(filters)
    if placed:
        # Only then is the payee's place needed: each payee's sums first, then the join
        # (per day, month or provider too when grouped or filtered by it).
        keys = [f.c.payee_type, f.c.payee_id]
        if dimension == "provider" or filters.get("provider"):
            keys.append(f.c.provider_id)
        if dimension in ("month", "day"):
            keys.append(f.c[dimension])
        sums = (func.sum(f.c.payment_count).label("payment_count"), func.sum(f.c.amount))
        f = select(*keys, sums[0], sums[1].label("amount")).group_by(*keys).subquery()
    key = _key(dimension, f, p, pr)
    stmt = select(key, func.sum(f.c.payment_count), func.sum(f.c.amount)).select_from(f)
    if placed:
        on = and_(p.c.payee_type == f.c.payee_type, p.c.payee_id == f.c.payee_id)
        stmt = _filtered(stmt.join(p, on), p, filters)
    elif filters.get("payee_type"):
        stmt = stmt.where(f.c.payee_type == bindparam("filter_payee_type"))
    if dimension == "provider" or filters.get("provider"):
        stmt = stmt.outerjoin(pr, pr.c.id == f.c.provider_id)
    if filters.get("provider"):
        stmt = stmt.where(pr.c.name == bindparam("filter_provider"))
    return _grouped(stmt, key, dimension)


def _given(filters: dict) -> tuple[str, ...]:
    return tuple(k for k in FILTERS if filters.get(k))


def points(prefix: str):
    """The acceptance points registered at the moment bound as {prefix}moment (payee_type,
    payee_id): vendors activated and not closed by then, schools created by then."""
    v, s, moment = t.vendors, t.schools, bindparam(f"{prefix}moment")
    vendors = select(literal("vendor").label("payee_type"), v.c.id.label("payee_id")).where(
        v.c.activated_at < moment, or_(v.c.closed_at.is_(None), v.c.closed_at >= moment)
    )
    schools = select(literal("school"), s.c.id).where(s.c.created_at < moment)
    return union_all(vendors, schools).subquery("points")


def _on(day: date, prefix: str) -> dict:
    """The values points and _paid bind for a day: its end, its 30 days."""
    first = day - timedelta(days=ACTIVE_DAYS - 1)
    return {f"{prefix}moment": end_of(day), f"{prefix}first": first, f"{prefix}last": day}


def _paid(known, prefix: str):
    """Whether the point (a row of known) was paid in the 30 days up to the day bound as
    {prefix}last. A point's day rows count while positive (a reversal takes its payment back
    on the payment's day), and each point is looked up by itself (ix_rollup_days_payee_day)."""
    r = t.rollup_days
    return (
        select(r.c.payee_id)
        .where(
            r.c.payee_type == known.c.payee_type,
            r.c.payee_id == known.c.payee_id,
            r.c.business_date.between(bindparam(f"{prefix}first"), bindparam(f"{prefix}last")),
            r.c.payment_count > 0,
        )
        .exists()
    )


def _live(prefix: str):
    """The registered points with a payment in the 30 days up to the day (a subquery)."""
    known = points(prefix)
    return select(known.c.payee_type, known.c.payee_id).where(_paid(known, prefix)).subquery("live")


def registered(day: date, filters: dict, dimension: str | None, prefix: str) -> Question:
    """(key, points registered on day, of them active): registered are the vendors activated
    and not closed, and the schools; active, those paid in the 30 days up to day. Both come
    from one pass over the points, and an active point is a registered one, so the active
    share stays within 100 %."""
    return _registered(_given(filters), dimension, prefix), _on(day, prefix)


@cache
def _registered(given: tuple[str, ...], dimension: str | None, prefix: str):
    filters, p, known = dict.fromkeys(given, True), t.payees(), points(prefix)
    key = _key(dimension if dimension in PLACES else None, p=p)
    active = func.count(case((_paid(known, prefix), 1)))
    stmt = select(key, func.count(), active).select_from(known)
    if dimension in PLACES or _by_place(filters):
        on = and_(p.c.payee_type == known.c.payee_type, p.c.payee_id == known.c.payee_id)
        stmt = _filtered(stmt.join(p, on), p, filters)
    elif filters.get("payee_type"):
        stmt = stmt.where(known.c.payee_type == bindparam("filter_payee_type"))
    return _grouped(stmt, key, dimension in PLACES)


def distinct_payers(start: date, end: date, filters: dict, prefix: str) -> Question | None:
    """(None, distinct payers) of a whole calendar month or year; None otherwise, or when
    filtered by place or provider (payers are counted per kind of payee, not per market)."""
    period = whole_period(start, end)
    if period is None or any(filters.get(k) for k in ("market", "ward", "legacy_district")):
        return None
    if filters.get("provider"):
        return None
    kind = filters.get("payee_type") or t.ANY_PAYEE
    return _payers(prefix), {f"{prefix}period": period, f"{prefix}kind": kind}


@cache
def _payers(prefix: str):
    c = t.payer_counts
    total = func.coalesce(func.sum(c.c.payers), 0)
    return select(literal(None), total).where(
        c.c.period == bindparam(f"{prefix}period"), c.c.payee_type == bindparam(f"{prefix}kind")
    )


def banks_seen(start: date, end: date, prefix: str) -> Question:
    """(None, banks and wallets payers paid from, in the months the period touches)."""
    return _banks(prefix), {f"{prefix}from": start.replace(day=1), f"{prefix}to": end}


@cache
def _banks(prefix: str):
    b = t.bank_months
    months = b.c.month.between(bindparam(f"{prefix}from"), bindparam(f"{prefix}to"))
    seen = select(b.c.payer_bin).where(months, b.c.payer_bin != "", b.c.payment_count > 0)
    return select(literal(None), func.count()).select_from(seen.group_by(b.c.payer_bin).subquery())


def funnel(start: date, end: date, filters: dict, prefix: str = "funnel_") -> dict[str, Question]:
    """The vendors registered in [start, end] (not closed by its end) → of them, placard
    printed → first payment → active, each by the period's end."""
    params = _on(end, prefix) | {f"{prefix}since": end_of(start - timedelta(days=1))}
    return {name: (stmt, params) for name, stmt in _funnel(_given(filters), prefix).items()}


@cache
def _funnel(given: tuple[str, ...], prefix: str) -> dict:
    v, p, pp, r = t.vendors, t.payees(), t.placard_prints, t.rollup_days
    moment, end = bindparam(f"{prefix}moment"), bindparam(f"{prefix}last")
    cohort = (
        select(v.c.id)
        .join(p, and_(p.c.payee_type == "vendor", p.c.payee_id == v.c.id))
        .where(v.c.created_at >= bindparam(f"{prefix}since"), v.c.created_at < moment)
        .where(or_(v.c.closed_at.is_(None), v.c.closed_at >= moment))
    )
    filters = dict.fromkeys(given, True) | {"payee_type": None}
    ids = select(_filtered(cohort, p, filters).subquery().c.id)
    paid = (
        select(r.c.payee_id)
        .where(r.c.payee_type == "vendor", r.c.business_date <= end, r.c.payee_id.in_(ids))
        .group_by(r.c.payee_id)
        .having(func.sum(r.c.payment_count) > 0)
        .subquery()
    )
    live = _live(prefix)
    return {
        "registered": select(literal(None), func.count()).select_from(ids.subquery()),
        "placard_printed": select(literal(None), func.count(func.distinct(pp.c.vendor_id))).where(
            pp.c.vendor_id.in_(ids), pp.c.printed_at < moment
        ),
        "first_payment": select(literal(None), func.count()).select_from(paid),
        "active": select(literal(None), func.count()).where(
            live.c.payee_type == "vendor", live.c.payee_id.in_(ids)
        ),
    }
