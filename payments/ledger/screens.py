"""What the payment screens show, from what the ledger's services return: each payment with
its banks, its payee as a person recognises it and why it matched or not, in Vietnamese; and
what a person may assign an unmatched payment to. No Flask."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from market.banks import bank_by_bin
from market.errors import AppError, ValidationFailed
from market.text import clean
from market.users import User
from market.words import UNKNOWN_MESSAGE, say, say_errors, word
from payments.domains import Choice, hub_of
from payments.ledger.models import Payment
from payments.ledger.notes import UNKNOWN, explain

SEARCH_LIMIT = 8  # choices of each kind the assign form lists
SEARCH_LENGTH = 80  # characters of a search that are read
# The page of a payee or of what a payment paid, by kind: a screen links it when the viewer
# may open that page (the app serves it and its roles include the viewer's).
PAYEE_PAGES = {"vendor": "/vendors/{}"}
TARGET_PAGES = {"invoice": "/invoices/{}"}


@dataclass(frozen=True)
class PaymentRow:
    """A payment as a screen lists it."""

    payment: Payment
    payee: Choice | None  # who it went to, named by the payee's domain
    credit_bank: str
    payer_bank: str
    why: list[str]  # Vietnamese sentences


@dataclass(frozen=True)
class ChoiceGroup:
    """What one kind of assignment found: the assigner's field, its name, the choices."""

    field: str
    label: str
    choices: list[Choice]


def bank_name(bank_bin: str | None) -> str:
    """A bank's short name by its BIN; the BIN itself when unknown, "" when not given."""
    if not bank_bin:
        return ""
    bank = bank_by_bin(bank_bin)
    return bank.short_name or bank.name if bank else bank_bin


def payee_page(payee_type: str | None, payee_id: int | None) -> str | None:
    """The path of a payee's own page, when its kind has one."""
    pattern = PAYEE_PAGES.get(payee_type or "")
    return pattern.format(payee_id) if pattern and payee_id is not None else None


def target_page(target_type: str | None, reference: str | None) -> str | None:
    """The path of what a payment paid (an invoice), when its kind has a page."""
    pattern = TARGET_PAGES.get(target_type or "")
    return pattern.format(reference) if pattern and reference else None


def payee_choice(named: dict, payee_type: str | None, payee_id: int | None) -> Choice | None:
    """The payee of a record as named, or its kind and number when its domain names none."""
    if payee_type is None or payee_id is None:
        return None
    return named.get((payee_type, payee_id)) or Choice(
        str(payee_id), f"{word('payee', payee_type)} số {payee_id}"
    )


def rows(session: Session, payments: list[Payment]) -> list[PaymentRow]:
    """The payments as screens list them, their payees named in one query per kind."""
    named = hub_of(session).name_payees(session, [(p.payee_type, p.payee_id) for p in payments])
    return [
        PaymentRow(
            payment=p,
            payee=payee_choice(named, p.payee_type, p.payee_id),
            credit_bank=bank_name(p.credit_bin),
            payer_bank=bank_name(p.payer_bin),
            why=explain(p.match_note),
        )
        for p in payments
    ]


def assign_choices(session: Session, actor: User, text: str) -> list[ChoiceGroup]:
    """What each plugged-in search finds for text, within what the actor may assign to."""
    hub = hub_of(session)
    text = clean(text)[:SEARCH_LENGTH]
    return [
        ChoiceGroup(field, word("assign_to", field), search(session, actor, text, SEARCH_LIMIT))
        for field, search in hub.searches.items()
        if field in hub.assigners
    ]


def refusal(error: AppError) -> list[str]:
    """Why an assignment was refused, in Vietnamese: the service's words, or the sentence of
    the matching notes when it says what they say (an invoice is void)."""
    by_field = say_errors(error.errors) or {"form": [say(error.detail)]}
    said = [m for messages in by_field.values() for m in messages]
    if said == [UNKNOWN_MESSAGE] and explain(error.detail) != [UNKNOWN]:
        return explain(error.detail)
    return said


def chosen(value: str) -> tuple[str, str]:
    """(assigner field, value) of a choice as the assign form sends it: "vendor_id:12"."""
    field, _, given = value.partition(":")
    if not field or not given.strip():
        raise ValidationFailed.on("choice", "choose where it goes")
    return field, given.strip()[:40]
