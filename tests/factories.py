"""Factories: plain functions that flush and never commit."""

import itertools

from market.markets.models import Market
from market.users import create_user, issue_token
from vendors.models import Vendor
from vendors.rules import normalize_vendor

_seq = itertools.count(1)


def make_market(session, **overrides) -> Market:
    """A market with a unique code."""
    n = next(_seq)
    values = {
        "code": f"CHO-T{n}",
        "name": f"Chợ Thử {n}",
        "ward_code": "29001",
        "legacy_district": "Thành phố Vĩnh Long",
    } | overrides
    market = Market(**values)
    session.add(market)
    session.flush()
    return market


def make_vendor(session, market: Market | None = None, **overrides) -> Vendor:
    """A vendor with valid details, pending unless status is given."""
    n = next(_seq)
    raw = {
        "stall": f"A-{n:03d}",
        "full_name": "Nguyễn Thị Hoa",
        "phone": f"09{n:08d}",
        "national_id": f"0860{n:08d}",
        "category": "Rau củ",
        "bank": "970436",
        "account_number": f"{1000000000 + n}",
    }
    raw.update({k: v for k, v in overrides.items() if k in raw or k == "account_name"})
    values, errors = normalize_vendor(raw)
    assert not errors, errors
    vendor = Vendor(
        market=market or make_market(session), status=overrides.get("status", "pending"), **values
    )
    session.add(vendor)
    session.flush()
    return vendor


def make_user(session, role: str, **scope) -> tuple:
    """(user, bearer token) for role, bound to the scope given (market_id, vendor_id...)."""
    user = create_user(session, username=f"{role}-{next(_seq)}", role=role, **scope)
    return user, issue_token(session, user=user)


def bearer(token: str) -> dict:
    """The Authorization header for token."""
    return {"Authorization": f"Bearer {token}"}


def make_provider(
    session,
    name: str = "vqr-generic",
    format: str = "generic",
    secret: str = "s3cret-s3cret-s3cret",
    **values,
):
    """A provider with a known secret."""
    from payments.ingest.models import Provider

    provider = Provider(name=name, format=format, secret=secret, **values)
    session.add(provider)
    session.flush()
    return provider


def generic_notification(
    secret: str,
    *,
    txn: str,
    amount: int,
    account: str,
    description: str = "chuyen tien",
    bank_bin: str = "970436",
    occurred_at: str = "2026-11-20T09:30:00+07:00",
    t: int | None = None,
    **extra,
) -> tuple[bytes, dict]:
    """(body, headers) of a correctly signed generic notification."""
    import hashlib
    import hmac
    import json
    import time

    body = json.dumps(
        {
            "transaction_id": txn,
            "amount": amount,
            "credit_bin": bank_bin,
            "credit_account": account,
            "description": description,
            "occurred_at": occurred_at,
            **extra,
        },
        ensure_ascii=False,
    ).encode()
    t = int(time.time()) if t is None else t
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {"X-Signature": f"t={t},v1={mac}", "Content-Type": "application/json"}


def sepay_body(**fields) -> dict:
    """A SePay webhook body for a credit of 50,000 đ (fields override)."""
    return {
        "id": 92704,
        "gateway": "Vietcombank",
        "transactionDate": "2026-11-20 09:30:00",
        "accountNumber": "0123456789",
        "subAccount": None,
        "code": None,
        "content": "tien hang",
        "transferType": "in",
        "transferAmount": 50000,
        "accumulated": 0,
        "referenceCode": None,
        "description": "",
    } | fields


def casso_body(**data) -> dict:
    """A Casso webhook v2 body for a credit of 50,000 đ (data fields override)."""
    return {
        "error": 0,
        "data": {
            "id": 1,
            "reference": "",
            "description": "tien hang",
            "amount": 50000,
            "runningBalance": 0,
            "transactionDateTime": "2026-11-20 09:30:00",
            "accountNumber": "0123456789",
            "bankName": "Vietcombank",
            "bankAbbreviation": "VCB",
            "virtualAccountNumber": "",
            "virtualAccountName": "",
            "counterAccountName": "",
            "counterAccountNumber": "",
            "counterAccountBankId": "",
            "counterAccountBankName": "",
        }
        | data,
    }


def signed_body(format: str, secret: str, body: dict, t: int | None = None) -> tuple[bytes, dict]:
    """(raw body, headers) as a provider of format authenticates body: generic and Casso
    by HMAC (Casso over the body with its keys sorted, as its Node sample signs), SePay by
    its API key."""
    import hashlib
    import hmac
    import json
    import time

    raw = json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    t = int(time.time()) if t is None else t
    if format == "sepay":
        return raw, headers | {"Authorization": f"Apikey {secret}"}
    if format == "generic":
        mac = hmac.new(secret.encode(), f"{t}.".encode() + raw, hashlib.sha256).hexdigest()
        return raw, headers | {"X-Signature": f"t={t},v1={mac}"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    mac = hmac.new(secret.encode(), f"{t * 1000}.{text}".encode(), hashlib.sha512).hexdigest()
    return raw, headers | {"X-Casso-Signature": f"t={t * 1000},v1={mac}"}


def make_school(session, **overrides):
    """A school with a valid payout account."""
    from tuition.models import School

    n = next(_seq)
    values = {
        "code": f"TH-{n}",
        "name": f"Trường Thử {n}",
        "type": "public",
        "bank_bin": "970436",
        "account_number": f"{2000000000 + n}",
        "account_name": f"TRUONG THU {n}",
    } | overrides
    school = School(**values)
    session.add(school)
    session.flush()
    return school


def make_student(session, school, **overrides):
    """A student of school in class 6A1 whose guardian's phone ends in 5678."""
    from tuition.models import Student

    n = next(_seq)
    values = {
        "student_code": f"HS{n:04d}",
        "full_name": "Nguyễn Văn An",
        "name_folded": "nguyen van an",
        "class_name": "6A1",
        "guardian_name": "Nguyễn Văn Bình",
        "guardian_phone": "0912345678",
    } | overrides
    student = Student(school_id=school.id, **values)
    session.add(student)
    session.flush()
    return student
