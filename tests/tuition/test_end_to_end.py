"""A school's term from class list to outstanding report, with every kind of payment."""

import io

import pypdfium2
import pytest
import zxingcpp
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from payments.qr.vietqr import parse
from tests.factories import bearer, generic_notification, make_provider, make_user
from tuition.models import Receipt, School

SECRET = "s3cret-s3cret-s3cret"
ROSTER = """Mã học sinh,Họ và tên,Lớp,Ngày sinh,Phụ huynh,SĐT phụ huynh
HS001,Nguyễn Văn An,6A1,05/09/2014,Nguyễn Văn Bình,0912 345 678
HS002,Trần Thị Bích,6A1,12/01/2014,Trần Văn Cường,+84 987 654 321
HS003,Lê Hoàng Châu,6A2,2014-03-30,Lê Thị Dung,0903-111-222
HS004,Phạm Minh Đức,6A2,,Phạm Văn Em,(0934) 555666
HS005,Võ Thị Giang,6A2,01/01/2014,Võ Văn Hải,0868 777 888
"""
TUITION, MEALS, INSURANCE = 1_234_567, 700_000, 563_220


@pytest.fixture
def school(client, session):
    admin = bearer(make_user(session, "admin")[1])
    body = {
        "code": "THCS-LQD",
        "name": "Trường THCS Lê Quý Đôn",
        "type": "private",
        "bank": "VCB",
        "account_number": "0011 0012 34567",
        "address": "Phường Thanh Đức",
    }
    response = client.post("/api/v1/schools", json=body, headers=admin)
    assert response.status_code == 201, response.json
    school = session.scalars(select(School)).one()
    staff = bearer(make_user(session, "school_admin", school_id=school.id)[1])
    make_provider(session)
    return school, staff


def import_roster(client, staff, text=ROSTER):
    return client.post(
        "/api/v1/schools/THCS-LQD/students/import",
        headers=staff,
        data={"file": (io.BytesIO(text.encode()), "lop6.csv")},
        content_type="multipart/form-data",
    )


def notify(client, txn, amount, account, description):
    body, headers = generic_notification(
        SECRET, txn=txn, amount=amount, account=account, description=description
    )
    response = client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers)
    assert response.status_code == 200
    return response.json["payment_id"]


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    page = document[0]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    textpage.close()
    page.close()
    document.close()
    return " ".join(text.split())


def test_a_term_from_class_list_to_outstanding_report(client, session, school):
    school, staff = school
    imported = import_roster(client, staff).json
    assert (imported["created"], imported["errors"]) == (5, [])
    assert import_roster(client, staff).json["unchanged"] == 5

    plan = client.post(
        "/api/v1/schools/THCS-LQD/fee-plans",
        headers=staff,
        json={
            "name": "Học kỳ I năm học 2025–2026",
            "school_year": "2025–2026",
            "term": "HK1",
            "due_date": "2025-10-15",
            "classes": ["6a1", "6A2"],
            "lines": [
                {"item": "Học phí", "kind": "tuition", "amount": TUITION},
                {"item": "Tiền ăn bán trú", "kind": "meals", "amount": MEALS},
                {"item": "Bảo hiểm y tế", "kind": "insurance", "amount": INSURANCE},
            ],
        },
    )
    assert plan.status_code == 201, plan.json
    students = {s.student_code: s.id for s in school_students(session, school)}
    half = client.post(
        f"/api/v1/students/{students['HS002']}/exemptions",
        headers=staff,
        json={
            "percent": 50,
            "kinds": ["tuition"],
            "reason": "Hộ cận nghèo",
            "legal_basis": "Nghị định 238/2025/NĐ-CP",
        },
    )
    assert half.status_code == 201, half.json
    client.post(
        f"/api/v1/students/{students['HS003']}/exemptions",
        headers=staff,
        json={"percent": 100, "kinds": ["tuition"], "reason": "Con liệt sĩ"},
    )

    plan_id = plan.json["id"]
    assert client.post(f"/api/v1/fee-plans/{plan_id}/issue", headers=staff).json == {
        "issued": 5,
        "skipped": 0,
    }
    assert client.post(f"/api/v1/fee-plans/{plan_id}/issue", headers=staff).json == {
        "issued": 0,
        "skipped": 5,
    }
    invoices = {
        i["student"]["code"]: i
        for i in client.get("/api/v1/invoices?school=THCS-LQD&limit=200", headers=staff).json[
            "items"
        ]
    }
    full = TUITION + MEALS + INSURANCE
    half_tuition = TUITION - (TUITION * 50 + 50) // 100
    assert {code: i["total_amount"] for code, i in invoices.items()} == {
        "HS001": full,
        "HS002": half_tuition + MEALS + INSURANCE,
        "HS003": MEALS + INSURANCE,
        "HS004": full,
        "HS005": full,
    }
    for invoice in invoices.values():
        assert sum(line["amount"] for line in invoice["lines"]) == invoice["total_amount"]

    # every invoice's QR holds the school's account, the balance and the reference
    for invoice in invoices.values():
        image = client.get(invoice["qr_png"], headers=staff)
        (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))
        decoded = parse(code.text)
        assert (decoded.bank_bin, decoded.account_number) == ("970436", "0011001234567")
        assert decoded.amount == invoice["balance"]
        assert decoded.purpose.startswith(invoice["reference"])

    account = "0011001234567"
    first = notify(
        client, "FT1", full, account, f"MBVCB.3278907687.{invoices['HS001']['reference']} hoc phi"
    )
    second = notify(
        client,
        "FT2",
        500_000,
        account,
        f"IBFT {invoices['HS002']['reference'].lower()} nop hoc phi",
    )
    cash = client.post(
        f"/api/v1/invoices/{invoices['HS003']['reference']}/cash-payments",
        headers=staff,
        json={"amount": MEALS + INSURANCE, "note": "Mẹ nộp"},
    )
    assert cash.status_code == 201 and cash.json["method"] == "cash"
    over = notify(
        client, "FT4", full + 100_000, account, f"{invoices['HS004']['reference']} PHAM MINH DUC"
    )

    now = {
        i["student"]["code"]: i
        for i in client.get("/api/v1/invoices?school=THCS-LQD", headers=staff).json["items"]
    }
    assert {c: (i["status"], i["balance"], i["credit"]) for c, i in now.items()} == {
        "HS001": ("paid", 0, 0),
        "HS002": ("partially_paid", half_tuition + MEALS + INSURANCE - 500_000, 0),
        "HS003": ("paid", 0, 0),
        "HS004": ("overpaid", -100_000, 100_000),
        "HS005": ("open", full, 0),
    }

    numbers = [r.label for r in session.scalars(select(Receipt).order_by(Receipt.number))]
    assert numbers == [f"2025-2026/{n:06d}" for n in range(1, 5)]
    receipt = client.get(f"/api/v1/payments/{second}/receipt.pdf", headers=staff)
    assert receipt.mimetype == "application/pdf"
    text = pdf_text(receipt.data)
    assert "2025-2026/000002" in text and "Trần Thị Bích" in text
    assert "500.000 ₫" in text and "Năm trăm nghìn đồng" in text
    assert "Nộp thừa" in pdf_text(
        client.get(f"/api/v1/payments/{over}/receipt.pdf", headers=staff).data
    )
    assert client.get(f"/api/v1/payments/{first}/receipt.pdf", headers=staff).status_code == 200

    report = client.get("/api/v1/schools/THCS-LQD/outstanding", headers=staff).json
    assert [(r["student_code"], r["balance"]) for r in report["items"]] == [
        ("HS002", half_tuition + MEALS + INSURANCE - 500_000),
        ("HS005", full),
    ]
    assert report["items"][0]["days_overdue"] > 0
    assert report["total_balance"] == half_tuition + MEALS + INSURANCE - 500_000 + full
    xlsx = client.get("/api/v1/schools/THCS-LQD/outstanding?format=xlsx", headers=staff)
    book = load_workbook(io.BytesIO(xlsx.data))
    cells = [[c for c in row] for row in book.active.iter_rows(values_only=True)]
    header = next(r for r in cells if "Mã học sinh" in r)
    row = cells[cells.index(header) + 1]
    assert row[header.index("Còn nợ")] == half_tuition + MEALS + INSURANCE - 500_000
    csv = client.get("/api/v1/schools/THCS-LQD/outstanding?format=csv", headers=staff)
    assert "Mã học sinh" in csv.get_data(as_text=True) and "HS005" in csv.get_data(as_text=True)


def school_students(session, school):
    from tuition.models import Student

    return session.scalars(select(Student).where(Student.school_id == school.id)).all()
