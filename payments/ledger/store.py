"""Writing a payment: on PostgreSQL one statement does the payment, its place in the
settlement queue, its raw notification and its statistics rollups (the ingest hot path);
elsewhere, a few statements."""

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from market.db import insert_or_ignore, utcnow
from payments.ingest.models import Notification
from payments.ledger.models import Payment
from payments.rollups import service as rollups
from payments.settlement.models import UnsettledPayment

COLUMNS = (
    "kind",
    "method",
    "source",
    "provider_id",
    "provider_txn_id",
    "bank_reference",
    "amount",
    "fee_amount",
    "credit_bin",
    "credit_account",
    "description",
    "occurred_at",
    "business_date",
    "received_at",
    "payer_bin",
    "payer_account_masked",
    "payer_hash",
    "payer_name",
    "payee_type",
    "payee_id",
    "target_type",
    "target_id",
    "target_reference",
    "match_status",
    "matched_by",
    "match_note",
)

ROLLUP_KEYS = (
    "business_date",
    "payee_type",
    "payee_id",
    "provider_id",
    "method",
    "amount",
    "payer_hash",
    "payer_bin",
)

# Either key known, the transfer is: (provider, transaction id) for a repeated delivery,
# (credit account, bank reference) for the same transfer reported by another provider.
_RETURNING = """
  ON CONFLICT DO NOTHING
  RETURNING id, business_date, match_status, provider_id, received_at, payee_type, payee_id,
            method, amount, payer_hash, payer_bin"""

# What goes with a new payment `p`: its place in the settlement queue, the raw notification,
# and the rollups (nothing when p is empty: the transfer was known already).
_WITH_THE_PAYMENT = f"""
queued AS (
  INSERT INTO unsettled_payments (payment_id, business_date)
  SELECT id, business_date FROM p WHERE match_status = 'matched'
), raw AS (
  INSERT INTO notifications (provider_id, received_at, body, outcome, payment_id)
  SELECT provider_id, received_at, CAST(:raw_body AS TEXT), 'recorded', id FROM p
  WHERE CAST(:raw_body AS TEXT) IS NOT NULL
), src AS (
  SELECT business_date, payee_type, payee_id, COALESCE(provider_id, 0) AS provider_id, method,
         amount, payer_hash, payer_bin, 1 AS sign
  FROM p WHERE payee_type IS NOT NULL
), {rollups.PG_COUNTING}
SELECT id FROM p"""

PG_STORE = text(f"""
WITH p AS (
  INSERT INTO payments ({", ".join(COLUMNS)})
  VALUES ({", ".join(":" + c for c in COLUMNS)}){_RETURNING}
), {_WITH_THE_PAYMENT}""")

# The same, for a transfer with no reference to look up, matched in the statement itself by
# the holders of its account (HOLDERS: registry.holders(), put in by whoever compiles this),
# by the rules of ingest.by_account.
HOLDERS = "__HOLDERS__"
_UNMATCHED = ("target_type", "target_id", "target_reference")
_GIVEN = [c for c in COLUMNS if c not in _UNMATCHED and not c.startswith(("payee_", "match"))]
PG_STORE_BY_ACCOUNT = text(f"""
WITH holders AS ({HOLDERS}), decided AS (
  SELECT count(*) AS n, min(payee_type) AS payee_type, min(payee_id) AS payee_id,
         bool_or(needs) AS needs
  FROM holders
), p AS (
  INSERT INTO payments ({", ".join(_GIVEN)},
                        payee_type, payee_id, match_status, matched_by, match_note)
  SELECT {", ".join(":" + c for c in _GIVEN)},
         CASE WHEN n = 1 THEN payee_type END,
         CASE WHEN n = 1 THEN payee_id END,
         CASE WHEN n = 1 AND NOT needs THEN 'matched' ELSE 'unmatched' END,
         CASE WHEN n = 1 AND NOT needs THEN 'account' END,
         left(CASE
           WHEN n = 0 THEN 'no payee holds account ' || CAST(:credit_account AS VARCHAR)
           WHEN n > 1 THEN n || ' payees hold account ' || CAST(:credit_account AS VARCHAR)
           ELSE 'account ' || CAST(:credit_account AS VARCHAR) || ' belongs to ' || payee_type
                || ' ' || payee_id
                || CASE WHEN needs THEN '; no reference to what is paid' ELSE '' END
         END, 300)
  FROM decided{_RETURNING}
), {_WITH_THE_PAYMENT}""")
# The payment a known transfer already made (both paths, either database): the delivery's
# own, else the one another provider's report of the same transfer made.
STORED_ID = text("""
SELECT id FROM payments
WHERE (provider_id = :provider_id AND provider_txn_id = :provider_txn_id)
   OR (credit_account = :credit_account AND bank_reference = :bank_reference)
ORDER BY CASE WHEN provider_id = :provider_id AND provider_txn_id = :provider_txn_id
         THEN 0 ELSE 1 END, id
LIMIT 1""")
KNOWN_BY = ("provider_id", "provider_txn_id", "credit_account", "bank_reference")


def known_payment_id(session: Session, values: dict) -> int:
    """The payment that holds a transfer found known (by either key) when it was stored."""
    return session.execute(STORED_ID, {k: values[k] for k in KNOWN_BY}).scalar_one()


def store_payment(session: Session, values: dict, raw_body: str | None) -> int | None:
    """Insert the payment unless the transfer is known (by either key): the new id, or None."""
    row = {c: values.get(c) for c in COLUMNS} | {"received_at": utcnow()}
    if session.get_bind().dialect.name == "postgresql":
        return session.connection().execute(PG_STORE, row | {"raw_body": raw_body}).scalar()
    payment_id = insert_or_ignore(session, Payment.__table__, row, None)
    if payment_id is None:
        return None
    if row["payee_type"] is not None:
        rollups.account(
            session,
            **{k: row[k] for k in ROLLUP_KEYS},
            sign=1,
        )
    if row["match_status"] == "matched":
        session.execute(
            insert(UnsettledPayment),
            [{"payment_id": payment_id, "business_date": row["business_date"]}],
        )
    if raw_body is not None:
        session.execute(
            insert(Notification),
            [
                {
                    "provider_id": row["provider_id"],
                    "received_at": row["received_at"],
                    "body": raw_body,
                    "outcome": "recorded",
                    "payment_id": payment_id,
                }
            ],
        )
    return payment_id
