"""The one write path, on SQLite and PostgreSQL: each kind of write leaves the settlement
queue and the rollups as a rebuild from the ledger would."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from payments.domains import Payee
from payments.ingest.models import Notification
from payments.ingest.providers.base import Transfer
from payments.ingest.record import record_transfer
from payments.ledger.assignment import assign
from payments.ledger.cash import record_cash
from payments.ledger.models import Payment
from payments.ledger.reversal import reverse
from payments.ledger.write import write_many
from payments.rollups.models import DayRollup
from payments.rollups.service import agrees
from payments.settlement.models import UnsettledPayment
from tests.factories import make_market, make_provider, make_user, make_vendor

DAY = datetime(2026, 11, 20, 3, tzinfo=UTC)


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _day(session, vendor_id) -> tuple[int, int]:
    row = session.execute(
        select(func.sum(DayRollup.payment_count), func.sum(DayRollup.amount)).where(
            DayRollup.payee_id == vendor_id
        )
    ).one()
    return (row[0] or 0, row[1] or 0)


def _pay(session, provider, account, txn="T1", amount=50_000):
    transfer = Transfer(
        provider_txn_id=txn,
        amount=amount,
        credit_account=account,
        credit_bin=None,
        description="tien hang",
        occurred_at=DAY,
        debit_account="0123456789",
        debit_bin="970422",
    )
    return record_transfer(
        session,
        provider=provider,
        transfer=transfer,
        source="notification",
        payer_key=b"k",
        raw_body="{}",
    )


def test_a_known_transfer_writes_nothing_at_all(session):
    vendor = make_vendor(session, make_market(session), status="active")
    provider = make_provider(session)
    first = _pay(session, provider, vendor.account_number)
    again = _pay(session, provider, vendor.account_number)
    assert again == ("duplicate", first[1])
    assert _count(session, Notification, Notification.payment_id == first[1]) == 1
    assert _count(session, UnsettledPayment) == 1
    assert _day(session, vendor.id) == (1, 50_000)


def test_cash_is_counted_but_never_queued_for_settlement(session):
    vendor = make_vendor(session, make_market(session), status="active")
    admin = make_user(session, "admin")[0]
    payment = record_cash(
        session, actor=admin, payee=Payee("vendor", vendor.id), target=None, amount=30_000
    )
    assert payment.method == "cash" and payment.match_status == "matched"
    assert session.get(UnsettledPayment, payment.id) is None
    assert _day(session, vendor.id) == (1, 30_000)
    assert agrees(session)


def test_a_reversal_takes_the_payment_back_on_its_own_day_and_is_queued(session):
    vendor = make_vendor(session, make_market(session), status="active")
    admin = make_user(session, "admin")[0]
    _, paid = _pay(session, make_provider(session), vendor.account_number)
    later = datetime(2026, 11, 23, 3, tzinfo=UTC)
    reversal = reverse(session, actor=admin, payment_id=paid, reason="sai", now=later)
    assert reversal.business_date == date(2026, 11, 23)
    assert session.get(UnsettledPayment, reversal.id) is not None
    assert _day(session, vendor.id) == (0, 0)
    assert agrees(session)


def test_an_unmatched_transfer_counts_once_a_person_gives_it_a_payee(session):
    vendor = make_vendor(session, make_market(session), status="active")
    admin = make_user(session, "admin")[0]
    _, paid = _pay(session, make_provider(session), "NOBODYS1")
    assert session.get(Payment, paid).match_status == "unmatched"
    assert _count(session, UnsettledPayment) == 0
    assign(session, actor=admin, payment_id=paid, field="vendor_id", value=str(vendor.id))
    assert session.get(UnsettledPayment, paid) is not None
    assert _day(session, vendor.id) == (1, 50_000)
    assert agrees(session)


def test_payments_written_at_once_are_queued_and_counted_as_one_by_one(session):
    vendor = make_vendor(session, make_market(session), status="active")
    provider = make_provider(session)
    rows = [
        {c.name: None for c in Payment.__table__.c if c.name != "id"}
        | {
            "kind": "payment",
            "method": "transfer",
            "source": "notification",
            "provider_id": provider.id,
            "provider_txn_id": f"B{n}",
            "amount": 1_000 * (n + 1),
            "fee_amount": 0,
            "credit_account": vendor.account_number,
            "occurred_at": DAY,
            "business_date": date(2026, 11, 20),
            "received_at": DAY,
            "payer_hash": f"{n % 2:032d}",
            "payer_bin": "970422",
            "payee_type": "vendor",
            "payee_id": vendor.id,
            "match_status": "matched",
            "matched_by": "account",
        }
        for n in range(4)
    ]
    write_many(session, rows)
    assert _count(session, UnsettledPayment) == 4
    assert _day(session, vendor.id) == (4, 10_000)
    assert agrees(session)
