"""Matching a credited transfer: who was paid (the account's holder) and for what (a reference)."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from market.clock import VIETNAM
from payments.domains import Payee, Target, Unpayable, registry
from payments.ingest.providers.base import Transfer
from payments.qr.reference import find_references


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
