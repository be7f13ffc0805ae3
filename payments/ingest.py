"""The one ingest path: every credited transfer, from a notification, a statement or a
person, is matched and recorded here exactly once."""

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from market.errors import NotFound
from payments import limits
from payments.models import Provider, UnsettledPayment, provider_fee
from payments.providers.base import Transfer
from payments.reference import find_references
from payments.registry import Payee, Target, Unpayable, registry
from payments.store import known_payment_id, store_payment

log = logging.getLogger(__name__)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def business_date_of(moment: datetime) -> date:
    """The business day (Asia/Ho_Chi_Minh) a moment falls on."""
    return moment.astimezone(VIETNAM).date()


@dataclass(frozen=True)
class Match:
    payee: Payee | None
    target: Target | None
    status: str
    matched_by: str | None
    note: str


def _target_for(session: Session, transfer: Transfer, notes: list[str]) -> Target | None:
    for reference in find_references(transfer.description, prefixes=registry.target_finders):
        try:
            target = registry.target_finders[reference[:2]](session, reference)
        except Unpayable as refusal:
            notes.append(str(refusal))
            continue
        if target is None:
            notes.append(f"reference {reference} is unknown")
        elif target.account_number.upper() != transfer.credit_account.upper() or (
            transfer.credit_bin and target.bank_bin and target.bank_bin != transfer.credit_bin
        ):
            notes.append(f"reference {reference} belongs to another account")
        elif target.expires_at is not None and transfer.occurred_at >= target.expires_at:
            expired = target.expires_at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
            notes.append(f"reference {reference} expired at {expired} (Vietnam time)")
        elif target.paid:
            notes.append(f"reference {reference} is already paid")
        else:
            notes.append(f"reference {reference} found in the description")
            return target
    return None


def match(session: Session, transfer: Transfer) -> Match:
    """Who was paid (the account's holder) and for what (a reference in the description)."""
    notes: list[str] = []
    target = _target_for(session, transfer, notes)
    if target is not None:
        return Match(target.payee, target, "matched", "reference", "; ".join(notes))
    payees = registry.find_payees(session, transfer.credit_bin, transfer.credit_account)
    account = transfer.credit_account
    if transfer.memo_account:
        # A memo virtual account pays the main account, unless a payee registered its code.
        notes.append(f"memo virtual account {transfer.memo_account}")
        coded = registry.find_payees(session, transfer.credit_bin, transfer.memo_account)
        if coded:
            payees, account = coded, transfer.memo_account
    return by_account(payees, account, notes)


def by_account(payees: list[Payee], account: str, notes: list[str]) -> Match:
    """The match of a transfer without a usable reference, from the holders of its account."""
    if len(payees) != 1:
        held = "no payee holds" if not payees else f"{len(payees)} payees hold"
        notes.append(f"{held} account {account}")
        return Match(None, None, "unmatched", None, "; ".join(notes))
    payee = payees[0]
    notes.append(f"account {account} belongs to {payee.type} {payee.id}")
    if payee.needs_target:
        notes.append("no reference to what is paid")
        return Match(payee, None, "unmatched", None, "; ".join(notes))
    return Match(payee, None, "matched", "account", "; ".join(notes))


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


def queue_for_settlement(session: Session, payment_id: int, business_date: date) -> None:
    """Put a matched payment in line for the next close of a business day."""
    session.execute(
        insert(UnsettledPayment), [{"payment_id": payment_id, "business_date": business_date}]
    )


def active_provider(session: Session, name: str) -> Provider:
    """The active provider called name, or 404."""
    provider = session.execute(
        select(Provider).where(Provider.name == name, Provider.active.is_(True))
    ).scalar_one_or_none()
    if provider is None:
        raise NotFound(f"no provider {name!r}")
    return provider


@dataclass(frozen=True)
class ProviderConfig:
    """What the hot path needs of a provider, cacheable between requests."""

    id: int
    name: str
    format: str
    secret: str
    fee_fixed: int
    fee_bps: int
    api_key: str | None = None
    hmac_only: bool = False

    def fee_for(self, amount: int) -> int:
        """The provider's fee on a credit of amount (see Provider.fee_for)."""
        return provider_fee(self.fee_fixed, self.fee_bps, amount)


_configs: dict[str, tuple[float, ProviderConfig]] = {}


def provider_config(session: Callable[[], Session], name: str, max_age: float) -> ProviderConfig:
    """The active provider's configuration, read (with the session session() opens) at most
    every max_age seconds per process (a deactivated provider or a rotated secret takes
    effect within max_age)."""
    cached = _configs.get(name)
    if cached and max_age > 0 and time.monotonic() - cached[0] < max_age:
        return cached[1]
    p = active_provider(session(), name)
    config = ProviderConfig(
        p.id, p.name, p.format, p.secret, p.fee_fixed, p.fee_bps, p.api_key, p.hmac_only
    )
    _configs[name] = (time.monotonic(), config)
    return config
