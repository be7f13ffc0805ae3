"""Statistics rollups, kept up to date as payments are recorded, and rebuilt from the ledger.

Per payee, provider and method: transactions and value per business day and per month (a
reversal takes its payment back on the payment's own day, so reversed payments never count);
distinct payers per month and year (by keyed hash), per kind of payee and for any kind;
payer banks per month. Statistics read
these small tables and never scan the payments table."""

from datetime import date

from sqlalchemy import (
    Date,
    delete,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from market.db import upsert_insert
from payments.ledger.models import Payment
from payments.rollups.models import (
    ANY_PAYEE,
    SHARDS,
    BankMonth,
    DayRollup,
    MonthRollup,
    PayerCount,
    PayerPeriod,
)

# On PostgreSQL the rollups of a payment are counted in the statement that writes it: these
# clauses of a WITH count the one row of `src` (business_date, payee_type, payee_id,
# provider_id (0 for cash), method, amount, payer_hash, payer_bin, sign) in every rollup.
PG_COUNTING = f"""
r_day AS (
  INSERT INTO rollup_days AS r
    (business_date, payee_type, payee_id, provider_id, method, payment_count, amount)
  SELECT business_date, payee_type, payee_id, provider_id, method, sign, sign * amount FROM src
  ON CONFLICT (business_date, payee_type, payee_id, provider_id, method) DO UPDATE
  SET payment_count = r.payment_count + excluded.payment_count,
      amount = r.amount + excluded.amount
), r_month AS (
  INSERT INTO rollup_months AS r
    (month, payee_type, payee_id, provider_id, method, payment_count, amount)
  SELECT CAST(date_trunc('month', business_date) AS DATE), payee_type, payee_id, provider_id,
         method, sign, sign * amount FROM src
  ON CONFLICT (month, payee_type, payee_id, provider_id, method) DO UPDATE
  SET payment_count = r.payment_count + excluded.payment_count,
      amount = r.amount + excluded.amount
), r_bank AS (
  INSERT INTO bank_months AS r (month, payer_bin, shard, payment_count)
  SELECT CAST(date_trunc('month', business_date) AS DATE), payer_bin, payee_id % {SHARDS}, sign
  FROM src WHERE payer_bin IS NOT NULL
  ON CONFLICT (month, payer_bin, shard) DO UPDATE
  SET payment_count = r.payment_count + excluded.payment_count
), r_payer AS (
  INSERT INTO payer_periods AS r (period, payee_type, payer_hash, payments)
  SELECT per.period, kind.payee_type, src.payer_hash, src.sign FROM src
  CROSS JOIN LATERAL (VALUES ('M' || to_char(src.business_date, 'YYYY-MM')),
                             ('Y' || to_char(src.business_date, 'YYYY'))) AS per (period)
  CROSS JOIN LATERAL (VALUES (src.payee_type), ('{ANY_PAYEE}')) AS kind (payee_type)
  WHERE src.payer_hash IS NOT NULL
  ON CONFLICT (period, payee_type, payer_hash) DO UPDATE
  SET payments = r.payments + excluded.payments
  RETURNING period, payee_type, payer_hash, payments
), r_payers AS (
  INSERT INTO payer_counts AS r (period, payee_type, shard, payers)
  SELECT n.period, n.payee_type, substr(n.payer_hash, 1, 1), s.sign
  FROM r_payer n CROSS JOIN src s
  WHERE n.payments = CASE WHEN s.sign > 0 THEN 1 ELSE 0 END
  ON CONFLICT (period, payee_type, shard) DO UPDATE SET payers = r.payers + excluded.payers
)"""

_PG_ACCOUNT = text(f"""
WITH src AS (
  SELECT CAST(:business_date AS DATE) AS business_date,
         CAST(:payee_type AS VARCHAR) AS payee_type, CAST(:payee_id AS BIGINT) AS payee_id,
         CAST(:provider_id AS BIGINT) AS provider_id, CAST(:method AS VARCHAR) AS method,
         CAST(:amount AS BIGINT) AS amount, CAST(:payer_hash AS VARCHAR) AS payer_hash,
         CAST(:payer_bin AS VARCHAR) AS payer_bin, CAST(:sign AS INTEGER) AS sign
), {PG_COUNTING}
SELECT 1""")


def _upsert(session: Session, model, keys: dict, increments: dict, returning=None):
    dialect_insert = upsert_insert(session)
    table = model.__table__
    stmt = dialect_insert(table).values(**keys, **increments)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={k: table.c[k] + stmt.excluded[k] for k in increments}
    )
    if returning is not None:
        stmt = stmt.returning(table.c[returning])
    return session.connection().execute(stmt)


def _payer(session: Session, period: str, payee_type: str, payer: str, sign: int) -> None:
    keys = {"period": period, "payee_type": payee_type, "payer_hash": payer}
    now = _upsert(session, PayerPeriod, keys, {"payments": sign}, "payments").scalar_one()
    if (sign > 0 and now == 1) or (sign < 0 and now == 0):
        keys = {"period": period, "payee_type": payee_type, "shard": payer[:1]}
        _upsert(session, PayerCount, keys, {"payers": sign})


def account(
    session: Session,
    *,
    business_date: date,
    payee_type: str,
    payee_id: int,
    provider_id: int | None,
    method: str,
    amount: int,
    payer_hash: str | None,
    payer_bin: str | None,
    sign: int,
) -> None:
    """Count (sign +1) or take back (-1) one payment in every rollup (PG_COUNTING, as one
    statement on PostgreSQL)."""
    key = {
        "payee_type": payee_type,
        "payee_id": payee_id,
        "provider_id": provider_id or 0,
        "method": method,
    }
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(
            _PG_ACCOUNT,
            key
            | {"business_date": business_date, "amount": amount, "sign": sign}
            | {"payer_hash": payer_hash, "payer_bin": payer_bin},
        )
        return
    month = business_date.replace(day=1)
    change = {"payment_count": sign, "amount": sign * amount}
    _upsert(session, DayRollup, {"business_date": business_date, **key}, change)
    _upsert(session, MonthRollup, {"month": month, **key}, change)
    if payer_bin:
        keys = {"month": month, "payer_bin": payer_bin, "shard": payee_id % SHARDS}
        _upsert(session, BankMonth, keys, {"payment_count": sign})
    if payer_hash:
        for period in (f"M{month:%Y-%m}", f"Y{month:%Y}"):
            for kind in (payee_type, ANY_PAYEE):
                _payer(session, period, kind, payer_hash, sign)


def account_payment(session: Session, payment: Payment, sign: int = 1) -> None:
    """Count a payment whose payee is known (its reversal: sign -1, on the payment's day)."""
    if payment.payee_type is None or payment.kind != "payment":
        return
    account(
        session,
        business_date=payment.business_date,
        payee_type=payment.payee_type,
        payee_id=payment.payee_id,
        provider_id=payment.provider_id,
        method=payment.method,
        amount=payment.amount,
        payer_hash=payment.payer_hash,
        payer_bin=payment.payer_bin,
        sign=sign,
    )


def _month_expressions(session: Session, column):
    """(first day of the month as a date, 'YYYY-MM', 'YYYY') of a date column, per dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return (
            func.date_trunc("month", column).cast(Date),
            func.to_char(column, "YYYY-MM"),
            func.to_char(column, "YYYY"),
        )
    return (
        func.date(column, "start of month"),
        func.strftime("%Y-%m", column),
        func.strftime("%Y", column),
    )


def rebuild(session: Session) -> None:
    """Recompute every rollup from the ledger in a few set-based statements (it must agree
    with what was maintained payment by payment)."""
    for model in (DayRollup, MonthRollup, PayerPeriod, PayerCount, BankMonth):
        session.execute(delete(model))
    reversal = aliased(Payment)
    live = (
        select(Payment)
        .where(
            Payment.kind == "payment",
            Payment.payee_type.is_not(None),
            ~select(reversal.id).where(reversal.reverses_id == Payment.id).exists(),
        )
        .subquery()
    )
    month, month_text, year_text = _month_expressions(session, live.c.business_date)
    provider = func.coalesce(live.c.provider_id, 0)
    keys = (live.c.payee_type, live.c.payee_id, provider, live.c.method)
    totals = (func.count(), func.sum(live.c.amount))
    columns = ["payee_type", "payee_id", "provider_id", "method", "payment_count", "amount"]
    session.execute(
        insert(DayRollup).from_select(
            ["business_date", *columns],
            select(live.c.business_date, *keys, *totals).group_by(live.c.business_date, *keys),
        )
    )
    session.execute(
        insert(MonthRollup).from_select(
            ["month", *columns], select(month, *keys, *totals).group_by(month, *keys)
        )
    )
    bank_shard = (live.c.payee_id % SHARDS).label("shard")
    session.execute(
        insert(BankMonth).from_select(
            ["month", "payer_bin", "shard", "payment_count"],
            select(month, live.c.payer_bin, bank_shard, func.count())
            .where(live.c.payer_bin.is_not(None))
            .group_by(month, live.c.payer_bin, bank_shard),
        )
    )
    for prefix, period_text in (("M", month_text), ("Y", year_text)):
        period = (literal(prefix) + period_text).label("period")
        # each kind of payee, then any kind (a constant: not a grouping key)
        for kind, keys in ((live.c.payee_type, [live.c.payee_type]), (literal(ANY_PAYEE), [])):
            session.execute(
                insert(PayerPeriod).from_select(
                    ["period", "payee_type", "payer_hash", "payments"],
                    select(period, kind, live.c.payer_hash, func.count())
                    .where(live.c.payer_hash.is_not(None))
                    .group_by(period, *keys, live.c.payer_hash),
                )
            )
    payer_shard = func.substr(PayerPeriod.payer_hash, 1, 1).label("shard")
    session.execute(
        insert(PayerCount).from_select(
            ["period", "payee_type", "shard", "payers"],
            select(PayerPeriod.period, PayerPeriod.payee_type, payer_shard, func.count())
            .where(PayerPeriod.payments > 0)
            .group_by(PayerPeriod.period, PayerPeriod.payee_type, payer_shard),
        )
    )
    session.flush()


def agrees(session: Session) -> bool:
    """True when the maintained rollups equal a fresh rebuild (checked inside a savepoint)."""

    def snapshot():
        return [
            sorted(
                tuple(r)
                for r in session.execute(select(*m.__table__.c)).all()
                if not _is_zero(m, r)
            )
            for m in (DayRollup, MonthRollup, PayerCount, BankMonth)
        ]

    before = snapshot()
    nested = session.begin_nested()
    rebuild(session)
    after = snapshot()
    nested.rollback()
    return before == after


def _is_zero(model, row) -> bool:
    counts = [getattr(row, c) for c in ("payment_count", "amount", "payers") if hasattr(row, c)]
    return all(v == 0 for v in counts)
