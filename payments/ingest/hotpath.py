"""The notification hot path on PostgreSQL.

A transfer whose description names nothing to look up (no reference code: a customer paying
a stall, most of the traffic) is matched by its account alone. One statement, run on a driver
connection in autocommit mode (`Database.direct()`), finds the account's holders, writes the
payment matched by the rules of `ingest.by_account`, its settlement-queue row, the raw
notification and the statistics rollups, and commits: no ORM session, no BEGIN, one round
trip. It writes what `ingest.record_transfer` writes (tests hold the two to the same rows); a
notification with a reference code takes that path instead."""

from functools import cache

from psycopg import RawCursor

from market.db import DriverSQL, driver_sql, utcnow
from payments.domains import registry
from payments.ingest.models import ProviderConfig
from payments.ingest.providers.base import Transfer
from payments.ingest.record import transfer_values
from payments.ledger.store import HOLDERS, KNOWN_BY, PG_STORE_BY_ACCOUNT, STORED_ID
from payments.qr.reference import find_references


@cache
def _store_sql(holders) -> DriverSQL:
    """PG_STORE_BY_ACCOUNT with the registry's holders query, compiled once per process."""
    return driver_sql(PG_STORE_BY_ACCOUNT, **{HOLDERS: holders})


_STORED_ID = driver_sql(STORED_ID)


def applies_to(transfers: list[Transfer]) -> bool:
    """True when no transfer's description holds a reference code to look up, nor names a
    memo virtual account (matched by its code, too)."""
    return bool(transfers) and not any(
        t.memo_account or find_references(t.description, prefixes=registry.target_finders)
        for t in transfers
    )


def record(
    connection,
    *,
    provider: ProviderConfig,
    transfers: list[Transfer],
    payer_key: bytes,
    raw_body: str,
) -> list[dict]:
    """Match and write each transfer exactly once; the status and payment id of each. Several
    transfers are written in one transaction."""
    if len(transfers) == 1:
        return [_record_one(connection, provider, transfers[0], payer_key, raw_body)]
    with connection.transaction():
        return [_record_one(connection, provider, t, payer_key, raw_body) for t in transfers]


def _record_one(connection, provider, transfer: Transfer, payer_key, raw_body) -> dict:
    store = _store_sql(registry.holders())
    row = transfer_values(provider, transfer, "notification", payer_key)
    row |= {"received_at": utcnow(), "raw_body": raw_body}
    cursor = RawCursor(connection)
    cursor.execute(store.sql, store.params(row), prepare=True)
    created = cursor.fetchone()
    if created is not None:
        return {"status": "recorded", "payment_id": created[0]}
    # Known already; a new statement sees the other delivery's row once it has committed.
    cursor.execute(_STORED_ID.sql, _STORED_ID.params({k: row[k] for k in KNOWN_BY}))
    return {"status": "duplicate", "payment_id": cursor.fetchone()[0]}
