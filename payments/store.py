"""Writing a payment: on PostgreSQL one statement does the payment, its place in the
settlement queue and its raw notification (the ingest hot path); elsewhere, three inserts."""

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from market.db import insert_or_ignore, utcnow
from payments.models import Notification, Payment, UnsettledPayment

COLUMNS = (
    "kind",
    "method",
    "source",
    "provider_id",
    "provider_txn_id",
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

_PG_INSERT = text(f"""
WITH p AS (
  INSERT INTO payments ({", ".join(COLUMNS)})
  VALUES ({", ".join(":" + c for c in COLUMNS)})
  ON CONFLICT (provider_id, provider_txn_id) DO NOTHING
  RETURNING id, business_date, match_status, provider_id, received_at
), queued AS (
  INSERT INTO unsettled_payments (payment_id, business_date)
  SELECT id, business_date FROM p WHERE match_status = 'matched'
), raw AS (
  INSERT INTO notifications (provider_id, received_at, body, outcome, payment_id)
  SELECT provider_id, received_at, CAST(:raw_body AS TEXT), 'recorded', id FROM p
  WHERE CAST(:raw_body AS TEXT) IS NOT NULL
)
SELECT id FROM p
""")


def store_payment(session: Session, values: dict, raw_body: str | None) -> int | None:
    """Insert the payment unless (provider, transaction id) is known: the new id, or None."""
    row = {c: values.get(c) for c in COLUMNS} | {"received_at": utcnow()}
    if session.get_bind().dialect.name == "postgresql":
        return session.connection().execute(_PG_INSERT, row | {"raw_body": raw_body}).scalar()
    payment_id = insert_or_ignore(
        session, Payment.__table__, row, ["provider_id", "provider_txn_id"]
    )
    if payment_id is None:
        return None
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
