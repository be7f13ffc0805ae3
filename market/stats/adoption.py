"""Adoption figures from the rollups: points, activity, transactions, payers, by dimension."""

from datetime import date, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, func, literal, or_, select
from sqlalchemy.orm import Session

from market.stats import readmodel as t
from market.stats.periods import end_of, whole_period

DIMENSIONS = ("market", "ward", "legacy_district", "provider", "category", "month", "day")
ACTIVE_DAYS = 30


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
    f, params = t.flows(start, end)
    given = tuple(k for k in FILTERS if filters.get(k))
    stmt = _transactions(f, dimension, given)
    rows = session.execute(stmt, params | filter_params(filters)).all()
    return {k: (int(c or 0), int(a or 0)) for k, c, a in rows}


@cache
def _transactions(f, dimension: str | None, given: tuple[str, ...]):
    filters = dict.fromkeys(given, True)
    p, pr = t.payees(), t.providers
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
    v, p, s = t.vendors, t.payees(), t.schools
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


def _live(day: date, payee_type: str | None = None):
    """The payees with at least one payment in the 30 days up to day (a subquery)."""
    r = t.rollup_days
    stmt = select(r.c.payee_type, r.c.payee_id).where(
        r.c.business_date.between(day - timedelta(days=ACTIVE_DAYS - 1), day)
    )
    if payee_type:
        stmt = stmt.where(r.c.payee_type == payee_type)
    return (
        stmt.group_by(r.c.payee_type, r.c.payee_id)
        .having(func.sum(r.c.payment_count) > 0)
        .subquery()
    )


def active(session: Session, day: date, filters: dict, dimension: str | None = None) -> dict:
    """{key: points with at least one payment in the 30 days up to day}."""
    p = t.payees()
    key = _key(dimension if dimension in PLACES else None, p=p)
    live = _live(day)
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


def _banks(start: date, end: date):
    b = t.bank_months
    return select(func.count(func.distinct(b.c.payer_bin))).where(
        b.c.month.between(start.replace(day=1), end), b.c.payer_bin != "", b.c.payment_count > 0
    )


def banks_seen(session: Session, start: date, end: date) -> int:
    """Banks and wallets payers paid from, in the months the period touches."""
    return session.execute(_banks(start, end)).scalar()


def funnel(session: Session, day: date, filters: dict) -> dict:
    """Vendors registered → placard printed → first payment → active (on day)."""
    v, p, pp, r = t.vendors, t.payees(), t.placard_prints, t.rollup_days
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


def _registered_counts(day: date, payee_type: str | None) -> tuple:
    """Vendors and schools registered on day, as two scalar subqueries (0 when not asked)."""
    v, s, moment = t.vendors, t.schools, end_of(day)
    vendors = select(func.count()).where(
        v.c.activated_at < moment, or_(v.c.closed_at.is_(None), v.c.closed_at >= moment)
    )
    schools = select(func.count()).where(s.c.created_at < moment)
    return (
        vendors.scalar_subquery() if payee_type != "school" else literal(0),
        schools.scalar_subquery() if payee_type != "vendor" else literal(0),
    )


def headline_counts(session: Session, start: date, end: date, filters: dict) -> dict | None:
    """Registered and active points, distinct payers and banks seen in one statement, when no
    place is filtered (then the payee's place is not needed); None otherwise."""
    if _by_place(filters) or filters.get("provider"):
        return None
    kind, period = filters.get("payee_type"), whole_period(start, end)
    vendors, schools, live, banks, payers = session.execute(
        select(
            *_registered_counts(end, kind),
            select(func.count()).select_from(_live(end, kind)).scalar_subquery(),
            _banks(start, end).scalar_subquery(),
            _payers(period, kind).scalar_subquery(),
        )
    ).one()
    return {
        "registered": vendors + schools,
        "active": live,
        "banks": banks,
        "payers": int(payers) if period else None,
    }
