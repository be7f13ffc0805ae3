"""Everything the vendor page shows: the vendor, the actions its status allows, its history in
words, its last payments and settlements. Reads only; the same services as the API."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from market.banks import bank_by_bin
from market.errors import Forbidden
from market.identity import mask
from market.users import User
from payments.ledger.models import Payment
from payments.ledger.service import annotate
from payments.settlement.models import Settlement
from vendors import history, service
from vendors.models import PlacardPrint, Vendor
from vendors.rules import allowed_actions

SHOWN = 10  # payments and settlements on the page


@dataclass
class VendorPage:
    vendor: Vendor
    bank_name: str
    national_id: str | None  # masked: only its last 3 digits show
    actions: list[str]
    history: list[history.Line]
    payments: list[Payment]
    settlements: list[Settlement]
    placards_printed: int


def bank_name(bin_: str | None) -> str:
    """A bank's short name for its BIN (the BIN itself when unknown; a dash for none)."""
    if not bin_:
        return "—"
    bank = bank_by_bin(bin_)
    return bank.short_name if bank else bin_


def _names(session: Session, entries: list) -> dict[int, str]:
    ids = {e.actor_id for e in entries if e.actor_id}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())


def last_payments(session: Session, vendor: Vendor, limit: int = SHOWN) -> list[Payment]:
    """The vendor's newest payments and reversals, newest first, with their status labels."""
    stmt = (
        select(Payment)
        .where(Payment.payee_type == "vendor", Payment.payee_id == vendor.id)
        .order_by(Payment.business_date.desc(), Payment.id.desc())
        .limit(limit)
    )
    payments = annotate(session, list(session.execute(stmt).scalars()))
    for payment in payments:
        payment.payer_bank = bank_name(payment.payer_bin)
    return payments


def last_settlements(session: Session, vendor: Vendor, limit: int = SHOWN) -> list[Settlement]:
    """The vendor's newest settlements, newest day first."""
    stmt = (
        select(Settlement)
        .where(Settlement.payee_type == "vendor", Settlement.payee_id == vendor.id)
        .order_by(Settlement.business_date.desc())
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())


def vendor_page(session: Session, *, actor: User, vendor_id: int) -> VendorPage:
    """The vendor page of a vendor the actor (the market board) may see; 404 otherwise."""
    if actor.role not in service.MANAGERS:
        raise Forbidden("Only the market board opens a vendor's page.")
    vendor = service.get_vendor(session, actor=actor, vendor_id=vendor_id)
    entries = service.vendor_history(session, actor=actor, vendor_id=vendor.id)
    printed = session.scalar(
        select(func.count()).select_from(PlacardPrint).where(PlacardPrint.vendor_id == vendor.id)
    )
    return VendorPage(
        vendor=vendor,
        bank_name=bank_name(vendor.bank_bin),
        national_id=mask(vendor.national_id, 3),
        actions=allowed_actions(vendor.status),
        history=history.lines(entries, _names(session, entries)),
        payments=last_payments(session, vendor),
        settlements=last_settlements(session, vendor),
        placards_printed=printed or 0,
    )
