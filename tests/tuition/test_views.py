"""Schools, fee plans, exemptions and invoices over HTTP: what a school accountant relies on, and
bad input."""

import io

import pytest
from sqlalchemy import func, select

from tests.factories import bearer, generic_notification, make_provider, make_school, make_user
from tuition.models import Exemption, FeePlan, Invoice, Student

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
    "lines": [{"item": "Tiền ăn", "kind": "meals", "amount": 700000}],
}


@pytest.fixture
def world(client, session):
    school = make_school(session, code="THCS-A")
    staff = bearer(make_user(session, "school_admin", school_id=school.id)[1])
    client.post(
        "/api/v1/schools/THCS-A/students/import",
        headers=staff,
        data={"file": (io.BytesIO(ROSTER.encode()), "r.csv")},
        content_type="multipart/form-data",
    )
    return school, staff


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_issuing_twice_creates_no_second_invoice_and_a_plan_change_is_explicit(
    client, session, world
):
    school, staff = world
    plan = client.post("/api/v1/schools/THCS-A/fee-plans", headers=staff, json=PLAN).json
    assert client.post(f"/api/v1/fee-plans/{plan['id']}/issue", headers=staff).json == {
        "issued": 2,
        "skipped": 0,
    }
    assert client.post(f"/api/v1/fee-plans/{plan['id']}/issue", headers=staff).json["issued"] == 0
    invoices = client.get("/api/v1/invoices?school=THCS-A", headers=staff).json["items"]
    paid_ref = invoices[0]["reference"]
    client.post(
        f"/api/v1/invoices/{paid_ref}/cash-payments", headers=staff, json={"amount": 100000}
    )
    changed = client.patch(
        f"/api/v1/fee-plans/{plan['id']}",
        headers=staff,
        json={"lines": [{"item": "Tiền ăn", "kind": "meals", "amount": 750000}]},
    )
    assert changed.status_code == 200 and changed.json["total_amount"] == 750000
    totals = {
        i["reference"]: i["total_amount"]
        for i in client.get("/api/v1/invoices?school=THCS-A", headers=staff).json["items"]
    }
    assert set(totals.values()) == {700000}  # issued invoices did not change silently
    again = client.post(
        f"/api/v1/fee-plans/{plan['id']}/reissue",
        headers=staff,
        json={"reason": "Tăng giá suất ăn"},
    ).json
    assert again == {"voided": 1, "issued": 1, "kept_with_payments": [paid_ref]}
    live = client.get("/api/v1/invoices?school=THCS-A", headers=staff).json["items"]
    assert sorted((i["status"], i["total_amount"]) for i in live) == [
        ("open", 750000),
        ("partially_paid", 700000),
        ("void", 700000),
    ]


def test_an_unmatched_transfer_to_the_school_is_listed_and_assigned(client, session, world):
    school, staff = world
    make_provider(session)
    plan = client.post("/api/v1/schools/THCS-A/fee-plans", headers=staff, json=PLAN).json
    client.post(f"/api/v1/fee-plans/{plan['id']}/issue", headers=staff)
    ref = client.get("/api/v1/invoices?school=THCS-A", headers=staff).json["items"][0]["reference"]
    body, headers = generic_notification(
        SECRET,
        txn="NOREF",
        amount=700000,
        account=school.account_number,
        description="NGUYEN VAN BINH chuyen tien",
    )
    pid = client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers).json[
        "payment_id"
    ]
    unmatched = client.get("/api/v1/payments?status=unmatched", headers=staff).json["items"]
    assert [p["id"] for p in unmatched] == [pid]
    assert unmatched[0]["payee"] == {"type": "school", "id": school.id}
    assigned = client.post(
        f"/api/v1/payments/{pid}/assign", headers=staff, json={"invoice_reference": ref}
    )
    assert assigned.status_code == 200 and assigned.json["target"]["reference"] == ref
    assert client.get(f"/api/v1/invoices/{ref}", headers=staff).json["status"] == "paid"
    assert client.get(f"/api/v1/payments/{pid}/receipt.pdf", headers=staff).status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"item": "x", "kind": "meals", "amount": 0}]}, "lines"),
        ({"lines": [{"item": "x", "kind": "meals", "amount": -5}]}, "lines"),
        ({"lines": [{"item": "x", "kind": "fees", "amount": 5}]}, "lines"),
        ({"classes": ["9Z9"]}, "classes"),
        ({"school_year": "2025-2027"}, "school_year"),
        ({"due_date": "31/12/2025"}, "due_date"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_fee_plans_are_422_and_write_nothing(client, session, world, change, field):
    _, staff = world
    response = client.post("/api/v1/schools/THCS-A/fee-plans", headers=staff, json=PLAN | change)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert count(session, FeePlan) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"percent": 101, "reason": "x"},
        {"percent": 0, "reason": "x"},
        {"amount": -1, "reason": "x"},
        {"percent": 50, "amount": 100, "reason": "x"},
        {"reason": "x"},
        {"percent": 50},
        {"percent": 50.5, "reason": "x"},
        {"percent": 50, "kinds": ["fees"], "reason": "x"},
        {"percent": 50, "reason": "x", "valid_from": "2025-10-01", "valid_to": "2025-09-01"},
    ],
)
def test_bad_exemptions_are_422_and_write_nothing(client, session, world, body):
    _, staff = world
    student = session.scalars(select(Student)).first()
    response = client.post(f"/api/v1/students/{student.id}/exemptions", headers=staff, json=body)
    assert response.status_code == 422, response.json
    assert count(session, Exemption) == 0


@pytest.mark.parametrize("amount", [0, -100, 10**13, 12.5, "100"])
def test_bad_cash_amounts_are_422(client, session, world, amount):
    _, staff = world
    plan = client.post("/api/v1/schools/THCS-A/fee-plans", headers=staff, json=PLAN).json
    client.post(f"/api/v1/fee-plans/{plan['id']}/issue", headers=staff)
    ref = session.scalars(select(Invoice.reference)).first()
    response = client.post(
        f"/api/v1/invoices/{ref}/cash-payments", headers=staff, json={"amount": amount}
    )
    assert response.status_code == 422 and "amount" in response.json["errors"]


def test_schools_are_kept_apart_and_other_roles_refused(client, session, world):
    school, staff = world
    other = make_school(session, code="THCS-B")
    other_staff = bearer(make_user(session, "school_admin", school_id=other.id)[1])
    plan = client.post("/api/v1/schools/THCS-A/fee-plans", headers=staff, json=PLAN).json
    client.post(f"/api/v1/fee-plans/{plan['id']}/issue", headers=staff)
    ref = session.scalars(select(Invoice.reference)).first()
    assert client.get(f"/api/v1/invoices/{ref}", headers=other_staff).status_code == 404
    assert (
        client.post(f"/api/v1/fee-plans/{plan['id']}/issue", headers=other_staff).status_code == 404
    )
    assert client.get("/api/v1/schools/THCS-A/outstanding", headers=other_staff).status_code == 403
    assert client.get("/api/v1/invoices?school=THCS-B", headers=other_staff).json["items"] == []
    for role in ("bank_staff", "vendor", "market_manager"):
        scope = {}
        if role != "bank_staff":
            from tests.factories import make_market, make_vendor

            market = make_market(session)
            scope = {"market_id": market.id}
            if role == "vendor":
                scope["vendor_id"] = make_vendor(session, market).id
        token = bearer(make_user(session, role, **scope)[1])
        assert client.get(f"/api/v1/invoices/{ref}", headers=token).status_code == 403
        assert (
            client.post("/api/v1/schools/THCS-A/fee-plans", headers=token, json=PLAN).status_code
            == 403
        )
    assert client.post("/api/v1/schools", headers=staff, json={}).status_code == 403
