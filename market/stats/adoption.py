"""Adoption figures from the rollups: points, activity, transactions, payers, by dimension."""

from datetime import date, timedelta
from functools import cache

from sqlalchemy import Date, and_, bindparam, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from market.stats import readmodel as t
from market.stats.periods import end_of, segments, whole_period

DIMENSIONS = ("market", "ward", "legacy_district", "provider", "category", "month", "day")
ACTIVE_DAYS = 30


@cache
def payees():
    """Every payee with the dimensions statistics group by (no personal data); built once."""
    v, m, s = t.vendors, t.markets, t.schools
    vendor_rows = select(
        literal("vendor").label("payee_type"),
        v.c.id.label("payee_id"),
        m.c.code.label("market"),
        m.c.name.label("market_name"),
        m.c.ward_code.label("ward"),
        m.c.ward_name.label("ward_name"),
        m.c.legacy_district.label("legacy_district"),
        func.coalesce(v.c.category, "Khác").label("category"),
    ).join(m, m.c.id == v.c.market_id)
    school_rows = select(
        literal("school"),
        s.c.id,
        null(),
        null(),
        s.c.ward_code,
        null(),
        s.c.legacy_district,
        literal("Trường học"),
    )
    return union_all(vendor_rows, school_rows).subquery("payees")


def flows(start: date, end: date):
    """Transactions in [start, end]: whole months from the monthly rollup, edges from days.
    (subquery, its parameters): the statement is built once per shape of period."""
    months, day_ranges = segments(start, end)
    params = {"months": months}
    for n, (first, last) in enumerate(day_ranges):
        params |= {f"first_{n}": first, f"last_{n}": last, f"month_{n}": first.replace(day=1)}
    return _flows(bool(months), len(day_ranges)), params


@cache
def _flows(whole_months: bool, edges: int):
    parts = []
    cols = ("payee_type", "payee_id", "provider_id", "method", "payment_count", "amount")
    if whole_months:
        r = t.rollup_months
        parts.append(
            select(r.c.month.label("day"), r.c.month.label("month"), *[r.c[c] for c in cols]).where(
                r.c.month.in_(bindparam("months", expanding=True))
            )
        )
    for n in range(edges):
        r = t.rollup_days
        parts.append(
            select(
                r.c.business_date.label("day"),
                bindparam(f"month_{n}", type_=Date).label("month"),
                *[r.c[c] for c in cols],
            ).where(r.c.business_date.between(bindparam(f"first_{n}"), bindparam(f"last_{n}")))
        )
    return union_all(*parts).subquery("flows")


FILTERS = ("market", "ward", "legacy_district", "payee_type", "provider")


def filter_params(filters: dict) -> dict:
    """The bound values of the filters _filtered and transactions put in a statement."""
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


PLACES = ("market", "ward", "legacy_district", "category")


def _by_place(filters: dict) -> bool:
    return any(filters.get(k) for k in ("market", "ward", "legacy_district"))


def transactions(
    session: Session, start: date, end: date, filters: dict, dimension: str | None = None
) -> dict:
    """{key: (count, value)} for the period (key None without a dimension)."""
    f, params = flows(start, end)
    given = tuple(k for k in FILTERS if filters.get(k))
    stmt = _transactions(f, dimension, given)
    rows = session.execute(stmt, params | filter_params(filters)).all()
    return {k: (int(c or 0), int(a or 0)) for k, c, a in rows}


@cache
def _transactions(f, dimension: str | None, given: tuple[str, ...]):
    filters = dict.fromkeys(given, True)
    p, pr = payees(), t.providers
    if dimension in PLACES or _by_place(filters):
        # Only then is the payee's place needed: each payee's sums first, then the join
        # (per day or month too when those are the grouping).
        keys = [f.c.payee_type, f.c.payee_id, f.c.provider_id]
        if dimension in ("month", "day"):
            keys.append(f.c[dimension])
        f = (
            select(
                *keys,
                func.sum(f.c.payment_count).label("payment_count"),
                func.sum(f.c.amount).label("amount"),
            )
            .group_by(*keys)
            .subquery()
        )
    key = _key(dimension, f, p, pr)
    stmt = select(key, func.sum(f.c.payment_count), func.sum(f.c.amount)).select_from(f)
    if dimension in PLACES or _by_place(filters):
        stmt = _filtered(
            stmt.join(p, and_(p.c.payee_type == f.c.payee_type, p.c.payee_id == f.c.payee_id)),
            p,
            filters,
        )
    elif filters.get("payee_type"):
        stmt = stmt.where(f.c.payee_type == bindparam("filter_payee_type"))
    if dimension == "provider" or filters.get("provider"):
        stmt = stmt.outerjoin(pr, pr.c.id == f.c.provider_id)
    if filters.get("provider"):
        stmt = stmt.where(pr.c.name == bindparam("filter_provider"))
    return stmt.group_by(key)


def registered(session: Session, day: date, filters: dict, dimension: str | None = None) -> dict:
    """{key: acceptance points registered on day}: vendors activated and not closed, schools."""
    v, p, s = t.vendors, payees(), t.schools
    moment = end_of(day)
    vendor_ok = and_(
        p.c.payee_type == "vendor",
        v.c.activated_at < moment,
        or_(v.c.closed_at.is_(None), v.c.closed_at >= moment),
    )
    school_ok = and_(p.c.payee_type == "school", s.c.created_at < moment)
    key = _key(dimension if dimension in PLACES else None, p=p)
    stmt = (
        select(key, func.count())
        .select_from(p)
        .outerjoin(v, and_(p.c.payee_type == "vendor", v.c.id == p.c.payee_id))
        .outerjoin(s, and_(p.c.payee_type == "school", s.c.id == p.c.payee_id))
        .where(or_(vendor_ok, school_ok))
        .group_by(key)
    )
    return dict(session.execute(_filtered(stmt, p, filters), filter_params(filters)).all())


def active(session: Session, day: date, filters: dict, dimension: str | None = None) -> dict:
    """{key: points with at least one payment in the 30 days up to day}."""
    r, p = t.rollup_days, payees()
    key = _key(dimension if dimension in PLACES else None, p=p)
    live = (
        select(r.c.payee_type, r.c.payee_id)
        .where(r.c.business_date.between(day - timedelta(days=ACTIVE_DAYS - 1), day))
        .group_by(r.c.payee_type, r.c.payee_id)
        .having(func.sum(r.c.payment_count) > 0)
        .subquery()
    )
    stmt = select(key, func.count()).select_from(live)
    if dimension in PLACES or _by_place(filters):
        stmt = _filtered(
            stmt.join(
                p, and_(p.c.payee_type == live.c.payee_type, p.c.payee_id == live.c.payee_id)
            ),
            p,
            filters,
        )
    elif filters.get("payee_type"):
        stmt = stmt.where(live.c.payee_type == filters["payee_type"])
    return dict(session.execute(stmt.group_by(key), filter_params(filters)).all())


def _payers(period: str | None, payee_type: str | None):
    """Distinct payers of a period: of one kind of payee, or of any (each person once)."""
    c = t.payer_counts
    return select(func.coalesce(func.sum(c.c.payers), 0)).where(
        c.c.period == period, c.c.payee_type == (payee_type or t.ANY_PAYEE)
    )


def distinct_payers(session: Session, start: date, end: date, filters: dict) -> int | None:
    """Distinct payers (hashed accounts) of a whole calendar month or year; None otherwise, or
    when filtered by place (payers are counted per kind of payee, not per market)."""
    period = whole_period(start, end)
    if period is None or any(
        filters.get(k) for k in ("market", "ward", "legacy_district", "provider")
    ):
        return None
    return int(session.execute(_payers(period, filters.get("payee_type"))).scalar())


def banks_seen(session: Session, start: date, end: date) -> int:
    """Banks and wallets payers paid from, in the months the period touches."""
    b = t.bank_months
    return session.execute(
        select(func.count(func.distinct(b.c.payer_bin))).where(
            b.c.month.between(start.replace(day=1), end), b.c.payer_bin != "", b.c.payment_count > 0
        )
    ).scalar()


def funnel(session: Session, day: date, filters: dict) -> dict:
    """Vendors registered → placard printed → first payment → active (on day)."""
    v, p, pp, r = t.vendors, payees(), t.placard_prints, t.rollup_days
    base = (
        select(v.c.id)
        .join(p, and_(p.c.payee_type == "vendor", p.c.payee_id == v.c.id))
        .where(v.c.created_at < end_of(day), v.c.status != "closed")
    )
    base = _filtered(base, p, filters | {"payee_type": None}).subquery()
    printed = select(func.count(func.distinct(pp.c.vendor_id))).where(
        pp.c.vendor_id.in_(select(base.c.id))
    )
    paid = (
        select(r.c.payee_id)
        .where(
            r.c.payee_type == "vendor",
            r.c.business_date <= day,
            r.c.payee_id.in_(select(base.c.id)),
        )
        .group_by(r.c.payee_id)
        .having(func.sum(r.c.payment_count) > 0)
        .subquery()
    )
    vendor_filters = filters | {"payee_type": "vendor"}
    params = filter_params(filters)
    return {
        "registered": session.execute(select(func.count()).select_from(base), params).scalar(),
        "placard_printed": session.execute(printed, params).scalar(),
        "first_payment": session.execute(select(func.count()).select_from(paid), params).scalar(),
        "active": sum(active(session, day, vendor_filters).values()),
    }


def headline_counts(session: Session, start: date, end: date, filters: dict) -> dict | None:
    """Registered and active points, distinct payers and banks seen in one statement, when no
    place is filtered (then the payee's place is not needed); None otherwise."""
    if _by_place(filters) or filters.get("provider"):
        return None
    v, s, r, b = t.vendors, t.schools, t.rollup_days, t.bank_months
    moment, kind = end_of(end), filters.get("payee_type")
    vendors = (
        select(func.count())
        .select_from(v)
        .where(v.c.activated_at < moment, or_(v.c.closed_at.is_(None), v.c.closed_at >= moment))
    )
    schools = select(func.count()).select_from(s).where(s.c.created_at < moment)
    live = select(r.c.payee_type, r.c.payee_id).where(
        r.c.business_date.between(end - timedelta(days=ACTIVE_DAYS - 1), end)
    )
    if kind:
        live = live.where(r.c.payee_type == kind)
    live = (
        live.group_by(r.c.payee_type, r.c.payee_id)
        .having(func.sum(r.c.payment_count) > 0)
        .subquery()
    )
    banks = select(func.count(func.distinct(b.c.payer_bin))).where(
        b.c.month.between(start.replace(day=1), end), b.c.payer_bin != "", b.c.payment_count > 0
    )
    period = whole_period(start, end)
    payers = _payers(period, kind)
    zero = literal(0)
    row = session.execute(
        select(
            vendors.scalar_subquery() if kind != "school" else zero,
            schools.scalar_subquery() if kind != "vendor" else zero,
            select(func.count()).select_from(live).scalar_subquery(),
            banks.scalar_subquery(),
            payers.scalar_subquery(),
        )
    ).one()
    return {
        "registered": row[0] + row[1],
        "active": row[2],
        "banks": row[3],
        "payers": int(row[4]) if period else None,
    }
