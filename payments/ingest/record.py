"""Recording a credited transfer, exactly once, from a notification, a statement or a demo:
the values of its payment, what it pays (matching), and one write (ledger/write.py)."""

import hashlib
import hmac

from sqlalchemy.orm import Session

from market.clock import business_date_of
from market.db import utcnow
from payments.domains import Hub, hub_of
from payments.ingest import limits
from payments.ingest.matching import (
    account_values,
    by_account,
    find_target,
    needs_lookup,
    target_values,
)
from payments.ingest.models import Provider, ProviderConfig
from payments.ingest.providers.base import Transfer
from payments.ledger.write import COLUMNS, KNOWN_BY, STORED_ID, Plan, new_payment, write

# Matched by the account's holders inside the write, or to a target found beforehand; with
# the raw notification or without (a statement line, a demo transfer).
BY_ACCOUNT = {raw: Plan(f"by_account_{raw}", by_account, raw=raw) for raw in (True, False)}
TO_TARGET = {
    raw: Plan(f"to_target_{raw}", lambda dialect, _: new_payment(dialect), raw=raw)
    for raw in (True, False)
}


def payer_columns(transfer: Transfer, key: bytes) -> dict:
    """The payer's account kept only masked and as a keyed hash (for distinct payers)."""
    name = limits.cut(transfer.debit_name, limits.PAYER_NAME)
    if not transfer.debit_account:
        return {
            "payer_bin": transfer.debit_bin,
            "payer_name": name,
            "payer_account_masked": None,
            "payer_hash": None,
        }
    digest = hmac.new(
        key, f"{transfer.debit_bin or ''}:{transfer.debit_account}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    return {
        "payer_bin": transfer.debit_bin,
        "payer_name": name,
        "payer_account_masked": "•••• " + transfer.debit_account[-4:],
        "payer_hash": digest,
    }


def transfer_values(
    provider: Provider | ProviderConfig, transfer: Transfer, source: str, payer_key: bytes
) -> dict:
    """Every column of a transfer's payment but who it pays."""
    return (
        dict.fromkeys(COLUMNS)
        | {
            "kind": "payment",
            "method": "transfer",
            "source": source,
            "provider_id": provider.id,
            "provider_txn_id": transfer.provider_txn_id,
            "bank_reference": transfer.bank_reference,
            "amount": transfer.amount,
            "fee_amount": provider.fee_for(transfer.amount),
            "credit_bin": transfer.credit_bin,
            "credit_account": transfer.credit_account,
            "description": limits.cut(transfer.description, limits.DESCRIPTION),
            "occurred_at": transfer.occurred_at,
            "business_date": business_date_of(transfer.occurred_at),
            "received_at": utcnow(),
        }
        | payer_columns(transfer, payer_key)
    )


def record_transfer(
    session: Session,
    *,
    provider: Provider | ProviderConfig,
    transfer: Transfer,
    source: str,
    payer_key: bytes,
    raw_body: str | None = None,
) -> tuple[str, int]:
    """('recorded' | 'duplicate', payment id): the transfer is in the ledger exactly once;
    raw_body, the notification as it arrived, is kept with it."""
    hub = hub_of(session)
    values = transfer_values(provider, transfer, source, payer_key) | {"raw_body": raw_body}
    found = find_target(session, hub, transfer) if needs_lookup(hub, transfer) else None
    if found is not None and found.target is not None:
        plan, values = TO_TARGET[raw_body is not None], values | target_values(found)
    else:
        plan, values = BY_ACCOUNT[raw_body is not None], values | account_values(transfer, found)
    written = write(session, hub.statements, plan, values)
    if not written:
        return "duplicate", session.execute(STORED_ID, _known(values)).scalar_one()
    if found is not None and found.target is not None:
        hub.apply(session, found.target.type, found.target.id, transfer.amount, written[0])
    return "recorded", written[0]


def _known(values: dict) -> dict:
    return {k: values[k] for k in KNOWN_BY}


def record_plain(
    connection,
    hub: Hub,
    *,
    provider: ProviderConfig,
    transfer: Transfer,
    payer_key: bytes,
    raw_body: str,
) -> tuple[str, int]:
    """record_transfer for a notified transfer that needs no lookup, on a PostgreSQL driver
    connection (autocommit: the write commits as it runs): the same statement, without a
    session or a BEGIN."""
    values = transfer_values(provider, transfer, "notification", payer_key)
    values |= {"raw_body": raw_body} | account_values(transfer, None)
    written = hub.statements.run(connection, BY_ACCOUNT[True], values)
    if written:
        return "recorded", written[0]
    # Known already; a new statement sees the other delivery's row once it has committed.
    return "duplicate", hub.statements.run_select(connection, STORED_ID, _known(values))
