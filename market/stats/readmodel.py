"""The tables statistics read, named here without importing any domain (stats only read), and
the relations built on them: every payee with its place, the money that flowed in a period."""

from datetime import date
from functools import cache

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    literal,
    null,
    select,
    union_all,
)

from market.stats.periods import segments

_meta = MetaData()


def _table(name: str, *columns: Column) -> Table:
    return Table(name, _meta, *columns)


markets = _table(
    "markets",
    Column("id", BigInteger),
    Column("code", String),
    Column("name", String),
    Column("ward_code", String),
    Column("ward_name", String),
    Column("legacy_district", String),
)
vendors = _table(
    "vendors",
    Column("id", BigInteger),
    Column("market_id", BigInteger),
    Column("category", String),
    Column("status", String),
    Column("activated_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True)),
)
schools = _table(
    "schools",
    Column("id", BigInteger),
    Column("code", String),
    Column("name", String),
    Column("type", String),
    Column("ward_code", String),
    Column("legacy_district", String),
    Column("created_at", DateTime(timezone=True)),
)
providers = _table("providers", Column("id", BigInteger), Column("name", String))
placard_prints = _table(
    "placard_prints", Column("vendor_id", BigInteger), Column("printed_at", DateTime(timezone=True))
)
invoices = _table(
    "invoices",
    Column("id", BigInteger),
    Column("school_id", BigInteger),
    Column("total_amount", BigInteger),
    Column("paid_amount", BigInteger),
    Column("status", String),
    Column("due_date", Date),
)
rollup_days = _table(
    "rollup_days",
    Column("business_date", Date),
    Column("payee_type", String),
    Column("payee_id", BigInteger),
    Column("provider_id", BigInteger),
    Column("method", String),
    Column("payment_count", Integer),
    Column("amount", BigInteger),
)
rollup_months = _table(
    "rollup_months",
    Column("month", Date),
    Column("payee_type", String),
    Column("payee_id", BigInteger),
    Column("provider_id", BigInteger),
    Column("method", String),
    Column("payment_count", Integer),
    Column("amount", BigInteger),
)
# payer_counts' kind of payee standing for any kind: a payer of a stall and a school is one
ANY_PAYEE = "*"  # (payments.rollups.ANY_PAYEE)
payer_counts = _table(
    "payer_counts",
    Column("period", String),
    Column("payee_type", String),
    Column("payers", Integer),
)
bank_months = _table(
    "bank_months",
    Column("month", Date),
    Column("payer_bin", String),
    Column("payment_count", Integer),
)


@cache
def payees():
    """Every payee with the dimensions statistics group by (no personal data); built once."""
    v, m, s = vendors, markets, schools
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


def flows(start: date, end: date, prefix: str = ""):
    """Transactions in [start, end]: whole months from the monthly rollup, edges from days.
    (subquery, its parameters): the statement is built once per shape of period, its dates
    bound under names starting with prefix (two periods in one statement differ by it).
    A period's whole months follow one another, so they are asked for as a range of first
    days: two comparisons a row, where a list of months costs one per month."""
    months, day_ranges = segments(start, end)
    params = {f"{prefix}months_from": months[0], f"{prefix}months_to": months[-1]} if months else {}
    for n, (first, last) in enumerate(day_ranges):
        params |= {
            f"{prefix}first_{n}": first,
            f"{prefix}last_{n}": last,
            f"{prefix}month_{n}": first.replace(day=1),
        }
    return _flows(bool(months), len(day_ranges), prefix), params


@cache
def _flows(whole_months: bool, edges: int, prefix: str):
    parts = []
    cols = ("payee_type", "payee_id", "provider_id", "method", "payment_count", "amount")
    if whole_months:
        r = rollup_months
        first, last = (bindparam(f"{prefix}months_{e}", type_=Date) for e in ("from", "to"))
        parts.append(
            select(r.c.month.label("day"), r.c.month.label("month"), *[r.c[c] for c in cols]).where(
                r.c.month.between(first, last)
            )
        )
    for n in range(edges):
        r = rollup_days
        first, last = bindparam(f"{prefix}first_{n}"), bindparam(f"{prefix}last_{n}")
        parts.append(
            select(
                r.c.business_date.label("day"),
                bindparam(f"{prefix}month_{n}", type_=Date).label("month"),
                *[r.c[c] for c in cols],
            ).where(r.c.business_date.between(first, last))
        )
    return union_all(*parts).subquery("flows")
