"""Notifications in: verified, matched and recorded exactly once."""

import hashlib
import hmac
import json
import time

import pytest
from sqlalchemy import func, select

from payments.ingest.models import Notification
from payments.ledger.models import Payment
from payments.qr.models import PaymentRequest
from tests.factories import (
    bearer,
    generic_notification,
    make_market,
    make_provider,
    make_user,
    make_vendor,
)

SECRET = "s3cret-s3cret-s3cret"


@pytest.fixture
def provider(session):
    return make_provider(session, fee_fixed=100, fee_bps=20)


@pytest.fixture
def vendor(session):
    return make_vendor(session, make_market(session), status="active", bank="VCB")


def post(client, body, headers, provider="vqr-generic"):
    return client.post(f"/api/v1/notifications/{provider}", data=body, headers=headers)


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_a_transfer_to_a_vendor_is_recorded_and_matched_by_account(
    client, session, provider, vendor
):
    body, headers = generic_notification(
        SECRET,
        txn="FT001",
        amount=50000,
        account=vendor.account_number,
        debit_bin="970422",
        debit_account="0987654321",
        debit_name="LE VAN A",
    )
    response = post(client, body, headers)
    assert response.status_code == 200
    assert response.json["status"] == "recorded"
    payment = session.get(Payment, response.json["payment_id"])
    assert (payment.payee_type, payment.payee_id) == ("vendor", vendor.id)
    assert (payment.match_status, payment.matched_by) == ("matched", "account")
    assert payment.amount == 50000 and payment.fee_amount == 100 + 100
    assert str(payment.business_date) == "2026-11-20"
    assert payment.payer_account_masked == "•••• 4321"
    assert len(payment.payer_hash) == 32 and "0987654321" not in payment.payer_hash
    raw = session.scalars(select(Notification)).one()
    assert raw.payment_id == payment.id and json.loads(raw.body)["transaction_id"] == "FT001"


def test_a_duplicate_answers_success_and_records_nothing_new(client, session, provider, vendor):
    body, headers = generic_notification(
        SECRET, txn="FT002", amount=1000, account=vendor.account_number
    )
    first = post(client, body, headers).json
    again = post(client, body, headers).json
    assert again == {"status": "duplicate", "payment_id": first["payment_id"]}
    assert count(session, Payment) == 1 and count(session, Notification) == 1


def _tamper(body, headers):
    return body.replace(b"1000", b"9000"), headers


def _wrong_secret(body, headers):
    return generic_notification("another-secret-entirely", txn="FT003", amount=1000, account="123")


def _stale(body, headers):
    return generic_notification(
        SECRET, txn="FT003", amount=1000, account="123", t=int(time.time()) - 3600
    )


def _missing(body, headers):
    return body, {"Content-Type": "application/json"}


def _garbled(body, headers):
    return body, {"X-Signature": "t=abc,v1=zz", "Content-Type": "application/json"}


@pytest.mark.parametrize("forge", [_tamper, _wrong_secret, _stale, _missing, _garbled])
def test_forged_notifications_are_401_and_stored_nowhere(
    client, session, provider, vendor, forge, caplog
):
    body, headers = forge(
        *generic_notification(SECRET, txn="FT003", amount=1000, account=vendor.account_number)
    )
    response = post(client, body, headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert count(session, Payment) == 0 and count(session, Notification) == 0
    assert any("refused notification" in r.getMessage() for r in caplog.records)
    assert SECRET not in caplog.text


def test_the_longest_transaction_id_allowed_is_stored_whole(client, session, provider, vendor):
    body, headers = generic_notification(
        SECRET, txn="T" * 128, amount=5_000, account=vendor.account_number
    )
    response = post(client, body, headers)
    assert response.status_code == 200, response.json
    assert session.get(Payment, response.json["payment_id"]).provider_txn_id == "T" * 128


def test_an_unknown_provider_is_404(client, session, provider):
    body, headers = generic_notification(SECRET, txn="X", amount=1, account="1")
    assert post(client, body, headers, provider="nobody").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": -5}, "amount"),
        ({"amount": 12.5}, "amount"),
        ({"amount": 10**13}, "amount"),
        ({"occurred_at": "2026-11-20T09:30:00"}, "occurred_at"),
        ({"transaction_id": ""}, None),
        ({"transaction_id": "T" * 129}, "transaction_id"),
        ({"credit_account": "1" * 20}, "credit_account"),
    ],
)
def test_authentic_but_malformed_is_422_and_writes_nothing(
    client, session, provider, change, field
):
    payload = {
        "transaction_id": "FT9",
        "amount": 1000,
        "credit_bin": "970436",
        "credit_account": "123",
        "description": "x",
        "occurred_at": "2026-11-20T09:30:00+07:00",
    } | change
    body = json.dumps(payload).encode()
    t = int(time.time())
    mac = hmac.new(SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    response = post(client, body, {"X-Signature": f"t={t},v1={mac}"})
    assert response.status_code == 422
    if field:
        assert field in response.json["errors"]
    assert count(session, Payment) == 0


def test_a_reference_in_a_mangled_description_pays_the_payment_request(
    client, session, provider, vendor, time_machine
):
    time_machine.move_to("2026-11-20T09:25:00+07:00")  # the transfers come 5 minutes later
    token = make_user(session, "vendor", vendor_id=vendor.id, market_id=vendor.market_id)[1]
    request = client.post(
        f"/api/v1/vendors/{vendor.id}/payment-requests",
        headers=bearer(token),
        json={"amount": 80000},
    ).json
    ref = request["reference"]
    mangled = f"MBVCB.3278907687.{ref.lower()}.CT tu 0011 LE VAN A"
    for txn, amount in (("FT10", 50000), ("FT11", 30000)):
        body, headers = generic_notification(
            SECRET, txn=txn, amount=amount, account=vendor.account_number, description=mangled
        )
        assert post(client, body, headers).json["status"] == "recorded"
    paid = session.scalars(select(PaymentRequest).where(PaymentRequest.reference == ref)).one()
    session.refresh(paid)
    assert (paid.paid_amount, paid.status) == (80000, "paid")
    payments = session.scalars(select(Payment)).all()
    assert {(p.matched_by, p.target_reference) for p in payments} == {("reference", ref)}


def test_a_reference_to_another_account_does_not_match_it(client, session, provider, vendor):
    other = make_vendor(session, vendor.market, status="active")
    token = make_user(session, "admin")[1]
    ref = client.post(
        f"/api/v1/vendors/{other.id}/payment-requests", headers=bearer(token), json={"amount": 1000}
    ).json["reference"]
    body, headers = generic_notification(
        SECRET, txn="FT12", amount=1000, account=vendor.account_number, description=ref
    )
    payment = session.get(Payment, post(client, body, headers).json["payment_id"])
    assert (payment.payee_id, payment.target_id) == (vendor.id, None)
    assert "another account" in payment.match_note


def test_cut_off_is_midnight_in_vietnam(client, session, provider, vendor):
    days = {}
    for txn, moment in (
        ("A", "2026-11-20T23:59:59+07:00"),
        ("B", "2026-11-21T00:00:00+07:00"),
        ("C", "2026-11-20T16:59:59Z"),
        ("D", "2026-11-20T17:00:00Z"),
    ):
        body, headers = generic_notification(
            SECRET, txn=txn, amount=1000, occurred_at=moment, account=vendor.account_number
        )
        days[txn] = str(
            session.get(Payment, post(client, body, headers).json["payment_id"]).business_date
        )
    assert days == {"A": "2026-11-20", "B": "2026-11-21", "C": "2026-11-20", "D": "2026-11-21"}
