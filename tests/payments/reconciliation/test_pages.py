"""The reconciliation screens: upload a statement, see each bucket with its lines, import the
missing lines in one click (exactly once); a bad file is said line by line in Vietnamese."""

import io

import pytest
from sqlalchemy import func, select

from payments.ledger.models import Payment
from payments.reconciliation.models import Reconciliation
from tests.factories import (
    generic_notification,
    make_market,
    make_provider,
    make_user,
    make_vendor,
)
from tests.pages import FORM_TOKEN, HTML, signed_in, text_of

SECRET = "s3cret-s3cret-s3cret"
HEADER = "transaction_id,amount,credit_bin,credit_account,description,occurred_at\n"


@pytest.fixture
def world(client, session):
    make_provider(session)
    vendor = make_vendor(session, make_market(session), status="active")
    for txn, amount, hour in (("M1", 1000, 8), ("D1", 2000, 9), ("S1", 3000, 10)):
        body, headers = generic_notification(
            SECRET,
            txn=txn,
            amount=amount,
            account=vendor.account_number,
            occurred_at=f"2026-11-20T{hour:02d}:00:00+07:00",
        )
        assert client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers)
    admin = signed_in(client.application, session, make_user(session, "admin")[0])
    return vendor, admin


def upload(browser, text: str | None, provider="vqr-generic", name="sao-ke.csv"):
    form = {"csrf": FORM_TOKEN, "provider": provider}
    if text is not None:
        form["file"] = (io.BytesIO(text.encode()), name)
    return browser.post(
        "/reconciliations", data=form, headers=HTML, content_type="multipart/form-data"
    )


def test_a_statement_shows_its_buckets_and_the_missing_lines_are_imported_once(world, session):
    vendor, admin = world
    acc = vendor.account_number
    statement = HEADER + "\n".join(
        [
            f"M1,1000,970436,{acc},tien hang,2026-11-20T08:00:00+07:00",
            f"D1,2500,970436,{acc},tien hang,2026-11-20T09:00:00+07:00",
            f"L1,5000,970436,{acc},tien hang ca,2026-11-20T10:30:00+07:00",
            f"L1,5000,970436,{acc},tien hang ca,2026-11-20T10:30:00+07:00",
        ]
    )
    done = upload(admin, statement)
    assert done.status_code == 302, text_of(done)
    page = text_of(admin.get(done.location, headers=HTML))
    for count, bucket in (
        (1, "Khớp"),
        (1, "Có trong sao kê, thiếu trong sổ"),
        (1, "Có trong sổ, thiếu trong sao kê"),
        (1, "Lệch số tiền"),
        (1, "Trùng lặp trong sao kê"),
    ):
        assert f"{count} {bucket}" in page
    assert "2.500 ₫ 2.000 ₫" in page  # the statement's amount beside the ledger's
    assert "Ghi 1 giao dịch còn thiếu vào sổ" in page

    path = done.location + "/import-missing"
    imported = admin.post(path, data={"csrf": FORM_TOKEN}, headers=HTML)
    assert imported.status_code == 302
    said = text_of(admin.get(imported.location, headers=HTML))
    assert "Đã ghi 1 giao dịch còn thiếu vào sổ; 0 đã có." in said
    again = admin.post(path, data={"csrf": FORM_TOKEN}, headers=HTML)
    assert "Đã ghi 0 giao dịch còn thiếu vào sổ; 1 đã có." in text_of(
        admin.get(again.location, headers=HTML)
    )
    assert session.scalar(select(func.count()).where(Payment.provider_txn_id == "L1")) == 1
    runs = text_of(admin.get("/reconciliations", headers=HTML))
    assert "vqr-generic sao-ke.csv 1 1 1 1 1" in runs
    csv = admin.get(done.location + ".csv", headers=HTML)
    assert csv.mimetype == "text/csv" and "L1" in csv.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("not,a,statement\n1,2,3\n", "Dòng tiêu đề (dòng 1) thiếu cột “transaction_id”."),
        (
            HEADER + "T1,-5,970436,0123,x,2026-11-20T08:00:00+07:00\n",
            "Dòng 2, cột “amount”: phải là số tiền nguyên (đồng)",
        ),
        (
            HEADER + "T1,5000,970436,0123,x,hôm qua\n",
            "Dòng 2, cột “occurred_at”: không phải ngày giờ",
        ),
        (
            HEADER + "T1,5000,970436,0123,x,2026-11-20T08:00:00+07:00,thừa\n",
            "Dòng 2 có nhiều ô hơn dòng tiêu đề.",
        ),
        ("", "Dòng tiêu đề (dòng 1) thiếu cột “transaction_id”."),
    ],
)
def test_a_bad_file_is_said_in_vietnamese_and_keeps_nothing(world, session, text, said):
    _, admin = world
    refused = upload(admin, text)
    assert refused.status_code == 422
    assert said in text_of(refused)
    assert "must" not in text_of(refused) and "line" not in text_of(refused)
    assert session.scalar(select(func.count()).select_from(Reconciliation)) == 0


def test_a_missing_file_or_provider_is_said_beside_its_field(world):
    _, admin = world
    assert "Chọn tệp sao kê (CSV) để tải lên." in text_of(upload(admin, None))
    for provider in ("", "nobody"):
        refused = upload(admin, HEADER, provider=provider)
        assert refused.status_code == 422
        assert "Chọn đơn vị cung cấp sao kê trong danh sách." in text_of(refused)


def test_a_file_not_in_utf8_is_said_so(world):
    _, admin = world
    form = {
        "csrf": FORM_TOKEN,
        "provider": "vqr-generic",
        "file": (io.BytesIO(HEADER.encode() + b"T1,5000,970436,0123,Ch\xf5,x\n"), "s.csv"),
    }
    refused = admin.post(
        "/reconciliations", data=form, headers=HTML, content_type="multipart/form-data"
    )
    assert refused.status_code == 422
    assert "Tệp không phải CSV mã UTF-8" in text_of(refused)


def test_an_unknown_run_is_the_404_page(world):
    _, admin = world
    assert admin.get("/reconciliations/987654", headers=HTML).status_code == 404
    missing = admin.post("/reconciliations/987654/import-missing", data={"csrf": FORM_TOKEN})
    assert missing.status_code == 404
