"""The ledger as people use it: lists by scope, assigning, reversing; SePay and Casso in."""

import hashlib
import hmac
import json
import time

import pytest
from sqlalchemy import func, select

from payments.ingest.providers.casso import canonical_json
from payments.ledger.models import Payment
from tests.factories import (
    bearer,
    generic_notification,
    make_market,
    make_provider,
    make_school,
    make_user,
    make_vendor,
)

SECRET = "s3cret-s3cret-s3cret"


@pytest.fixture
def setup(session):
    make_provider(session)
    market, other_market = make_market(session), make_market(session)
    mine = make_vendor(session, market, status="active")
    theirs = make_vendor(session, other_market, status="active")
    return market, mine, theirs


def pay(client, *, txn, amount, account, description="tien hang", **extra):
    body, headers = generic_notification(
        SECRET, txn=txn, amount=amount, account=account, description=description, **extra
    )
    response = client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["payment_id"]


def test_each_role_lists_only_the_money_it_may_see(client, session, setup):
    market, mine, theirs = setup
    a = pay(client, txn="T1", amount=1000, account=mine.account_number)
    b = pay(client, txn="T2", amount=2000, account=theirs.account_number)
    c = pay(client, txn="T3", amount=3000, account="99999999")  # nobody's
    admin = bearer(make_user(session, "admin")[1])
    manager = bearer(make_user(session, "market_manager", market_id=market.id)[1])
    vendor = bearer(make_user(session, "vendor", vendor_id=mine.id, market_id=market.id)[1])

    def ids(headers, **query):
        response = client.get("/api/v1/payments", headers=headers, query_string=query)
        assert response.status_code == 200, response.json
        return sorted(p["id"] for p in response.json["items"])

    assert ids(admin) == [a, b, c]
    assert ids(admin, status="unmatched") == [c]
    assert ids(manager) == [a] and ids(vendor) == [a]
    assert client.get(f"/api/v1/payments/{b}", headers=manager).status_code == 404
    assert client.get(f"/api/v1/payments/{c}", headers=manager).status_code == 404
    bank = bearer(make_user(session, "bank_staff")[1])
    assert client.get("/api/v1/payments", headers=bank).status_code == 403
    school = bearer(make_user(session, "school_admin", school_id=make_school(session).id)[1])
    assert ids(school) == []
    assert client.get("/api/v1/payments").status_code == 401


def test_a_payment_says_what_it_matched_and_why(client, session, setup):
    _, mine, _ = setup
    pid = pay(
        client,
        txn="T1",
        amount=1000,
        account=mine.account_number,
        debit_account="0123456789",
        debit_name="TRAN VAN B",
    )
    admin = bearer(make_user(session, "admin")[1])
    body = client.get(f"/api/v1/payments/{pid}", headers=admin).json
    assert body["payee"] == {"type": "vendor", "id": mine.id}
    assert body["status"] == "matched" and body["matched_by"] == "account"
    assert f"account {mine.account_number} belongs to vendor {mine.id}" in body["match_note"]
    assert body["payer"] == {"bank_bin": None, "account": "•••• 6789", "name": "TRAN VAN B"}
    listed = client.get("/api/v1/payments", headers=admin).json["items"][0]
    assert "name" not in listed["payer"] and "0123456789" not in json.dumps(listed)


def test_an_unmatched_payment_is_assigned_once_by_a_person(client, session, setup):
    market, mine, theirs = setup
    pid = pay(client, txn="T9", amount=5000, account="55555555")
    admin = bearer(make_user(session, "admin")[1])
    response = client.post(
        f"/api/v1/payments/{pid}/assign",
        headers=admin,
        json={"vendor_id": mine.id, "reason": "STK thứ hai của sạp"},
    )
    assert response.status_code == 200, response.json
    assert response.json["status"] == "matched" and response.json["matched_by"] == "manual"
    assert response.json["payee"] == {"type": "vendor", "id": mine.id}
    again = client.post(
        f"/api/v1/payments/{pid}/assign", headers=admin, json={"vendor_id": theirs.id}
    )
    assert again.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"vendor_id": 1, "reference": "CH"},
        {"vendor_id": "x"},
        {"vendor_id": -1},
        {"vendor_id": 1, "junk": 1},
    ],
)
def test_bad_assignments_are_422(client, session, setup, body):
    pid = pay(client, txn="T9", amount=5000, account="55555555")
    admin = bearer(make_user(session, "admin")[1])
    assert (
        client.post(f"/api/v1/payments/{pid}/assign", headers=admin, json=body).status_code == 422
    )


def test_a_manager_cannot_assign_to_another_markets_vendor(client, session, setup):
    market, mine, theirs = setup
    pid = pay(client, txn="T9", amount=5000, account=mine.account_number)
    manager = bearer(make_user(session, "market_manager", market_id=market.id)[1])
    # already matched by account
    assert (
        client.post(
            f"/api/v1/payments/{pid}/assign", headers=manager, json={"vendor_id": theirs.id}
        ).status_code
        == 409
    )


def test_a_reversal_is_a_new_record_and_happens_once(client, session, setup):
    _, mine, _ = setup
    pid = pay(client, txn="T1", amount=7000, account=mine.account_number)
    admin = bearer(make_user(session, "admin")[1])
    response = client.post(
        f"/api/v1/payments/{pid}/reverse", headers=admin, json={"reason": "Khách chuyển nhầm"}
    )
    assert response.status_code == 201
    assert response.json["kind"] == "reversal" and response.json["reverses_id"] == pid
    original = client.get(f"/api/v1/payments/{pid}", headers=admin).json
    assert original["status"] == "reversed"
    assert original["reversed_by_id"] == response.json["id"] and original["amount"] == 7000
    assert (
        client.post(
            f"/api/v1/payments/{pid}/reverse", headers=admin, json={"reason": "again"}
        ).status_code
        == 409
    )
    assert (
        client.post(
            f"/api/v1/payments/{response.json['id']}/reverse", headers=admin, json={"reason": "x"}
        ).status_code
        == 409
    )
    assert client.post(f"/api/v1/payments/{pid}/reverse", headers=admin, json={}).status_code == 422
    listed = client.get("/api/v1/payments?status=reversed", headers=admin).json["items"]
    assert [p["id"] for p in listed] == [pid]
    vendor_token = bearer(
        make_user(session, "vendor", vendor_id=mine.id, market_id=mine.market_id)[1]
    )
    assert (
        client.post(
            f"/api/v1/payments/{pid}/reverse", headers=vendor_token, json={"reason": "x"}
        ).status_code
        == 403
    )


def test_sepay_notifications_verify_by_signature_and_ignore_outgoing(client, session, setup):
    _, mine, _ = setup
    make_provider(session, name="sepay-vcb", format="sepay", secret=SECRET)
    payload = {
        "id": 92704,
        "gateway": "Vietcombank",
        "transactionDate": "2026-11-20 14:02:37",
        "accountNumber": mine.account_number,
        "subAccount": None,
        "code": None,
        "content": "thanh toan rau",
        "transferType": "in",
        "transferAmount": 2277000,
        "accumulated": 19077000,
        "referenceCode": "MBVCB.3278907687",
        "description": "",
    }
    for transfer_type, expected in (("in", 1), ("out", 1)):
        body = json.dumps(
            payload | {"transferType": transfer_type, "id": 92704 + (transfer_type == "out")}
        ).encode()
        t = str(int(time.time()))
        mac = hmac.new(SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
        response = client.post(
            "/api/v1/notifications/sepay-vcb",
            data=body,
            headers={"X-SePay-Timestamp": t, "X-SePay-Signature": f"sha256={mac}"},
        )
        assert (response.status_code, response.json) == (200, {"success": True})
        assert session.scalar(select(func.count()).select_from(Payment)) == expected
    payment = session.scalars(select(Payment)).one()
    assert payment.occurred_at.isoformat() == "2026-11-20T07:02:37+00:00"
    assert payment.payee_id == mine.id


def test_casso_with_vietnamese_text_and_reordered_keys_is_accepted(client, session, setup):
    _, mine, _ = setup
    make_provider(session, name="casso", format="casso", secret=SECRET)
    data = {
        "id": 777,
        "reference": "FT2611",
        "description": "Nguyễn Thị Hoa chuyển tiền hàng",
        "amount": 599000,
        "runningBalance": 25000000,
        "transactionDateTime": "2026-11-20 15:30:00",
        "accountNumber": mine.account_number,
        "bankName": "Vietcombank",
        "bankAbbreviation": "VCB",
        "virtualAccountNumber": "",
        "virtualAccountName": "",
        "counterAccountName": "NGUYEN THI HOA",
        "counterAccountNumber": "0011223344",
        "counterAccountBankId": "970422",
        "counterAccountBankName": "MB",
    }
    t = str(int(time.time() * 1000))
    mac = hmac.new(
        SECRET.encode(),
        f"{t}.{canonical_json({'error': 0, 'data': data})}".encode(),
        hashlib.sha512,
    ).hexdigest()
    reordered = {"data": dict(reversed(list(data.items()))), "error": 0}
    body = json.dumps(reordered, ensure_ascii=False, indent=2).encode()
    response = client.post(
        "/api/v1/notifications/casso", data=body, headers={"X-Casso-Signature": f"t={t},v1={mac}"}
    )
    assert response.status_code == 200, response.json
    payment = session.scalars(select(Payment)).one()
    assert payment.description == "Nguyễn Thị Hoa chuyển tiền hàng"
    assert payment.payer_account_masked == "•••• 3344"
    tampered = body.replace(b"Hoa", "Hòa".encode())
    assert (
        client.post(
            "/api/v1/notifications/casso",
            data=tampered,
            headers={"X-Casso-Signature": f"t={t},v1={mac}"},
        ).status_code
        == 401
    )


def test_a_transfer_to_an_account_two_vendors_share_is_the_market_managers_to_resolve(
    client, session, setup
):
    market, mine, _ = setup
    partner = make_vendor(session, market, status="active", account_number=mine.account_number)
    pid = pay(client, txn="T1", amount=1000, account=mine.account_number)
    manager = bearer(make_user(session, "market_manager", market_id=market.id)[1])
    other = bearer(make_user(session, "market_manager", market_id=make_market(session).id)[1])
    listed = client.get("/api/v1/payments?status=unmatched", headers=manager).json["items"]
    assert [p["id"] for p in listed] == [pid]
    assert client.get("/api/v1/payments?status=unmatched", headers=other).json["items"] == []
    assert client.get(f"/api/v1/payments/{pid}", headers=other).status_code == 404
    assigned = client.post(
        f"/api/v1/payments/{pid}/assign", json={"vendor_id": partner.id}, headers=manager
    )
    assert assigned.status_code == 200, assigned.json
    assert assigned.json["status"] == "matched"
