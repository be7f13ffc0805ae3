"""Vendors as payees of the payments domain: who holds an account, who may see whose money."""

from sqlalchemy import and_, false, literal_column, or_, select
from sqlalchemy.orm import Session

from market.users import User
from payments.domains import CREDIT_ACCOUNT, CREDIT_BIN, Payee, Target, account_of
from vendors.models import Vendor
from vendors.service import get_vendor

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
    vendor = get_vendor(session, actor=actor, vendor_id=int(value))
    return Payee("vendor", vendor.id), None


def manager_scope(user: User, type_column, id_column):
    """A market manager sees the money of its market's vendors."""
    return and_(
        type_column == "vendor",
        id_column.in_(select(Vendor.id).where(Vendor.market_id == user.market_id)),
    )


def vendor_scope(user: User, type_column, id_column):
    """A vendor sees its own money."""
    return and_(type_column == "vendor", id_column == user.vendor_id)
