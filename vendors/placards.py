"""A vendor's QR codes: the static code and placard for the stall, one-off payment requests."""

from datetime import timedelta

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from market.banks import bank_by_bin
from market.clock import VIETNAM
from market.db import bulk_insert, utcnow
from market.errors import Conflict, Forbidden, NotFound
from market.markets.models import Market
from market.markets.service import check_market_access
from market.users import User
from payments.qr import service as qr
from payments.qr.placard import Placard, render_pdf, render_png
from payments.qr.reference import new_reference
from vendors.models import PlacardPrint, Vendor
from vendors.service import get_vendor

REQUEST_PREFIX = "CH"  # chợ: a sale at a stall
SERIAL_PREFIX = "PC"  # placard; the check character lets an inspector verify a serial


class VendorNotActive(Conflict):
    code, title = "vendor-not-active", "Vendor not active"


def _active(vendor: Vendor) -> Vendor:
    if vendor.status != "active":
        raise VendorNotActive(
            f"vendor {vendor.id} is {vendor.status}; only active vendors get placards and QR codes"
        )
    return vendor


def vendor_payload(vendor: Vendor) -> str:
    """The static VietQR of the vendor's payout account."""
    return qr.static_payload(bank_bin=vendor.bank_bin, account_number=vendor.account_number)


def vendor_qr(session: Session, *, actor: User, vendor_id: int) -> dict:
    """The static code of an active vendor, with what it pays into."""
    vendor = _active(get_vendor(session, actor=actor, vendor_id=vendor_id))
    return {
        "payload": vendor_payload(vendor),
        "point_of_initiation": "11",
        "bank_bin": vendor.bank_bin,
        "account_number": vendor.account_number,
        "account_name": vendor.account_name,
    }


def prepare(actor: User, vendors: list[Vendor]) -> tuple[list[Placard], list[dict]]:
    """The placards of vendors, each with a new serial, and their print records to insert
    once they are handed out."""
    printed_on = utcnow().astimezone(VIETNAM).strftime("%d/%m/%Y")
    rows, placards = [], []
    for vendor in vendors:
        payload, serial = vendor_payload(vendor), new_reference(SERIAL_PREFIX)
        rows.append(
            {
                "vendor_id": vendor.id,
                "serial": serial,
                "payload": payload,
                "printed_at": utcnow(),
                "printed_by": actor.id,
            }
        )
        bank = bank_by_bin(vendor.bank_bin)
        placards.append(
            Placard(
                payload=payload,
                market_name=vendor.market.name,
                vendor_name=vendor.full_name,
                stall=vendor.stall,
                category=vendor.category,
                bank_name=bank.short_name if bank else vendor.bank_bin,
                masked_account="•••• " + vendor.account_number[-4:],
                account_name=vendor.account_name,
                serial=serial,
                printed_on=printed_on,
            )
        )
    return placards, rows


def record_prints(session: Session, rows: list[dict]) -> None:
    """Record the placards handed out (prepare's rows)."""
    bulk_insert(session, PlacardPrint.__table__, rows)


def _placards(session: Session, actor: User, vendors: list[Vendor]) -> list[Placard]:
    placards, rows = prepare(actor, vendors)
    record_prints(session, rows)
    return placards


def vendor_placard(session: Session, *, actor: User, vendor_id: int, kind: str) -> bytes:
    """The placard of one active vendor as PNG or PDF; the print is recorded."""
    vendor = _active(get_vendor(session, actor=actor, vendor_id=vendor_id))
    placard = _placards(session, actor, [vendor])[0]
    return render_png(placard) if kind == "png" else render_pdf([placard], per_page=1)


class NothingToPrint(NotFound):
    code, title = "nothing-to-print", "No placard to print"

    def __init__(self, market: Market, only_new: bool):
        super().__init__(
            f"market {market.code} has no {'new ' if only_new else ''}active vendor",
            errors={"which": ["no vendor to print"]},
        )


def check_may_print(actor: User, market: Market) -> None:
    """Only the market board (admin, the market's managers) prints a market's placards."""
    if actor.role not in ("admin", "market_manager"):
        raise Forbidden("Only the market board prints a market's placards.")
    check_market_access(actor, market, write=True)


def printable(*, market: Market, only_new: bool = False) -> Select:
    """The market's active vendors by stall; only_new: those never given a placard."""
    stmt = select(Vendor).where(Vendor.market_id == market.id, Vendor.status == "active")
    if only_new:
        stmt = stmt.where(~exists().where(PlacardPrint.vendor_id == Vendor.id))
    return stmt.order_by(Vendor.stall)


def printable_count(session: Session, *, market: Market) -> dict[str, int]:
    """{"all": active vendors, "new": those of them never given a placard}."""
    return {
        which: session.scalar(
            select(func.count()).select_from(printable(market=market, only_new=new).subquery())
        )
        for which, new in (("all", False), ("new", True))
    }


def printable_vendors(session: Session, *, market: Market, only_new: bool = False) -> list:
    """The vendors whose placards a print of market holds; 404 when there is none."""
    vendors = list(session.execute(printable(market=market, only_new=only_new)).scalars())
    if not vendors:
        raise NothingToPrint(market, only_new)
    return vendors


def market_placards(
    session: Session, *, actor: User, market: Market, per_page: int, only_new: bool = False
) -> bytes:
    """Every active vendor's placard of a market (only_new: those never printed), ordered
    by stall, per_page to an A4 sheet."""
    check_may_print(actor, market)
    vendors = printable_vendors(session, market=market, only_new=only_new)
    return render_pdf(_placards(session, actor, vendors), per_page=per_page)


def request_payment(
    session: Session,
    *,
    actor: User,
    vendor_id: int,
    amount: int,
    description: str | None,
    expires_in: int | None,
) -> object:
    """A one-off QR for a sale at an active vendor's stall."""
    vendor = _active(get_vendor(session, actor=actor, vendor_id=vendor_id))
    return qr.create_payment_request(
        session,
        payee_type="vendor",
        payee_id=vendor.id,
        bank_bin=vendor.bank_bin,
        account_number=vendor.account_number,
        amount=amount,
        description=description,
        prefix=REQUEST_PREFIX,
        created_by=actor.id,
        expires_in=timedelta(seconds=expires_in) if expires_in else qr.DEFAULT_EXPIRY,
    )
