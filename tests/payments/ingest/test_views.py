"""What the providers really send, over HTTP: long names, SePay's virtual accounts and API
keys, Casso's error bodies, and accounts written in either case."""

import hashlib
import hmac
import json
import time

import pytest
from sqlalchemy import func, select

from payments.ingest.models import Provider
from payments.ledger.models import Payment
from payments.qr import vietqr
from payments.qr.service import create_payment_request
from tests.factories import (
    casso_body,
    generic_notification,
    make_market,
    make_provider,
    make_vendor,
    sepay_body,
    signed_body,
)

SECRET = "s3cret-s3cret-s3cret"
API_KEY = "sepay-api-key-of-its-own"
COMPANY = (
    "CONG TY TRACH NHIEM HUU HAN THUONG MAI DICH VU XUAT NHAP KHAU NONG SAN THUC PHAM SACH "
    "DONG BANG SONG CUU LONG - CN VLONG"
)


@pytest.fixture
def vendor(session):
    return make_vendor(session, make_market(session), status="active", bank="VCB")


def post(client, provider, body, headers):
    return client.post(f"/api/v1/notifications/{provider}", data=body, headers=headers)


def payments(session) -> list[Payment]:
    return list(session.scalars(select(Payment).order_by(Payment.id)))


def add_provider(app, *args: str):
    return app.test_cli_runner().invoke(args=["providers", "add", *args])


def sepay_hmac(body: bytes, secret: str) -> dict:
    t = str(int(time.time()))
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return {"X-SePay-Signature": f"sha256={mac}", "X-SePay-Timestamp": t}


@pytest.mark.parametrize("fmt", ["generic", "casso"])
def test_a_120_character_company_name_is_recorded_not_refused(client, session, vendor, fmt):
    assert len(COMPANY) == 120
    make_provider(session, name=fmt, format=fmt, secret=SECRET)
    if fmt == "generic":
        body, headers = generic_notification(
            SECRET, txn="FT1", amount=90000, account=vendor.account_number, debit_name=COMPANY
        )
    else:
        data = casso_body(accountNumber=vendor.account_number, counterAccountName=COMPANY)
        body, headers = signed_body("casso", SECRET, data)
    answer = post(client, fmt, body, headers)
    assert answer.status_code == 200, answer.json
    [payment] = payments(session)
    assert payment.payer_name == COMPANY[:100].rstrip()
    assert (payment.payee_id, payment.match_status) == (vendor.id, "matched")


def test_a_casso_error_body_is_acknowledged_and_records_nothing(client, session, vendor):
    make_provider(session, name="casso", format="casso", secret=SECRET)
    body = casso_body(accountNumber=vendor.account_number) | {"error": 1}
    answer = post(client, "casso", *signed_body("casso", SECRET, body))
    assert (answer.status_code, answer.json) == (200, {"success": True})
    assert payments(session) == []


def test_a_sepay_memo_virtual_account_pays_the_holder_of_the_main_account(client, session, vendor):
    make_provider(session, name="sepay", format="sepay", secret=SECRET)
    body = sepay_body(accountNumber=vendor.account_number, subAccount="X9K", content="TKPX9K rau")
    answer = post(client, "sepay", *signed_body("sepay", SECRET, body))
    assert answer.status_code == 200
    [payment] = payments(session)
    assert payment.credit_account == vendor.account_number
    assert (payment.payee_id, payment.match_status) == (vendor.id, "matched")
    assert "X9K" in payment.match_note


def test_a_payee_that_registered_the_memo_code_is_paid_by_it(client, session, vendor):
    coded = make_vendor(session, vendor.market, status="active", bank="VCB", account_number="X9K")
    make_provider(session, name="sepay", format="sepay", secret=SECRET)
    body = sepay_body(accountNumber=vendor.account_number, subAccount="x9k", content="TKPX9K")
    assert post(client, "sepay", *signed_body("sepay", SECRET, body)).status_code == 200
    [payment] = payments(session)
    assert payment.credit_account == vendor.account_number
    assert (payment.payee_id, payment.match_status) == (coded.id, "matched")


def test_a_sepay_api_key_of_its_own_authenticates_and_the_secret_still_signs(
    app, client, session, vendor
):
    added = add_provider(
        app, "sepay", "--format", "sepay", "--secret", SECRET, "--api-key", API_KEY
    )
    assert added.exit_code == 0, added.output
    assert SECRET not in added.output and API_KEY not in added.output
    by_key = sepay_body(id=1, accountNumber=vendor.account_number)
    by_secret = sepay_body(id=2, accountNumber=vendor.account_number)
    assert post(client, "sepay", *signed_body("sepay", API_KEY, by_key)).status_code == 200
    assert post(client, "sepay", *signed_body("sepay", SECRET, by_secret)).status_code == 401
    raw, _ = signed_body("sepay", SECRET, by_secret)
    assert post(client, "sepay", raw, sepay_hmac(raw, SECRET)).status_code == 200
    assert len(payments(session)) == 2
    listed = app.test_cli_runner().invoke(args=["providers", "list"]).output
    assert "API key: own" in listed and API_KEY not in listed and SECRET not in listed


@pytest.mark.parametrize(
    ("options", "key_accepted"),
    [([], True), (["--hmac-only"], False)],
    ids=["secret-alone-is-both", "hmac-only"],
)
def test_a_sepay_secret_alone_is_key_and_hmac_secret_unless_hmac_only(
    app, client, session, vendor, options, key_accepted
):
    added = add_provider(app, "sepay", "--format", "sepay", "--secret", SECRET, *options)
    assert added.exit_code == 0, added.output
    body = sepay_body(accountNumber=vendor.account_number)
    by_key = post(client, "sepay", *signed_body("sepay", SECRET, body))
    assert by_key.status_code == (200 if key_accepted else 401)
    raw, _ = signed_body("sepay", SECRET, body)
    assert post(client, "sepay", raw, sepay_hmac(raw, SECRET)).status_code == 200
    assert len(payments(session)) == 1


@pytest.mark.parametrize(
    "options",
    [
        ["--format", "sepay", "--api-key", API_KEY, "--hmac-only"],
        ["--format", "sepay", "--api-key", "short"],
        ["--format", "generic", "--api-key", API_KEY],
        ["--format", "casso", "--hmac-only"],
    ],
    ids=["key-and-hmac-only", "short-key", "key-for-generic", "hmac-only-for-casso"],
)
def test_providers_add_refuses_api_key_options_that_cannot_hold(app, session, options):
    added = add_provider(app, "p", "--secret", SECRET, *options)
    assert added.exit_code != 0
    assert API_KEY not in added.output
    assert session.scalar(select(func.count()).where(Provider.name == "p")) == 0


def test_a_lower_case_account_is_kept_as_given_and_paid_in_either_case(client, session):
    make_provider(session, secret=SECRET)
    vendor = make_vendor(
        session, make_market(session), status="active", account_number="vqr-123abc"
    )
    assert vendor.account_number == "vqr123abc"
    for n, written in enumerate(["VQR123ABC", "vqr123abc", "Vqr123Abc"]):
        body, headers = generic_notification(SECRET, txn=f"C{n}", amount=1000, account=written)
        assert post(client, "vqr-generic", body, headers).status_code == 200
    paid = payments(session)
    assert [(p.payee_id, p.match_status) for p in paid] == [(vendor.id, "matched")] * 3
    assert {p.credit_account for p in paid} == {"VQR123ABC"}


def test_a_payment_request_to_a_lower_case_account_keeps_it_in_the_qr_and_is_paid(client, session):
    make_provider(session, secret=SECRET)
    vendor = make_vendor(session, make_market(session), status="active", account_number="mb0ab12")
    request = create_payment_request(
        session,
        payee_type="vendor",
        payee_id=vendor.id,
        bank_bin=vendor.bank_bin,
        account_number=vendor.account_number,
        amount=30000,
        description=None,
        prefix="CH",
    )
    assert vietqr.parse(request.payload).account_number == "mb0ab12"
    body, headers = generic_notification(
        SECRET, txn="R1", amount=30000, account="MB0AB12", description=f"{request.reference} ca"
    )
    assert post(client, "vqr-generic", body, headers).status_code == 200
    [payment] = payments(session)
    assert (payment.matched_by, payment.target_id) == ("reference", request.id)
    session.refresh(request)
    assert (request.paid_amount, request.status) == (30000, "paid")


def generic_ascii(body: dict) -> tuple[bytes, dict]:
    """A generic notification written with \\u escapes only (lone surrogates included)."""
    raw = json.dumps(body).encode()
    t = int(time.time())
    mac = hmac.new(SECRET.encode(), f"{t}.".encode() + raw, hashlib.sha256).hexdigest()
    return raw, {"X-Signature": f"t={t},v1={mac}", "Content-Type": "application/json"}


def test_half_a_surrogate_pair_is_replaced_in_text_and_refused_in_an_identifier(
    client, session, vendor
):
    make_provider(session, secret=SECRET)
    body = {
        "transaction_id": "S1",
        "amount": 1000,
        "credit_bin": "970436",
        "credit_account": vendor.account_number,
        "description": "tien hang \ud83d",
        "occurred_at": "2026-11-20T09:30:00+07:00",
        "debit_name": "NGUYEN \udc00 A",
    }
    assert post(client, "vqr-generic", *generic_ascii(body)).status_code == 200
    [payment] = payments(session)
    assert (payment.description, payment.payer_name) == ("tien hang \ufffd", "NGUYEN \ufffd A")
    refused = post(client, "vqr-generic", *generic_ascii(body | {"transaction_id": "S\ud800"}))
    assert refused.status_code == 422 and "transaction_id" in refused.json["errors"]
