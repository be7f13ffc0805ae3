"""One bank transfer reported by SePay and by Casso (a school's account wired to both) is
one payment: the bank's own reference, with the credited account, names the transfer."""

import csv
import io

import pytest
from sqlalchemy import select

from payments.ingest.models import Notification, Provider
from payments.ingest.providers.sepay import COLUMNS as SEPAY_COLUMNS
from payments.ledger.models import Payment
from payments.qr.service import create_payment_request
from tests.factories import (
    bearer,
    casso_body,
    make_market,
    make_provider,
    make_user,
    make_vendor,
    sepay_body,
    signed_body,
)

SECRET = "s3cret-s3cret-s3cret"
REFERENCE = "FT26324001234"


@pytest.fixture
def vendor(session):
    for fmt in ("sepay", "casso"):
        make_provider(session, name=fmt, format=fmt, secret=SECRET)
    return make_vendor(session, make_market(session), status="active", bank="VCB")


@pytest.fixture
def admin(session):
    return bearer(make_user(session, "admin")[1])


def reports(account: str, *, description: str = "tien rau", reference: str = REFERENCE) -> dict:
    """The same transfer as SePay and as Casso report it, each under its own id."""
    return {
        "sepay": sepay_body(
            id=5501, accountNumber=account, referenceCode=reference, content=description
        ),
        "casso": casso_body(
            id=88001, accountNumber=account, reference=reference, description=description
        ),
    }


def post(client, provider: str, body: dict):
    raw, headers = signed_body(provider, SECRET, body)
    return client.post(f"/api/v1/notifications/{provider}", data=raw, headers=headers)


def payments(session) -> list[Payment]:
    return list(session.scalars(select(Payment).order_by(Payment.id)))


@pytest.mark.parametrize("first", ["sepay", "casso"])
@pytest.mark.parametrize("pays_a_request", [False, True], ids=["by-account", "by-reference"])
def test_the_same_transfer_reported_by_sepay_and_casso_is_recorded_once(
    client, session, vendor, first, pays_a_request
):
    description = "tien rau"
    if pays_a_request:
        request = create_payment_request(
            session,
            payee_type="vendor",
            payee_id=vendor.id,
            bank_bin=vendor.bank_bin,
            account_number=vendor.account_number,
            amount=50000,
            description=None,
            prefix="CH",
        )
        description = f"{request.reference} tien rau"
    sent = reports(vendor.account_number, description=description)
    second = "casso" if first == "sepay" else "sepay"
    answers = [post(client, first, sent[first]), post(client, second, sent[second])]
    assert [(a.status_code, a.json) for a in answers] == [(200, {"success": True})] * 2
    [payment] = payments(session)
    assert payment.provider_id == session.scalar(select(Provider.id).where(Provider.name == first))
    assert session.scalars(select(Notification.payment_id)).all() == [payment.id]
    assert (payment.bank_reference, payment.payee_id) == (REFERENCE, vendor.id)
    if pays_a_request:
        session.refresh(request)
        assert (request.paid_amount, payment.target_id) == (50000, request.id)


def test_a_virtual_account_written_in_another_case_is_the_same_transfer(client, session, vendor):
    sepay = sepay_body(id=1, subAccount="vqr0001234", referenceCode=REFERENCE)
    casso = casso_body(id=2, virtualAccountNumber="VQR0001234", reference=REFERENCE)
    assert post(client, "sepay", sepay).status_code == 200
    assert post(client, "casso", casso).status_code == 200
    assert [p.credit_account for p in payments(session)] == ["VQR0001234"]


def test_one_reference_on_two_accounts_is_two_transfers(client, session, vendor):
    other = make_vendor(session, vendor.market, status="active", bank="VCB")
    assert post(client, "sepay", reports(vendor.account_number)["sepay"]).status_code == 200
    casso = reports(other.account_number)["casso"]
    assert post(client, "casso", casso).status_code == 200
    assert [p.payee_id for p in payments(session)] == [vendor.id, other.id]


def test_transfers_without_a_bank_reference_are_told_apart_by_their_ids(client, session, vendor):
    sepay = reports(vendor.account_number, reference="")["sepay"] | {"referenceCode": None}
    casso = reports(vendor.account_number, reference="")["casso"]
    assert post(client, "sepay", sepay).status_code == 200
    assert post(client, "casso", casso).status_code == 200
    assert len(payments(session)) == 2


def sepay_statement(account: str) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SEPAY_COLUMNS)
    writer.writeheader()
    row = reports(account)["sepay"] | {"description": ""}
    writer.writerow({k: "" if row.get(k) is None else row[k] for k in SEPAY_COLUMNS})
    return out.getvalue().encode()


def reconcile(client, admin, data: bytes):
    return client.post(
        "/api/v1/reconciliations",
        headers=admin,
        data={"provider": "sepay", "file": (io.BytesIO(data), "sepay.csv")},
        content_type="multipart/form-data",
    )


def test_a_statement_line_recorded_through_another_provider_is_not_missing(
    client, session, vendor, admin
):
    assert post(client, "casso", reports(vendor.account_number)["casso"]).status_code == 200
    [recorded] = payments(session)
    run = reconcile(client, admin, sepay_statement(vendor.account_number))
    assert run.status_code == 201, run.json
    assert (run.json["missing_in_ledger"], run.json["matched_other_provider"]) == (0, 1)
    kept = client.get(f"/api/v1/reconciliations/{run.json['id']}", headers=admin).json
    assert [(line["bucket"], line["payment_id"]) for line in kept["lines"]] == [
        ("matched_other_provider", recorded.id)
    ]
    imported = client.post(
        f"/api/v1/reconciliations/{run.json['id']}/import-missing", headers=admin
    )
    assert imported.json["results"] == []
    assert len(payments(session)) == 1


def test_import_missing_records_nothing_twice_once_another_provider_reported_it(
    client, session, vendor, admin
):
    run = reconcile(client, admin, sepay_statement(vendor.account_number))
    assert run.json["missing_in_ledger"] == 1
    assert post(client, "casso", reports(vendor.account_number)["casso"]).status_code == 200
    [recorded] = payments(session)
    imported = client.post(
        f"/api/v1/reconciliations/{run.json['id']}/import-missing", headers=admin
    )
    assert [(r["status"], r["payment_id"]) for r in imported.json["results"]] == [
        ("duplicate", recorded.id)
    ]
    assert len(payments(session)) == 1
