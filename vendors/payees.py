"""Vendors as payees of the payments domain: who holds an account, who may see whose money."""

from sqlalchemy import and_, false, literal_column, or_, select
from sqlalchemy.orm import Session

from market.errors import ValidationFailed
from market.fields import MAX_ID
from market.users import User
from market.words import word
from payments.domains import CREDIT_ACCOUNT, CREDIT_BIN, Choice, Payee, Target, account_of
from vendors.models import Vendor
from vendors.service import get_vendor, list_vendors

SEARCHERS = ("admin", "market_manager")  # who may give a payment to a vendor

# The open vendors whose payout account was credited (at that bank, when the bank is known).
HOLDERS = select(
    literal_column("'vendor'").label("payee_type"),
    Vendor.id.label("payee_id"),
    false().label("needs"),
).where(
    account_of(Vendor.account_number) == CREDIT_ACCOUNT,
    Vendor.status != "closed",
    or_(CREDIT_BIN.is_(None), Vendor.bank_bin == CREDIT_BIN),
)


def assign_to_vendor(session: Session, actor: User, value: str) -> tuple[Payee, Target | None]:
    """An unmatched payment given to a vendor the actor may see."""
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_ID:
        raise ValidationFailed.on("vendor_id", "not a vendor")
    vendor = get_vendor(session, actor=actor, vendor_id=int(value))
    return Payee("vendor", vendor.id), None


def _choice(vendor: Vendor) -> Choice:
    detail = f"Sạp {vendor.stall} · {vendor.market.name}"
    if vendor.status != "active":
        detail += f" · {word('vendor', vendor.status)}"
    return Choice(str(vendor.id), vendor.full_name, detail)


def search_vendors(session: Session, actor: User, text: str, limit: int) -> list[Choice]:
    """Vendors the actor may give a payment to, by stall or name (accent-insensitive)."""
    if actor.role not in SEARCHERS or not text.strip():
        return []
    found = list_vendors(session, actor=actor, q=text.strip(), limit=limit)
    return [_choice(vendor) for vendor in found.items]


def name_vendors(session: Session, ids: list[int]) -> dict[int, Choice]:
    """Vendors by id as a person recognises them: name, stall and market."""
    vendors = session.scalars(select(Vendor).where(Vendor.id.in_(ids)))
    return {vendor.id: _choice(vendor) for vendor in vendors}


def manager_scope(user: User, type_column, id_column):
    """A market manager sees the money of its market's vendors."""
    return and_(
        type_column == "vendor",
        id_column.in_(select(Vendor.id).where(Vendor.market_id == user.market_id)),
    )


def manager_accounts(user: User):
    """The accounts the open vendors of a manager's market hold."""
    return select(account_of(Vendor.account_number)).where(
        Vendor.market_id == user.market_id, Vendor.status != "closed"
    )


def vendor_scope(user: User, type_column, id_column):
    """A vendor sees its own money."""
    return and_(type_column == "vendor", id_column == user.vendor_id)
