"""Recording a transfer: every kind of match by account, written once with its settlement
queue row, its raw notification and its rollups, on SQLite and on PostgreSQL; on PostgreSQL
also through the notification fast lane (a pooled driver connection, no session)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from market.db import get_db
from payments.domains import hub_of
from payments.ingest.matching import needs_lookup
from payments.ingest.models import Notification, ProviderConfig
from payments.ingest.providers.base import Transfer
from payments.ingest.record import record_plain, record_transfer
from payments.ledger.models import Payment
from payments.qr.reference import new_reference
from payments.rollups.models import DayRollup
from payments.rollups.service import agrees
from payments.settlement.models import UnsettledPayment
from tests.factories import make_market, make_provider, make_school, make_vendor

LANES = ["session", "fast lane"]


@pytest.fixture(params=LANES)
def record(request, app, session, is_postgres):
    """record(provider, transfer) -> (status, payment id), by the lane under test."""
    if request.param == "session":
        return lambda provider, transfer: record_transfer(
            session,
            provider=provider,
            transfer=transfer,
            source="notification",
            payer_key=b"k",
            raw_body='{"raw": true}',
        )
    if not is_postgres:
        pytest.skip("the fast lane is PostgreSQL's")

    def fast(provider, transfer):
        with app.app_context(), get_db().direct() as connection:
            return record_plain(
                connection,
                hub_of(session),
                provider=provider,
                transfer=transfer,
                payer_key=b"k",
                raw_body='{"raw": true}',
            )

    return fast


def _config(provider) -> ProviderConfig:
    return ProviderConfig(provider.id, provider.name, "generic", "x", 1_100, 55)


def _transfer(txn, account, bank="970436", debit=None, memo=None) -> Transfer:
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
        memo_account=memo,
    )


def _written(session, payment_id) -> tuple[Payment, bool, int]:
    payment = session.get(Payment, payment_id)
    queued = session.get(UnsettledPayment, payment_id) is not None
    raw = session.scalar(select(func.count()).where(Notification.payment_id == payment_id))
    return payment, queued, raw


def test_every_kind_of_match_by_account_is_written_once_with_all_that_goes_with_it(session, record):
    market = make_market(session)
    vendor = make_vendor(session, market, status="active")
    closed = make_vendor(session, market, status="closed")
    twins = [
        make_vendor(session, m, status="active", account_number="7700112233")
        for m in (market, make_market(session))
    ]
    school = make_school(session)
    provider = _config(make_provider(session, name="bank"))
    account = vendor.account_number
    cases = {
        "matched, with a payer": (_transfer("A", account, debit="0123456789"), "matched"),
        "the account at another bank": (_transfer("B", account, bank="970422"), "unmatched"),
        "a closed vendor's account": (_transfer("C", closed.account_number), "unmatched"),
        "two vendors hold it": (_transfer("D", twins[0].account_number), "unmatched"),
        "a school, no invoice": (_transfer("E", school.account_number), "unmatched"),
        "nobody's": (_transfer("F", "999000111"), "unmatched"),
        "the bank not given": (_transfer("G", account, bank=None), "matched"),
    }
    for case, (transfer, status) in cases.items():
        answer, payment_id = record(provider, transfer)
        payment, queued, raw = _written(session, payment_id)
        assert (answer, payment.match_status) == ("recorded", status), case
        assert queued == (status == "matched"), case
        assert raw == 1, case
        assert payment.fee_amount == 1_100 + 679  # 55 bps of 123.456 đ, half up
        assert payment.business_date.isoformat() == "2026-11-20"
    notes = {
        t.provider_txn_id: session.scalar(
            select(Payment.match_note).where(Payment.provider_txn_id == t.provider_txn_id)
        )
        for t, _ in cases.values()
    }
    assert notes["A"] == f"account {account} belongs to vendor {vendor.id}"
    assert notes["D"] == "2 payees hold account 7700112233"
    assert notes["E"] == (
        f"account {school.account_number} belongs to school {school.id}; "
        "no reference to what is paid"
    )
    assert notes["F"] == "no payee holds account 999000111"
    assert agrees(session)


def test_a_matched_transfer_counts_in_the_day_of_its_payee(session, record):
    vendor = make_vendor(session, make_market(session), status="active")
    provider = _config(make_provider(session, name="bank"))
    record(provider, _transfer("T1", vendor.account_number, debit="1"))
    record(provider, _transfer("T2", vendor.account_number, debit="2"))
    day = session.execute(
        select(DayRollup.payment_count, DayRollup.amount).where(DayRollup.payee_id == vendor.id)
    ).one()
    assert tuple(day) == (2, 246_912)


def test_a_repeated_delivery_answers_with_the_first_payment(session, record):
    vendor = make_vendor(session, make_market(session), status="active")
    provider = _config(make_provider(session, name="bank"))
    transfer = _transfer("R1", vendor.account_number, debit="555")
    answers = [record(provider, transfer) for _ in range(3)]
    first = answers[0][1]
    assert answers == [("recorded", first), ("duplicate", first), ("duplicate", first)]
    assert session.scalar(select(func.count()).where(Payment.provider_txn_id == "R1")) == 1
    assert agrees(session)


def test_a_memo_account_a_vendor_registered_pays_that_vendor(session):
    main = make_vendor(session, make_market(session), status="active")
    coded = make_vendor(session, make_market(session), status="active", account_number="TKPAB12")
    provider = _config(make_provider(session, name="sepay-like"))
    status, paid = record_transfer(
        session,
        provider=provider,
        transfer=_transfer("M1", main.account_number, memo="TKPAB12"),
        source="notification",
        payer_key=b"k",
    )
    _, unknown = record_transfer(
        session,
        provider=provider,
        transfer=_transfer("M2", main.account_number, memo="TKPZZ99"),
        source="notification",
        payer_key=b"k",
    )
    assert (session.get(Payment, paid).payee_id, session.get(Payment, paid).match_note) == (
        coded.id,
        f"memo virtual account TKPAB12; account TKPAB12 belongs to vendor {coded.id}",
    )
    assert session.get(Payment, unknown).payee_id == main.id
    assert agrees(session)


def test_only_a_reference_or_a_memo_account_is_looked_up_before_the_write(session):
    hub = hub_of(session)
    plain = _transfer("X", "123")
    with_invoice = Transfer(**{**plain.__dict__, "description": f"{new_reference('HP')} hp"})
    assert not needs_lookup(hub, plain)
    assert needs_lookup(hub, with_invoice)
    assert needs_lookup(hub, _transfer("Y", "123", memo="TKP1"))
