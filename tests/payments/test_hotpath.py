"""The notification hot path (PostgreSQL) writes exactly what the session path writes."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from market.db import get_db
from payments.ingest import hotpath
from payments.ingest.models import Notification, ProviderConfig
from payments.ingest.providers.base import Transfer
from payments.ingest.record import record_transfer
from payments.ledger.models import Payment
from payments.ledger.store import COLUMNS
from payments.qr.reference import new_reference
from payments.rollups.service import agrees
from payments.settlement.models import UnsettledPayment
from tests.factories import make_market, make_provider, make_school, make_vendor

# Every column the two paths write, but those that tell the two deliveries apart.
COMPARED = [c for c in COLUMNS if c not in ("source", "provider_id", "received_at")]


@pytest.fixture
def direct(app, session, is_postgres):
    if not is_postgres:
        pytest.skip("the hot path runs on PostgreSQL")
    with app.app_context():
        yield get_db().direct


def _config(provider) -> ProviderConfig:
    return ProviderConfig(provider.id, provider.name, "generic", "x", 1_100, 55)


def _row(session, payment_id) -> dict:
    payment = session.get(Payment, payment_id)
    return {c: getattr(payment, c) for c in COMPARED}


def _transfer(txn, account, bank="970436", debit=None) -> Transfer:
    return Transfer(
        provider_txn_id=txn,
        amount=123_456,
        credit_account=account,
        credit_bin=bank,
        description="thanh toán tiền rau",
        occurred_at=datetime(2026, 11, 20, 16, 59, 59, tzinfo=UTC),  # 23:59:59 in Vietnam
        debit_bin="970422" if debit else None,
        debit_account=debit,
        debit_name="NGUYEN VAN AN" if debit else None,
    )


def test_every_kind_of_match_is_written_alike(session, direct):
    market = make_market(session)
    vendor = make_vendor(session, market, status="active")
    closed = make_vendor(session, market, status="closed")
    twins = [
        make_vendor(session, m, status="active", account_number="7700112233")
        for m in (market, make_market(session))
    ]
    school = make_school(session)
    hot, slow = make_provider(session, name="hot"), make_provider(session, name="slow")
    cases = [
        _transfer("A", vendor.account_number, debit="0123456789"),  # matched, with a payer
        _transfer("B", vendor.account_number, bank="970422"),  # the account at another bank
        _transfer("C", closed.account_number),  # a closed vendor's account
        _transfer("D", twins[0].account_number),  # two vendors hold it
        _transfer("E", school.account_number, bank=school.bank_bin),  # a school: no invoice
        _transfer("F", "999000111"),  # nobody's
        _transfer("G", vendor.account_number, bank=None),  # the bank not given
    ]
    for transfer in cases:
        with direct() as connection:
            [fast] = hotpath.record(
                connection,
                provider=_config(hot),
                transfers=[transfer],
                payer_key=b"k",
                raw_body='{"raw": true}',
            )
        _, slow_id = record_transfer(
            session,
            provider=_config(slow),
            transfer=transfer,
            source="notification",
            payer_key=b"k",
            raw_body='{"raw": true}',
        )
        assert fast["status"] == "recorded"
        assert _row(session, fast["payment_id"]) == _row(session, slow_id), transfer
        for payment_id in (fast["payment_id"], slow_id):
            queued = session.get(UnsettledPayment, payment_id) is not None
            assert queued == (session.get(Payment, payment_id).match_status == "matched")
            assert (
                session.scalar(select(func.count()).where(Notification.payment_id == payment_id))
                == 1
            )
    statuses = {t.provider_txn_id: _row(session, _id(session, hot, t)) for t in cases}
    assert [statuses[k]["match_status"] for k in "ABCDEFG"] == [
        "matched",
        "unmatched",
        "unmatched",
        "unmatched",
        "unmatched",
        "unmatched",
        "matched",
    ]
    assert statuses["E"]["payee_type"] == "school"
    assert statuses["D"]["match_note"] == "2 payees hold account 7700112233"
    assert agrees(session)


def test_a_repeated_delivery_answers_with_the_first_payment(session, direct):
    vendor = make_vendor(session, make_market(session), status="active")
    provider = _config(make_provider(session, name="hot"))
    transfer = _transfer("R1", vendor.account_number, debit="555")
    answers = []
    for _ in range(3):
        with direct() as connection:
            answers += hotpath.record(
                connection, provider=provider, transfers=[transfer], payer_key=b"k", raw_body="{}"
            )
    first = answers[0]["payment_id"]
    assert answers == [
        {"status": "recorded", "payment_id": first},
        {"status": "duplicate", "payment_id": first},
        {"status": "duplicate", "payment_id": first},
    ]
    assert session.scalar(select(func.count()).where(Payment.provider_txn_id == "R1")) == 1
    assert agrees(session)


def test_only_transfers_without_a_reference_take_the_hot_path(app):
    with app.app_context():
        plain = _transfer("X", "123")
        reference = new_reference("HP")
        with_invoice = Transfer(**{**plain.__dict__, "description": f"{reference} hoc phi"})
        assert hotpath.applies_to([plain])
        assert not hotpath.applies_to([plain, with_invoice])
        assert not hotpath.applies_to([])


def _id(session, provider, transfer) -> int:
    return session.scalar(
        select(Payment.id).where(
            Payment.provider_id == provider.id,
            Payment.provider_txn_id == transfer.provider_txn_id,
        )
    )
