"""The vendor's own stall, as the phone shows it: today's takings, charging an amount, the
settled days, the month. Reads through payments; never commits."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from market.amount_words import amount_in_words
from market.clock import business_date_of
from market.db import utcnow
from market.errors import Forbidden, ValidationFailed
from market.users import User
from payments.ledger.models import Payment
from payments.ledger.service import annotate
from payments.live import last_payment_id
from payments.qr.service import get_payment_request
from payments.rollups.models import DayRollup, MonthRollup
from payments.settlement.models import Settlement, SettlementItem
from vendors import placards
from vendors.models import Vendor
from vendors.service import get_vendor

TODAY_LIMIT = 200  # the list of today's transfers; the totals count every one
MAX_AMOUNT = 9_999_999_999_999  # what VietQR's tag 54 carries
DAYS_SHOWN = 30


@dataclass
class Takings:
    """A vendor's money for a business day: totals from the rollups, the transfers listed."""

    vendor: Vendor
    day: date
    total: int
    count: int
    month_total: int
    month_count: int
    payments: list[Payment] = field(default_factory=list)
    last_id: int = 0  # where the live channel picks up


def my_stall(session: Session, *, actor: User) -> Vendor:
    """The vendor a signed-in phone belongs to."""
    if actor.role != "vendor" or actor.vendor_id is None:
        raise Forbidden("Only a vendor has a stall.")
    return get_vendor(session, actor=actor, vendor_id=actor.vendor_id)


def _sums(session: Session, model, column, value, vendor_id: int) -> tuple[int, int]:
    stmt = select(
        func.coalesce(func.sum(model.amount), 0), func.coalesce(func.sum(model.payment_count), 0)
    )
    stmt = stmt.where(column == value, model.payee_type == "vendor", model.payee_id == vendor_id)
    total, count = session.execute(stmt).one()
    return int(total), int(count)


def takings_today(session: Session, *, actor: User, now: datetime | None = None) -> Takings:
    """Today's takings at the actor's stall, the transfers newest first, and the month's."""
    vendor = my_stall(session, actor=actor)
    day = business_date_of(now or utcnow())
    total, count = _sums(session, DayRollup, DayRollup.business_date, day, vendor.id)
    month = _sums(session, MonthRollup, MonthRollup.month, day.replace(day=1), vendor.id)
    payments = list(
        session.scalars(
            select(Payment)
            .where(
                Payment.payee_type == "vendor",
                Payment.payee_id == vendor.id,
                Payment.business_date == day,
                Payment.match_status == "matched",
            )
            .order_by(Payment.id.desc())
            .limit(TODAY_LIMIT)
        )
    )
    last_id = last_payment_id(session, ("vendor", vendor.id))
    return Takings(vendor, day, total, count, *month, annotate(session, payments), last_id)


def parse_amount(text: str) -> int:
    """'45.000', '45 000 đ' or '45000' → 45000; anything else is refused on the field."""
    cleaned = re.sub(r"\s|₫|đ$|đồng$|vnđ$", "", text.strip().lower())
    if not re.fullmatch(r"\d{1,3}(\.\d{3})*|\d+", cleaned):
        raise ValidationFailed.on("amount", "Nhập số tiền bằng chữ số, ví dụ 45.000.")
    amount = int(cleaned.replace(".", ""))
    if not 1 <= amount <= MAX_AMOUNT:
        raise ValidationFailed.on("amount", "Số tiền phải từ 1 đ trở lên.")
    return amount


def charge(session: Session, *, actor: User, amount: int):
    """A QR for this sale: the amount and a reference the transfer carries back."""
    vendor = my_stall(session, actor=actor)
    return placards.request_payment(
        session, actor=actor, vendor_id=vendor.id, amount=amount, description=None, expires_in=None
    )


def my_charge(session: Session, *, actor: User, reference: str):
    """One of the stall's payment requests, with its status now."""
    my_stall(session, actor=actor)
    return get_payment_request(session, reference, actor=actor)


def settled_days(session: Session, *, actor: User) -> list[tuple[Settlement, list[Payment]]]:
    """The stall's last settled days, newest first, each with the payments it covers."""
    vendor = my_stall(session, actor=actor)
    days = list(
        session.scalars(
            select(Settlement)
            .where(Settlement.payee_type == "vendor", Settlement.payee_id == vendor.id)
            .order_by(Settlement.business_date.desc())
            .limit(DAYS_SHOWN)
        )
    )
    covered: dict[int, list[Payment]] = {s.id: [] for s in days}
    rows = session.execute(
        select(SettlementItem.settlement_id, Payment)
        .join(Payment, Payment.id == SettlementItem.payment_id)
        .where(SettlementItem.settlement_id.in_(list(covered)))
        .order_by(Payment.id)
    )
    for settlement_id, payment in rows:
        covered[settlement_id].append(payment)
    return [(s, covered[s.id]) for s in days]


def spoken(amount: int) -> str:
    """What the phone says for a transfer: 'Đã nhận sáu mươi nghìn đồng'."""
    words = amount_in_words(amount)
    return f"Đã nhận {words[0].lower()}{words[1:]}"
