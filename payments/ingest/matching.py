"""Matching a credited transfer: who was paid and for what.

A reference code in the description names what is paid (a payment request, an invoice):
`find_target` looks it up, locked, with the rules for a reference that does not pay. Without
one, the holders of the credited account decide, inside the statement that writes the
payment (`by_account`): one holder is the payee, matched unless it must know what is paid
(a school); none or several leave the payment for a person to resolve."""

from dataclasses import dataclass, field

from sqlalchemy import String, and_, bindparam, case, cast, func, literal_column, not_, select
from sqlalchemy import true as sql_true
from sqlalchemy.orm import Session

from market.clock import VIETNAM
from payments.domains import Hub, Target, Unpayable
from payments.ingest.providers.base import Transfer
from payments.ledger.write import COLUMNS, RETURNED, TABLE, Statements, live_order, param
from payments.qr.reference import find_references
from payments.rollups.rules import dialect_insert

DECIDED = ("payee_type", "payee_id", "match_status", "matched_by", "match_note")
TARGETED = ("target_type", "target_id", "target_reference")
GIVEN = tuple(c for c in COLUMNS if c not in DECIDED + TARGETED)


@dataclass
class Found:
    """What the description named: the target it pays, or the account whose holders decide;
    notes say why, for a person reading the payment later."""

    account: str
    target: Target | None = None
    notes: list[str] = field(default_factory=list)


def needs_lookup(hub: Hub, transfer: Transfer) -> bool:
    """True when the description holds a reference code, or the transfer names a memo
    virtual account: something to look up before the payment is written."""
    return bool(transfer.memo_account or find_references(transfer.description, hub.targets))


def find_target(session: Session, hub: Hub, transfer: Transfer) -> Found:
    """The target a reference in the description pays (locked until the write ends), else
    the account whose holders decide (a memo virtual account a payee registered)."""
    found = Found(transfer.credit_account)
    found.target = _target_for(session, hub, transfer, found.notes)
    if found.target is None and transfer.memo_account:
        # A memo virtual account pays the main account, unless a payee registered its code.
        found.notes.append(f"memo virtual account {transfer.memo_account}")
        if hub.find_payees(session, transfer.credit_bin, transfer.memo_account):
            found.account = transfer.memo_account
    return found


def _target_for(session: Session, hub: Hub, transfer: Transfer, notes: list[str]):
    for reference in find_references(transfer.description, prefixes=hub.targets):
        try:
            target = hub.targets[reference[:2]].find(session, reference)
        except Unpayable as refusal:
            notes.append(str(refusal))
            continue
        refusal = _refusal(target, transfer)
        if refusal is None:
            notes.append(f"reference {reference} found in the description")
            return target
        notes.append(f"reference {reference} {refusal}")
    return None


def _refusal(target: Target | None, transfer: Transfer) -> str | None:
    if target is None:
        return "is unknown"
    if target.account_number.upper() != transfer.credit_account.upper() or (
        transfer.credit_bin and target.bank_bin and target.bank_bin != transfer.credit_bin
    ):
        return "belongs to another account"
    if target.expires_at is not None and transfer.occurred_at >= target.expires_at:
        expired = target.expires_at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
        return f"expired at {expired} (Vietnam time)"
    if target.paid:
        return "is already paid"
    return None


def target_values(found: Found) -> dict:
    """Who and what a transfer to a found target pays, as payments columns."""
    target = found.target
    return {
        "payee_type": target.payee.type,
        "payee_id": target.payee.id,
        "target_type": target.type,
        "target_id": target.id,
        "target_reference": target.reference,
        "match_status": "matched",
        "matched_by": "reference",
        "match_note": "; ".join(found.notes)[:300],
    }


def account_values(transfer: Transfer, found: Found | None) -> dict:
    """The parameters of by_account: the account to look up and the notes so far."""
    notes = "; ".join(found.notes) + "; " if found and found.notes else ""
    account = found.account if found else transfer.credit_account
    return {"holder_bin": transfer.credit_bin, "holder_account": account, "note_prefix": notes}


def _text(value: str):
    return literal_column(f"'{value}'", String)


def by_account(dialect: str, statements: Statements):
    """Head: insert the payment matched by the holders of the account looked up."""
    holders = statements.holders().subquery("holders")
    needs = func.bool_or if dialect == "postgresql" else func.max
    d = select(
        func.count().label("n"),
        func.min(holders.c.payee_type).label("payee_type"),
        func.min(holders.c.payee_id).label("payee_id"),
        needs(holders.c.needs).label("needs"),
    ).subquery("decided")
    one = d.c.n == literal_column("1")
    matched = and_(one, not_(d.c.needs))
    account = cast(bindparam("holder_account", type_=String), String)
    held = case(
        (d.c.n == literal_column("0"), _text("no payee holds account ") + account),
        (
            d.c.n > literal_column("1"),
            cast(d.c.n, String) + _text(" payees hold account ") + account,
        ),
        else_=_text("account ")
        + account
        + _text(" belongs to ")
        + d.c.payee_type
        + _text(" ")
        + cast(d.c.payee_id, String)
        + case((d.c.needs, _text("; no reference to what is paid")), else_=_text("")),
    )
    first, most = literal_column("1"), literal_column("300")
    note = func.substr(bindparam("note_prefix", type_=String) + held, first, most)
    rows = select(
        *(param(c) for c in GIVEN),
        case((one, d.c.payee_type)),
        case((one, d.c.payee_id)),
        case((matched, _text("matched")), else_=_text("unmatched")),
        case((matched, _text("account"))),
        note,
    ).where(sql_true())  # WHERE: SQLite would read ON CONFLICT as a join's ON
    order = live_order(dialect)
    source = rows.select_from(d) if order is None else rows.select_from(d, order)
    insert = dialect_insert(dialect)(TABLE).from_select([*GIVEN, *DECIDED], source)
    return insert.on_conflict_do_nothing().returning(*(TABLE.c[c] for c in RETURNED))
