"""Demo history: 90 days of stall payments (and the same season a year earlier), some fees."""

import hashlib
import random
from datetime import UTC, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from market.clock import business_date_of
from market.db import utcnow
from market.users import User
from payments.ingest.models import Provider
from payments.ledger.models import Payment
from payments.ledger.write import write_many
from payments.settlement.service import close_business_day, days_to_close

BANKS = ["970436", "970415", "970405", "970418", "970422", "970403", "971005", "970407"]


def seed_payments(session: Session, admin: User, rng: random.Random, days: int = 90) -> int:
    """Transfers to active vendors over the last `days` days and a year before; idempotent."""
    from vendors.models import Vendor

    if session.scalar(select(func.count()).select_from(Payment)):
        return 0
    provider = _demo_provider(session, rng)
    vendors = session.execute(
        select(Vendor.id, Vendor.bank_bin, Vendor.account_number).where(Vendor.status == "active")
    ).all()
    now = utcnow()
    rows = _history(rng, provider.id, vendors, now, days)
    write_many(session, rows)
    settle_history(session, now)
    # The demo vendors joined over two years: most before last year's season, some since.
    for vendor_id, *_ in vendors:
        joined = now - timedelta(days=rng.choice((30, 120, 400, 500, 600, 700)))
        session.execute(
            update(Vendor)
            .where(Vendor.id == vendor_id)
            .values(activated_at=joined, created_at=joined)
        )
    return len(rows)


def _demo_provider(session: Session, rng: random.Random) -> Provider:
    provider = session.execute(select(Provider).where(Provider.name == "demo-bank")).scalar()
    if provider is None:
        provider = Provider(name="demo-bank", format="generic", secret=f"demo-{rng.random()}")
        session.add(provider)
        session.flush()
    return provider


def _history(rng: random.Random, provider_id: int, vendors: list, now, days: int) -> list[dict]:
    """0 to 3 transfers a day to each vendor; a year ago, to fewer (fewer took QR yet)."""
    payers = [hashlib.sha256(f"payer-{n}".encode()).hexdigest()[:32] for n in range(4000)]
    rows = []
    for back, share in ((0, 1.0), (365, 0.7)):
        for day in range(days):
            moment = now - timedelta(days=back + day)
            for vendor_id, bank_bin, account in vendors[: int(len(vendors) * share)]:
                for _ in range(rng.choice((0, 1, 1, 2, 3))):
                    at = moment.replace(hour=rng.randrange(0, 10), minute=rng.randrange(60))
                    payer = rng.choice(payers)
                    paid = (vendor_id, bank_bin, account, at, payer)
                    rows.append(_transfer(rng, provider_id, len(rows) + 1, *paid))
    return rows


def _transfer(rng, provider_id, n, vendor_id, bank_bin, account, at, payer) -> dict:
    return {
        "kind": "payment",
        "method": "transfer",
        "source": "notification",
        "provider_id": provider_id,
        "provider_txn_id": f"DEMO-{n}",
        "amount": rng.choice((15, 20, 25, 30, 45, 50, 80, 120, 200)) * 1000,
        "fee_amount": 0,
        "credit_bin": bank_bin,
        "credit_account": account,
        "description": "thanh toan tien hang",
        "occurred_at": at.astimezone(UTC),
        "business_date": business_date_of(at),
        "received_at": at,
        "payer_bin": rng.choice(BANKS),
        "payer_account_masked": "•••• 0000",
        "payer_hash": payer,
        "payer_name": None,
        "payee_type": "vendor",
        "payee_id": vendor_id,
        "target_type": None,
        "target_id": None,
        "target_reference": None,
        "match_status": "matched",
        "matched_by": "account",
        "match_note": "demo",
        "reverses_id": None,
        "reason": None,
        "created_by": None,
    }


def seed_fees(session: Session, admin: User, rng: random.Random) -> int:
    """About two thirds of the demo invoices paid in cash (never HS001's: the README's parent
    pays those)."""
    from payments.ledger.cash import record_cash
    from tuition.invoices import _target, school_payee
    from tuition.models import Invoice

    paid = 0
    for invoice in session.execute(select(Invoice).where(Invoice.status == "open")).scalars():
        if invoice.student.student_code != "HS001" and rng.random() < 0.66:
            record_cash(
                session,
                actor=admin,
                payee=school_payee(invoice.school_id),
                target=_target(session, invoice),
                amount=invoice.total_amount,
                note="Phụ huynh nộp tại trường",
            )
            paid += 1
    return paid


OPEN_DAYS = 2  # the last days the demo leaves open, for a person to close


def settle_history(session: Session, now) -> int:
    """Close every day but the last OPEN_DAYS in order (the seeded transfers wait for their
    day like real ones), so the demo has a settled past and days left to close."""
    through = business_date_of(now) - timedelta(days=OPEN_DAYS + 1)
    days = days_to_close(session, through=through)
    for day in days:
        close_business_day(session, business_date=day, actor=None, now=now)
    return len(days)
