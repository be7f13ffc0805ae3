"""Vendors as payees of the payments domain: who holds an account, who may see whose money."""

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from market.users import User
from payments.registry import Payee, Target
from vendors.models import Vendor
from vendors.service import get_vendor

_HOLDING = select(Vendor.id).where(
    Vendor.account_number == bindparam("account"), Vendor.status != "closed"
)
_HOLDING_AT_BANK = _HOLDING.where(Vendor.bank_bin == bindparam("bank_bin"))


def vendors_holding(session: Session, bank_bin: str | None, account: str) -> list[Payee]:
    """The open vendors whose payout account is account (at bank_bin when it is known)."""
    # Statements built once and run straight on the connection: this runs for every transfer.
    stmt, params = (
        (_HOLDING_AT_BANK, {"account": account, "bank_bin": bank_bin})
        if bank_bin
        else (_HOLDING, {"account": account})
    )
    return [Payee("vendor", vid) for vid in session.connection().execute(stmt, params).scalars()]


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
