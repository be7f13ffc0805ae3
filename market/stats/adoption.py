"""Adoption figures from the rollups: points, activity, transactions, payers, by dimension."""

from datetime import date, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, func, literal, or_, select, union_all
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
    p, known = t.payees(), points(day)
    key = _key(dimension if dimension in PLACES else None, p=p)
    stmt = (
        select(key, func.count())
        .select_from(known)
        .join(p, and_(p.c.payee_type == known.c.payee_type, p.c.payee_id == known.c.payee_id))
        .group_by(key)
    )
    return dict(session.execute(_filtered(stmt, p, filters), filter_params(filters)).all())


def points(day: date):
    """The acceptance points registered on day (payee_type, payee_id): vendors activated and
    not closed by then, schools created by then (a subquery)."""
    v, s, moment = t.vendors, t.schools, end_of(day)
    vendors = select(literal("vendor").label("payee_type"), v.c.id.label("payee_id")).where(
        v.c.activated_at < moment, or_(v.c.closed_at.is_(None), v.c.closed_at >= moment)
    )
    schools = select(literal("school"), s.c.id).where(s.c.created_at < moment)
    return union_all(vendors, schools).subquery("points")


def _live(day: date, payee_type: str | None = None):
    """The registered points with at least one payment in the 30 days up to day (a
    subquery): an active point is a registered one, so the active share stays within 100 %."""
    r, known = t.rollup_days, points(day)
    stmt = (
        select(r.c.payee_type, r.c.payee_id)
        .join(known, and_(known.c.payee_type == r.c.payee_type, known.c.payee_id == r.c.payee_id))
        .where(r.c.business_date.between(day - timedelta(days=ACTIVE_DAYS - 1), day))
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


def funnel(session: Session, start: date, end: date, filters: dict) -> dict:
    """The vendors registered in [start, end] (not closed by its end) → of them, placard
    printed → first payment → active, each by the period's end: one statement."""
    v, p, pp, r, moment = t.vendors, t.payees(), t.placard_prints, t.rollup_days, end_of(end)
    cohort = (
        select(v.c.id)
        .join(p, and_(p.c.payee_type == "vendor", p.c.payee_id == v.c.id))
        .where(v.c.created_at >= end_of(start - timedelta(days=1)), v.c.created_at < moment)
        .where(or_(v.c.closed_at.is_(None), v.c.closed_at >= moment))
    )
    cohort = _filtered(cohort, p, filters | {"payee_type": None}).subquery()
    ids = select(cohort.c.id)
    printed = select(func.count(func.distinct(pp.c.vendor_id))).where(
        pp.c.vendor_id.in_(ids), pp.c.printed_at < moment
    )
    paid = (
        select(r.c.payee_id)
        .where(r.c.payee_type == "vendor", r.c.business_date <= end, r.c.payee_id.in_(ids))
        .group_by(r.c.payee_id)
        .having(func.sum(r.c.payment_count) > 0)
        .subquery()
    )
    live = _live(end, "vendor")
    counts = session.execute(
        select(
            select(func.count()).select_from(cohort).scalar_subquery(),
            printed.scalar_subquery(),
            select(func.count()).select_from(paid).scalar_subquery(),
            select(func.count()).where(live.c.payee_id.in_(ids)).scalar_subquery(),
        ),
        filter_params(filters),
    ).one()
    return dict(
        zip(("registered", "placard_printed", "first_payment", "active"), counts, strict=True)
    )


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
