"""The one ingest path: every credited transfer, from a notification, a statement or a
person, is matched and recorded here exactly once."""

import hashlib
import hmac

from sqlalchemy.orm import Session

from market.clock import business_date_of
from payments.domains import registry
from payments.ingest import limits
from payments.ingest.matching import Match, match
from payments.ingest.models import Provider, ProviderConfig
from payments.ingest.providers.base import Transfer
from payments.ledger.store import known_payment_id, store_payment


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
    provider: "Provider | ProviderConfig", transfer: Transfer, source: str, payer_key: bytes
) -> dict:
    """The payments row of a transfer, but who it pays (store.COLUMNS but received_at)."""
    return {
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
    } | payer_columns(transfer, payer_key)


def match_values(found: Match) -> dict:
    """Who a matched transfer pays, as payments columns."""
    return {
        "payee_type": found.payee.type if found.payee else None,
        "payee_id": found.payee.id if found.payee else None,
        "target_type": found.target.type if found.target else None,
        "target_id": found.target.id if found.target else None,
        "target_reference": found.target.reference if found.target else None,
        "match_status": found.status,
        "matched_by": found.matched_by,
        "match_note": found.note[:300],
    }


def record_transfer(
    session: Session,
    *,
    provider: "Provider | ProviderConfig",
    transfer: Transfer,
    source: str,
    payer_key: bytes,
    raw_body: str | None = None,
) -> tuple[str, int]:
    """('recorded' | 'duplicate', payment id): the transfer is in the ledger exactly once;
    raw_body, the notification as it arrived, is stored with it."""
    found = match(session, transfer)
    values = transfer_values(provider, transfer, source, payer_key) | match_values(found)
    payment_id = store_payment(session, values, raw_body)
    if payment_id is None:
        return "duplicate", known_payment_id(session, values)
    if found.target is not None:
        registry.target_appliers[found.target.type](
            session, found.target.id, transfer.amount, payment_id
        )
    return "recorded", payment_id
