"""Statistics rollups, kept up to date by every write (ledger/write.py runs the rules of
rollups/rules.py over the rows it writes) and rebuilt from the ledger by the same rules.

Per payee, provider and method: transactions and value per business day and per month (a
reversal takes its payment back on the payment's own day, so reversed payments never count);
distinct payers per month and year (by keyed hash), per kind of payee and for any kind;
payer banks per month. Statistics read these small tables and never scan the payments
table."""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, aliased

from payments.ledger.models import Payment
from payments.ledger.write import count_all
from payments.rollups.models import BankMonth, DayRollup, MonthRollup, PayerCount, PayerPeriod

MODELS = (DayRollup, MonthRollup, PayerPeriod, PayerCount, BankMonth)


def live_payments():
    """Every payment that counts: not a reversal, and not reversed."""
    reversal = aliased(Payment)
    return (
        select(*Payment.__table__.c)
        .where(
            Payment.kind == "payment",
            ~select(reversal.id).where(reversal.reverses_id == Payment.id).exists(),
        )
        .subquery("live")
    )


def rebuild(session: Session) -> None:
    """Recompute every rollup from the ledger: the rules every write runs, over every live
    payment at once."""
    for model in MODELS:
        session.execute(delete(model))
    count_all(session, live_payments())
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
