"""Every text a provider sends, at its column's length and at one more, over HTTP: it is
recorded (descriptive text cut to the column) or refused with a 4xx naming the field, never
a 5xx. The cases come from the model's column lengths; on PostgreSQL, which enforces them,
they are the point."""

import csv
import io
from itertools import count

import pytest
from sqlalchemy import select

from market.text import clean
from payments.ledger.models import Payment
from tests.factories import (
    bearer,
    casso_body,
    make_provider,
    make_user,
    sepay_body,
    signed_body,
)

SECRET = "s3cret-s3cret-s3cret"
_serial = count(1)

# (format, field as the provider names it, the payments column it fills, what is done with
# a value longer than the column, other fields the case needs)
FIELDS = [
    ("generic", "transaction_id", "provider_txn_id", "refused", {}),
    ("generic", "credit_account", "credit_account", "refused", {}),
    ("generic", "description", "description", "cut", {}),
    ("generic", "debit_name", "payer_name", "cut", {}),
    ("generic", "debit_account", "payer_account_masked", "kept", {}),
    ("generic", "bank_reference", "bank_reference", "refused", {}),
    ("sepay", "id", "provider_txn_id", "refused", {}),
    ("sepay", "accountNumber", "credit_account", "refused", {}),
    ("sepay", "subAccount", "credit_account", "refused", {}),
    ("sepay", "referenceCode", "bank_reference", "refused", {}),
    ("sepay", "content", "description", "cut", {}),
    ("sepay", "description", "description", "cut", {"content": ""}),
    ("casso", "data.id", "provider_txn_id", "refused", {}),
    ("casso", "data.accountNumber", "credit_account", "refused", {}),
    ("casso", "data.virtualAccountNumber", "credit_account", "refused", {}),
    ("casso", "data.reference", "bank_reference", "refused", {}),
    ("casso", "data.description", "description", "cut", {}),
    ("casso", "data.counterAccountName", "payer_name", "cut", {}),
    ("casso", "data.counterAccountNumber", "payer_account_masked", "kept", {}),
]
ACCOUNT_FIELDS = {"credit_account", "accountNumber", "subAccount", "virtualAccountNumber"}
# Each field at its column's length (N) and at one more (N+1).
CASES = [
    pytest.param(*case, extra, id=f"{case[0]}-{case[1]}-{'N+1' if extra else 'N'}")
    for case in FIELDS
    for extra in (0, 1)
]


def length(column: str) -> int:
    return Payment.__table__.c[column].type.length


def value_of(field: str, size: int) -> str:
    """A value of exactly size characters that the field may hold."""
    if field.split(".")[-1] in ACCOUNT_FIELDS or field.endswith(
        ("id", "Number", "account", "reference", "referenceCode")
    ):
        return ("VQR" + "0123456789" * 13)[:size]
    # Vietnamese text: characters, not bytes, are what a column counts.
    return ("Công ty TNHH Thương mại Dịch vụ Nông sản Đồng Tháp " * 12)[:size]


def body_of(fmt: str, changes: dict) -> dict:
    n = next(_serial)
    if fmt == "generic":
        return {
            "transaction_id": f"G-{n}",
            "amount": 50000,
            "credit_bin": "970436",
            "credit_account": "0123456789",
            "description": "tien hang",
            "occurred_at": "2026-11-20T09:30:00+07:00",
            "debit_bin": "970422",
            "debit_account": "0987654321",
            "debit_name": "NGUYEN VAN A",
        } | changes
    if fmt == "sepay":
        return sepay_body(id=f"{n}", referenceCode=f"FT{n:08d}") | changes
    payer = {"counterAccountName": "NGUYEN VAN A", "counterAccountNumber": "0987654321"}
    body = casso_body(id=f"{n}", reference=f"FT{n:08d}", **payer)
    body["data"] |= {key.removeprefix("data."): value for key, value in changes.items()}
    return body


def statement_of(fmt: str, body: dict) -> bytes:
    row = body["data"] if fmt == "casso" else body
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue().encode()


def expect(session, answer, *, column: str, rule: str, value: str, extra: int):
    """The answer and what was kept, for a value of the column's length (+ extra)."""
    assert answer.status_code < 500, answer.get_data(as_text=True)
    size = length(column)
    if extra and rule == "refused":
        assert answer.status_code == 422, answer.json
        return None
    assert answer.status_code in (200, 201), answer.json
    payment = session.scalars(select(Payment).order_by(Payment.id.desc()).limit(1)).one()
    kept = getattr(payment, column)
    assert kept is not None and len(kept) <= size
    if rule == "cut":
        assert kept == clean(value)[:size].rstrip()
    elif column != "payer_account_masked":
        assert kept.upper() == value.upper()
    return payment


@pytest.fixture
def providers(session):
    for fmt in ("generic", "sepay", "casso"):
        make_provider(session, name=f"p-{fmt}", format=fmt, secret=SECRET)
    return bearer(make_user(session, "admin")[1])


@pytest.mark.parametrize(("fmt", "field", "column", "rule", "changes", "extra"), CASES)
def test_a_notification_field_at_its_length_and_one_more_is_recorded_or_refused(
    client, session, providers, fmt, field, column, rule, changes, extra
):
    value = value_of(field, length(column) + extra)
    body, headers = signed_body(fmt, SECRET, body_of(fmt, changes | {field: value}))
    answer = client.post(f"/api/v1/notifications/p-{fmt}", data=body, headers=headers)
    expect(session, answer, column=column, rule=rule, value=value, extra=extra)
    if answer.status_code == 422:
        assert field in answer.json["errors"]


@pytest.mark.parametrize(("fmt", "field", "column", "rule", "changes", "extra"), CASES)
def test_a_statement_field_at_its_length_and_one_more_is_imported_or_refused(
    client, session, providers, fmt, field, column, rule, changes, extra
):
    value = value_of(field, length(column) + extra)
    body = body_of(fmt, changes | {field: value})
    upload = client.post(
        "/api/v1/reconciliations",
        headers=providers,
        data={"provider": f"p-{fmt}", "file": (io.BytesIO(statement_of(fmt, body)), "s.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code < 500, upload.get_data(as_text=True)
    if upload.status_code == 422:
        assert extra and rule == "refused", upload.json
        assert field.removeprefix("data.") in upload.json["errors"]["file"][0]
        return
    assert upload.status_code == 201 and upload.json["missing_in_ledger"] == 1, upload.json
    run = upload.json["id"]
    answer = client.post(f"/api/v1/reconciliations/{run}/import-missing", headers=providers)
    expect(session, answer, column=column, rule=rule, value=value, extra=0)
