"""The rollup rules, each in one place: how a set of payments changes each rollup.

Every rule is a statement over a source relation `p` of payments rows, counted with a sign
(+1: counted, -1: taken back, as a reversal does on its payment's own day). Writing a payment
runs them over the rows it wrote; `stats rebuild` runs them over every live payment. Only a
payment (not a reversing record) whose payee is known counts.

A source of at most one row (`one=True`: what a single write touched) is counted by the same
rules without grouping: a row is its own group, so each aggregate is the row's own value
(count() is 1, sum(x) is x), and the statement skips the aggregation, a noticeable share of
a write's time on PostgreSQL."""

from sqlalchemy import Date, String, and_, case, func, literal_column, select, true, union_all
from sqlalchemy.sql import FromClause

from payments.rollups.models import (
    ANY_PAYEE,
    SHARDS,
    BankMonth,
    DayRollup,
    MonthRollup,
    PayerCount,
    PayerPeriod,
)

PAYER_KEYS = ("period", "payee_type", "payer_hash")
# Constants are written into the statements, not bound: PostgreSQL groups by an expression
# only when it is the very same text in the select list and the GROUP BY.
_sql = literal_column


def dialect_insert(dialect: str):
    """The INSERT construct of a dialect that knows ON CONFLICT (PostgreSQL and SQLite)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def month_parts(dialect: str, column) -> tuple:
    """(first day of the month as a date, 'YYYY-MM', 'YYYY') of a date column."""
    if dialect == "postgresql":
        return (
            func.date_trunc(_sql("'month'"), column).cast(Date),
            func.to_char(column, _sql("'YYYY-MM'")),
            func.to_char(column, _sql("'YYYY'")),
        )
    return (
        func.date(column, _sql("'start of month'")),
        func.strftime(_sql("'%Y-%m'"), column),
        func.strftime(_sql("'%Y'"), column),
    )


def counts(p: FromClause):
    """The condition under which a row of p counts in the rollups."""
    return and_(p.c.kind == _sql("'payment'"), p.c.payee_type.is_not(None))


def _upsert(insert, model, keys: list[str], rows, counters: list[str]):
    # Every rows has a WHERE: SQLite would read ON CONFLICT as a join's ON otherwise.
    stmt = insert(model.__table__).from_select([*keys, *counters], rows)
    table = model.__table__
    return stmt.on_conflict_do_update(
        index_elements=keys, set_={c: table.c[c] + stmt.excluded[c] for c in counters}
    )


def _tally(keys: tuple, counted: list[tuple], where: tuple, one: bool):
    """SELECT keys and the counted values of the rows meeting where: each of counted is
    (aggregate, the same of one row alone), the aggregates grouped by keys unless one.

    Grouped rows come in key order, so that a rebuilt rollup lies on disk in the order of
    its dates, as one that grew day by day does: the days at a period's edges are then read
    from a few pages (in hash order, 9,600 rows of 16 days took 5,700 pages and 12 ms)."""
    rows = select(*keys, *(alone if one else total for total, alone in counted)).where(*where)
    return rows if one else rows.group_by(*keys).order_by(*keys)


def _count(sign: int) -> tuple:
    return func.count() * _sql(str(sign)), _sql(str(sign))


def _totals(insert, model, first, p: FromClause, sign: int, one: bool):
    provider = func.coalesce(p.c.provider_id, _sql("0"))
    keys = (first, p.c.payee_type, p.c.payee_id, provider, p.c.method)
    value = (func.sum(p.c.amount) * _sql(str(sign)), p.c.amount * _sql(str(sign)))
    rows = _tally(keys, [_count(sign), value], (counts(p),), one)
    key_names = [list(model.__table__.primary_key.columns.keys())[0]]
    key_names += ["payee_type", "payee_id", "provider_id", "method"]
    return _upsert(insert, model, key_names, rows, ["payment_count", "amount"])


def day_rule(dialect: str, p: FromClause, sign: int, one: bool = False):
    """Transactions and value per payee, provider and method, per business day."""
    return _totals(dialect_insert(dialect), DayRollup, p.c.business_date, p, sign, one)


def month_rule(dialect: str, p: FromClause, sign: int, one: bool = False):
    """The same per month."""
    month = month_parts(dialect, p.c.business_date)[0]
    return _totals(dialect_insert(dialect), MonthRollup, month, p, sign, one)


def bank_rule(dialect: str, p: FromClause, sign: int, one: bool = False):
    """Payments per payer bank and month, sharded by payee id."""
    month = month_parts(dialect, p.c.business_date)[0]
    keys = (month, p.c.payer_bin, p.c.payee_id % _sql(str(SHARDS)))
    rows = _tally(keys, [_count(sign)], (counts(p), p.c.payer_bin.is_not(None)), one)
    columns = ["month", "payer_bin", "shard"]
    return _upsert(dialect_insert(dialect), BankMonth, columns, rows, ["payment_count"])


def _periods_and_kinds():
    # Each payment counts four times: in its month and its year, under its kind of payee
    # and under any kind.
    rows = [(month, own) for month in (1, 0) for own in (1, 0)]
    return union_all(
        *(select(_sql(str(m)).label("month"), _sql(str(o)).label("own")) for m, o in rows)
    ).subquery("k")


def payer_changes(dialect: str, p: FromClause, sign: int, one: bool = False):
    """(period, payee_type, payer_hash, n): how many payments each payer gains (or loses) in
    each month ('M2026-11') and year ('Y2026'), under its kind of payee and under any kind
    (ANY_PAYEE)."""
    _, month_text, year_text = month_parts(dialect, p.c.business_date)
    k = _periods_and_kinds()
    yes = _sql("1")
    period = case(
        (k.c.month == yes, _sql("'M'", String) + month_text), else_=_sql("'Y'", String) + year_text
    )
    kind = case((k.c.own == yes, p.c.payee_type), else_=_sql(f"'{ANY_PAYEE}'", String))
    total, alone = _count(sign)
    rows = select(
        period.label("period"),
        kind.label("payee_type"),
        p.c.payer_hash,
        (alone if one else total).label("n"),
    )
    rows = rows.select_from(p.join(k, true())).where(counts(p), p.c.payer_hash.is_not(None))
    return rows if one else rows.group_by(period, kind, p.c.payer_hash)


def payer_period_rule(dialect: str, changes: FromClause):
    """A payer's live payments per period and kind of payee."""
    rows = select(changes.c.period, changes.c.payee_type, changes.c.payer_hash, changes.c.n)
    rows = rows.where(true())
    return _upsert(dialect_insert(dialect), PayerPeriod, list(PAYER_KEYS), rows, ["payments"])


def payer_count_rule(dialect: str, flows: FromClause, one: bool = False):
    """Distinct payers: a payer counts in a period while it has live payments there. flows
    holds (period, payee_type, payer_hash, before, after) of every payer that changed."""
    yes, zero = _sql("1"), _sql("0")
    became = case((flows.c.after > zero, yes), else_=zero) - case(
        (flows.c.before > zero, yes), else_=zero
    )
    shard = func.substr(flows.c.payer_hash, _sql("1"), _sql("1"))
    keys = (flows.c.period, flows.c.payee_type, shard)
    rows = _tally(keys, [(func.sum(became), became)], (became != zero,), one)
    keys = ["period", "payee_type", "shard"]
    return _upsert(dialect_insert(dialect), PayerCount, keys, rows, ["payers"])


def _same_payer(a, b):
    return and_(*(a.c[k] == b.c[k] for k in PAYER_KEYS))


def rules(dialect: str, p: FromClause, sign: int, one: bool = False) -> list:
    """Every rollup rule over p (one: p holds at most one row), in an order that runs one
    after another (SQLite): the payer counts read the periods as they were before the
    periods' own rule."""
    changes = payer_changes(dialect, p, sign, one).subquery("changes")
    before = PayerPeriod.__table__
    flows = (
        select(
            changes.c.period,
            changes.c.payee_type,
            changes.c.payer_hash,
            func.coalesce(before.c.payments, _sql("0")).label("before"),
            (func.coalesce(before.c.payments, _sql("0")) + changes.c.n).label("after"),
        )
        .select_from(changes.outerjoin(before, _same_payer(changes, before)))
        .subquery("flows")
    )
    return [
        day_rule(dialect, p, sign, one),
        month_rule(dialect, p, sign, one),
        bank_rule(dialect, p, sign, one),
        payer_count_rule(dialect, flows, one),
        payer_period_rule(dialect, changes),
    ]


def rule_ctes(p: FromClause, sign: int, one: bool = False) -> list:
    """The same rules as clauses of one PostgreSQL statement: every clause sees the tables as
    they were before the statement, so the payer counts read what the periods' upsert
    returns (the row as it is now, after any simultaneous payment of the same payer)."""
    dialect = "postgresql"
    changes = payer_changes(dialect, p, sign, one).cte("payer_changes")
    periods = (
        payer_period_rule(dialect, changes)
        .returning(*(PayerPeriod.__table__.c[k] for k in (*PAYER_KEYS, "payments")))
        .cte("r_payer")
    )
    # What each payer's change was: of one row, the sign itself, with no join back.
    n = _sql(str(sign)) if one else changes.c.n
    flows = select(
        periods.c.period,
        periods.c.payee_type,
        periods.c.payer_hash,
        (periods.c.payments - n).label("before"),
        periods.c.payments.label("after"),
    )
    if not one:
        flows = flows.select_from(periods.join(changes, _same_payer(periods, changes)))
    flows = flows.subquery("flows")
    return [
        day_rule(dialect, p, sign, one).cte("r_day"),
        month_rule(dialect, p, sign, one).cte("r_month"),
        bank_rule(dialect, p, sign, one).cte("r_bank"),
        periods,
        payer_count_rule(dialect, flows, one).cte("r_payers"),
    ]
