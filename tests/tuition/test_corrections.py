"""Corrections an accountant makes: a reversed payment comes off its invoice and its receipt is
cancelled; a void invoice takes no money, and a transfer for it is left for a person."""

import io

import pytest
from sqlalchemy import select

from tests.factories import bearer, generic_notification, make_provider, make_school, make_user
from tests.tuition.test_end_to_end import pdf_text
from tuition.models import Invoice, Receipt

SECRET = "s3cret-s3cret-s3cret"
ROSTER = (
    "Mã HS,Họ tên,Lớp,Phụ huynh,SĐT phụ huynh\n"
    "A1,Nguyễn Văn An,6A1,Nguyễn Văn Bình,0912345678\n"
    "A2,Trần Thị Bích,6A1,Trần Văn Cường,0987654321\n"
)
PLAN = {
    "name": "Đợt 1",
    "school_year": "2025-2026",
    "due_date": "2025-10-15",
    "classes": ["6A1"],
    "lines": [{"item": "Tiền ăn", "kind": "meals", "amount": 700_000}],
}


@pytest.fixture
def world(client, session):
    """A school with two students and an issued plan: (school, staff headers, references)."""
    school = make_school(session, code="THCS-C")
    staff = bearer(make_user(session, "school_admin", school_id=school.id)[1])
    make_provider(session)
    client.post(
        "/api/v1/schools/THCS-C/students/import",
        headers=staff,
        data={"file": (io.BytesIO(ROSTER.encode()), "r.csv")},
        content_type="multipart/form-data",
    )
    plan = client.post("/api/v1/schools/THCS-C/fee-plans", headers=staff, json=PLAN).json
    client.post(f"/api/v1/fee-plans/{plan['id']}/issue", headers=staff)
    references = sorted(session.scalars(select(Invoice.reference)))
    return school, staff, references


def transfer(client, school, txn, amount, description):
    body, headers = generic_notification(
        SECRET, txn=txn, amount=amount, account=school.account_number, description=description
    )
    response = client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["payment_id"]


def test_a_reversed_transfer_comes_off_the_invoice_and_its_receipt_is_cancelled(
    client, session, world
):
    school, staff, (ref, _) = world
    first = transfer(client, school, "FT1", 300_000, f"MBVCB.1234.{ref} hoc phi")
    cash = client.post(
        f"/api/v1/invoices/{ref}/cash-payments", headers=staff, json={"amount": 400_000}
    ).json["id"]
    assert client.get(f"/api/v1/invoices/{ref}", headers=staff).json["status"] == "paid"

    reversed_ = client.post(
        f"/api/v1/payments/{first}/reverse", headers=staff, json={"reason": "Nhầm học sinh"}
    )
    assert reversed_.status_code == 201, reversed_.json

    invoice = client.get(f"/api/v1/invoices/{ref}", headers=staff).json
    assert (invoice["status"], invoice["paid_amount"], invoice["balance"]) == (
        "partially_paid",
        400_000,
        300_000,
    )
    receipts = {r["payment_id"]: r for r in invoice["receipts"]}
    assert receipts[first]["number"] == "2025-2026/000001"
    assert receipts[first]["status"] == "cancelled"
    assert receipts[first]["cancel_reason"] == "Nhầm học sinh"
    assert receipts[first]["cancelled_at"] is not None
    assert receipts[cash]["status"] == "issued" and receipts[cash]["cancelled_at"] is None
    receipt = client.get(f"/api/v1/payments/{first}/receipt", headers=staff).json
    assert receipt == receipts[first]

    text = pdf_text(client.get(f"/api/v1/payments/{first}/receipt.pdf", headers=staff).data)
    assert "ĐÃ HỦY" in text and "Nhầm học sinh" in text
    assert "2025-2026/000001" in text  # the cancelled receipt keeps its number

    # the number of a cancelled receipt is never given again
    again = transfer(client, school, "FT2", 300_000, f"{ref} nop lai")
    assert client.get(f"/api/v1/payments/{again}/receipt", headers=staff).json["number"] == (
        "2025-2026/000003"
    )
    numbers = sorted(session.scalars(select(Receipt.number)))
    assert numbers == [1, 2, 3]
    assert client.get(f"/api/v1/invoices/{ref}", headers=staff).json["status"] == "paid"


def test_a_reversed_cash_payment_reopens_the_invoice(client, session, world):
    _, staff, (ref, _) = world
    cash = client.post(
        f"/api/v1/invoices/{ref}/cash-payments", headers=staff, json={"amount": 700_000}
    ).json["id"]
    client.post(f"/api/v1/payments/{cash}/reverse", headers=staff, json={"reason": "Ghi nhầm"})
    invoice = client.get(f"/api/v1/invoices/{ref}", headers=staff).json
    assert (invoice["status"], invoice["balance"]) == ("open", 700_000)
    assert [r["status"] for r in invoice["receipts"]] == ["cancelled"]
    # with its money gone, the invoice may now be voided
    voided = client.post(f"/api/v1/invoices/{ref}/void", headers=staff, json={"reason": "Trùng"})
    assert voided.status_code == 200 and voided.json["status"] == "void"


def test_an_uncancelled_receipt_pdf_carries_no_cancellation_mark(client, session, world):
    _, staff, (ref, _) = world
    cash = client.post(
        f"/api/v1/invoices/{ref}/cash-payments", headers=staff, json={"amount": 100_000}
    ).json["id"]
    text = pdf_text(client.get(f"/api/v1/payments/{cash}/receipt.pdf", headers=staff).data)
    assert "HỦY" not in text


def test_a_transfer_for_a_void_invoice_is_left_unmatched_saying_why(client, session, world):
    school, staff, (ref, _) = world
    voided = client.post(f"/api/v1/invoices/{ref}/void", headers=staff, json={"reason": "Trùng"})
    assert voided.status_code == 200
    pid = transfer(client, school, "FT-VOID", 700_000, f"IBFT {ref} hoc phi")

    payment = client.get(f"/api/v1/payments/{pid}", headers=staff).json
    assert payment["status"] == "unmatched" and payment["target"] is None
    assert payment["payee"] == {"type": "school", "id": school.id}
    assert f"invoice {ref} is void" in payment["match_note"]
    unmatched = client.get("/api/v1/payments?status=unmatched", headers=staff).json["items"]
    assert [p["id"] for p in unmatched] == [pid]
    invoice = client.get(f"/api/v1/invoices/{ref}", headers=staff).json
    assert (invoice["status"], invoice["paid_amount"], invoice["receipts"]) == ("void", 0, [])


def test_a_void_invoice_takes_no_cash_and_no_assignment(client, session, world):
    school, staff, (ref, other) = world
    client.post(f"/api/v1/invoices/{ref}/void", headers=staff, json={"reason": "Trùng"})
    cash = client.post(
        f"/api/v1/invoices/{ref}/cash-payments", headers=staff, json={"amount": 100_000}
    )
    assert cash.status_code == 409 and "void" in cash.json["detail"]
    pid = transfer(client, school, "FT-NOREF", 700_000, "chuyen tien")
    assigned = client.post(
        f"/api/v1/payments/{pid}/assign", headers=staff, json={"invoice_reference": ref}
    )
    assert assigned.status_code == 409
    assert session.scalar(select(Invoice.paid_amount).where(Invoice.reference == ref)) == 0


def test_an_invoice_with_money_cannot_be_voided(client, session, world):
    _, staff, (ref, _) = world
    client.post(f"/api/v1/invoices/{ref}/cash-payments", headers=staff, json={"amount": 1})
    voided = client.post(f"/api/v1/invoices/{ref}/void", headers=staff, json={"reason": "x"})
    assert voided.status_code == 409
    assert client.get(f"/api/v1/invoices/{ref}", headers=staff).json["status"] == "partially_paid"


def test_voiding_a_void_invoice_again_is_refused_and_keeps_the_first_reason(client, session, world):
    _, staff, (ref, _) = world
    first = client.post(f"/api/v1/invoices/{ref}/void", headers=staff, json={"reason": "Trùng"})
    assert first.status_code == 200
    again = client.post(f"/api/v1/invoices/{ref}/void", headers=staff, json={"reason": "Khác"})
    assert again.status_code == 409, again.json
    reason = session.scalar(select(Invoice.void_reason).where(Invoice.reference == ref))
    assert reason == "Trùng"
