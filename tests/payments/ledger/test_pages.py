"""The unmatched payments screens: the list with why in Vietnamese, each role's scope, the
search as one types (by stall or name, without accents), assigning and its refusals."""

import pytest
from sqlalchemy import select

from market.audit import AuditEntry
from payments.ledger.models import Payment
from tests.factories import (
    generic_notification,
    make_market,
    make_provider,
    make_school,
    make_student,
    make_user,
    make_vendor,
)
from tests.pages import FORM_TOKEN, HTML, signed_in, text_of

SECRET = "s3cret-s3cret-s3cret"


def pay(client, txn, amount, account, description="chuyen tien", **extra):
    body, headers = generic_notification(
        SECRET, txn=txn, amount=amount, account=account, description=description, **extra
    )
    response = client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["payment_id"]


@pytest.fixture
def world(client, session):
    """Two markets; in the first, two vendors share one account (their transfers wait for a
    person), in the second one vendor does too; and a transfer to nobody's account."""
    make_provider(session)
    mine, theirs = make_market(session, name="Chợ Vĩnh Long"), make_market(session)
    hoa = make_vendor(session, mine, status="active", full_name="Nguyễn Thị Hoa", stall="B-12")
    make_vendor(session, mine, status="active", full_name="Trần Văn Bình", account_number="5550001")
    shared = make_vendor(
        session, mine, status="active", full_name="Lê Thị Lan", account_number="5550001"
    )
    make_vendor(session, theirs, status="active", full_name="Phạm Hoa", account_number="7770001")
    make_vendor(session, theirs, status="active", full_name="Võ An", account_number="7770001")
    payments = {
        "shared": pay(
            client, "U1", 150000, "5550001", "rau cai", debit_bin="970422", debit_name="TRAN VAN B"
        ),
        "theirs": pay(client, "U2", 80000, "7770001"),
        "nobody": pay(client, "U3", 42000, "99999999", "CH4 mua ca"),
    }
    return {"market": mine, "hoa": hoa, "lan": shared, "payments": payments}


def browser_of(app, session, role, **scope):
    return signed_in(app, session, make_user(session, role, **scope)[0])


def test_the_admin_sees_every_unmatched_transfer_with_why_in_vietnamese(app, session, world):
    page = browser_of(app, session, "admin").get("/payments/unmatched", headers=HTML)
    assert page.status_code == 200
    text = text_of(page)
    assert "3 giao dịch chưa khớp" in text
    assert "150.000 ₫" in text and "42.000 ₫" in text
    assert "Có 2 người nhận cùng đăng ký tài khoản 5550001: cần chọn đúng người." in text
    assert "Không có ai đăng ký nhận tiền vào tài khoản 99999999." in text
    assert "MB" in text and "TRAN VAN B" in text  # the payer's bank, by name
    assert "payees hold" not in text


def test_a_manager_sees_only_transfers_to_accounts_of_its_own_market(app, session, world):
    manager = browser_of(app, session, "market_manager", market_id=world["market"].id)
    text = text_of(manager.get("/payments/unmatched", headers=HTML))
    assert "1 giao dịch chưa khớp" in text and "150.000 ₫" in text
    assert "80.000 ₫" not in text and "42.000 ₫" not in text
    for other in ("theirs", "nobody"):
        pid = world["payments"][other]
        assert manager.get(f"/payments/{pid}", headers=HTML).status_code == 404
        form = {"csrf": FORM_TOKEN, "choice": f"vendor_id:{world['hoa'].id}"}
        assert manager.post(f"/payments/{pid}/assign", data=form, headers=HTML).status_code == 404
    school = browser_of(app, session, "school_admin", school_id=make_school(session).id)
    assert "Không có giao dịch nào chưa khớp" in text_of(school.get("/payments/unmatched"))


def test_the_search_finds_vendors_by_name_without_accents_or_by_stall_within_scope(
    app, session, world
):
    pid = world["payments"]["shared"]
    manager = browser_of(app, session, "market_manager", market_id=world["market"].id)
    found = text_of(manager.get(f"/payments/{pid}?q=nguyen thi hoa", headers=HTML))
    assert "Nguyễn Thị Hoa" in found and "Sạp B-12 · Chợ Vĩnh Long" in found
    assert "Phạm Hoa" not in text_of(manager.get(f"/payments/{pid}?q=hoa", headers=HTML))
    assert "Nguyễn Thị Hoa" in text_of(manager.get(f"/payments/{pid}?q=b-12", headers=HTML))
    admin = browser_of(app, session, "admin")
    assert "Phạm Hoa" in text_of(admin.get(f"/payments/{pid}?q=hoa", headers=HTML))
    none = text_of(admin.get(f"/payments/{pid}?q=khong ai ten vay", headers=HTML))
    assert "Không tìm thấy nơi nhận nào cho “khong ai ten vay”" in none
    long = admin.get(f"/payments/{pid}?q=" + "x" * 5000, headers=HTML)
    assert long.status_code == 200


def test_the_lists_row_search_finds_as_one_types_and_assigns_without_javascript(
    app, session, world
):
    pid = world["payments"]["shared"]
    manager = browser_of(app, session, "market_manager", market_id=world["market"].id)
    listed = manager.get("/payments/unmatched", headers=HTML).get_data(as_text=True)
    assert f'data-live-search data-results="#choices-{pid}"' in listed
    assert f'<input type="hidden" name="for" value="{pid}">' in listed
    found = manager.get(f"/payments/unmatched?for={pid}&q=nguyen thi hoa", headers=HTML)
    text = text_of(found)
    assert "1 giao dịch chưa khớp" in text and "Tìm thấy 1 nơi nhận cho “nguyen thi hoa”" in text
    assert "Sạp B-12 · Chợ Vĩnh Long" in text
    html = found.get_data(as_text=True)
    region = html[html.index(f'id="choices-{pid}"') :]
    assert f'action="/payments/{pid}/assign"' in region.split("</td>")[0]
    assert f'value="vendor_id:{world["hoa"].id}"' in region.split("</td>")[0]
    assert 'name="next" value="/payments/unmatched"' in region.split("</td>")[0]
    form = {"csrf": FORM_TOKEN, "choice": f"vendor_id:{world['hoa'].id}", "q": "nguyen thi hoa"}
    done = manager.post(f"/payments/{pid}/assign", data=form | {"next": "/payments/unmatched"})
    assert done.status_code == 302 and done.location == "/payments/unmatched"
    back = text_of(manager.get("/payments/unmatched"))
    assert "Đã gán giao dịch 150.000 ₫ cho Nguyễn Thị Hoa." in back
    assert "Không có giao dịch nào chưa khớp" in back
    again = world["payments"]["theirs"]
    admin = browser_of(app, session, "admin")
    form = {"csrf": FORM_TOKEN, "choice": f"vendor_id:{world['hoa'].id}"}
    away = admin.post(f"/payments/{again}/assign", data=form | {"next": "https://example.org/"})
    # never away from this site: the payment's own page
    assert away.status_code == 302 and away.location == f"/payments/{again}"
    for odd in ("for=abc&q=hoa", f"for={pid}&q=" + "x" * 5000, "for=999999&q=hoa"):
        assert manager.get(f"/payments/unmatched?{odd}", headers=HTML).status_code == 200


def test_assigning_shows_what_matched_and_why_and_is_audited(app, session, world):
    pid = world["payments"]["shared"]
    manager = browser_of(app, session, "market_manager", market_id=world["market"].id)
    form = {"csrf": FORM_TOKEN, "choice": f"vendor_id:{world['lan'].id}", "reason": " đã\x07  gọi "}
    done = manager.post(f"/payments/{pid}/assign", data=form, headers=HTML)
    assert done.status_code == 302 and done.location == f"/payments/{pid}"
    shown = text_of(manager.get(done.location, headers=HTML))
    assert "Đã gán giao dịch 150.000 ₫ cho Lê Thị Lan." in shown
    assert "Đã khớp" in shown and "đã gán giao dịch này bằng tay. Lý do: đã gọi" in shown
    payment = session.get(Payment, pid)
    assert (payment.match_status, payment.payee_id) == ("matched", world["lan"].id)
    assert session.scalar(select(AuditEntry).where(AuditEntry.entity_id == pid)) is not None
    again = manager.post(f"/payments/{pid}/assign", data=form, headers=HTML)
    assert again.status_code == 409
    assert "Giao dịch này đã được gán hoặc đã khớp rồi." in text_of(again)


@pytest.mark.parametrize(
    ("choice", "status", "said"),
    [
        ("", 422, "Chọn nơi nhận trong danh sách tìm được."),
        ("vendor_id:abc", 422, "Không có tiểu thương này."),
        ("vendor_id:99999999999999999999", 422, "Không có tiểu thương này."),
        ("vendor_id:987654321", 404, "Không tìm thấy nơi nhận này"),
        ("no_such_kind:1", 422, "Không gán được cho loại này."),
        ("reference:CHNOSUCH1", 404, "Không tìm thấy nơi nhận này"),
    ],
)
def test_a_refused_assignment_is_said_in_vietnamese_and_changes_nothing(
    app, session, world, choice, status, said
):
    pid = world["payments"]["nobody"]
    admin = browser_of(app, session, "admin")
    refused = admin.post(
        f"/payments/{pid}/assign",
        headers=HTML,
        data={"csrf": FORM_TOKEN, "choice": choice, "q": "hoa"},
    )
    assert refused.status_code == status
    assert said in text_of(refused) and "Nguyễn Thị Hoa" in text_of(refused)
    assert session.get(Payment, pid).match_status == "unmatched"


def test_a_manager_cannot_give_a_transfer_to_another_markets_vendor(app, session, world):
    other = make_vendor(session, make_market(session), status="active")
    manager = browser_of(app, session, "market_manager", market_id=world["market"].id)
    pid = world["payments"]["shared"]
    form = {"csrf": FORM_TOKEN, "choice": f"vendor_id:{other.id}"}
    assert manager.post(f"/payments/{pid}/assign", data=form, headers=HTML).status_code == 404
    assert session.get(Payment, pid).match_status == "unmatched"


def test_a_payment_request_is_found_by_the_start_of_its_reference(app, session, world, client):
    from payments.qr.service import create_payment_request

    hoa = world["hoa"]
    request = create_payment_request(
        session,
        payee_type="vendor",
        payee_id=hoa.id,
        bank_bin=hoa.bank_bin,
        account_number=hoa.account_number,
        amount=42000,
        description="ca loc",
        prefix="CH",
    )
    pid = world["payments"]["nobody"]
    admin = browser_of(app, session, "admin")
    found = text_of(admin.get(f"/payments/{pid}?q={request.reference[:5].lower()}", headers=HTML))
    assert "Yêu cầu thanh toán (mã CH…)" in found and request.reference in found
    manager = browser_of(app, session, "market_manager", market_id=make_market(session).id)
    assert request.reference not in text_of(
        manager.get(f"/payments/{world['payments']['shared']}?q={request.reference}")
    )


def test_a_school_accountant_sees_its_schools_transfers_waiting_for_an_invoice(
    app, session, client, world
):
    school = make_school(session, name="Trường THCS Lê Quý Đôn")
    other = make_school(session)
    pay(client, "S1", 300000, school.account_number, "hoc phi con em")
    pay(client, "S2", 500000, other.account_number, "hoc phi")
    accountant = browser_of(app, session, "school_admin", school_id=school.id)
    text = text_of(accountant.get("/payments/unmatched", headers=HTML))
    assert "1 giao dịch chưa khớp" in text and "300.000 ₫" in text and "500.000 ₫" not in text
    assert "Trường THCS Lê Quý Đôn" in text
    assert f"Tài khoản {school.account_number} là của một trường học." in text
    assert "chưa biết tiền nộp cho khoản nào" in text


def test_a_school_accountant_gives_a_transfer_to_an_invoice_found_by_the_students_name(
    app, session, client, world
):
    from datetime import date

    from tuition.models import Invoice
    from tuition.plans import create_plan, issue_plan

    school = make_school(session, name="Trường THCS Lê Quý Đôn")
    student = make_student(session, school, full_name="Nguyễn Văn An")
    plan = create_plan(
        session,
        school=school,
        details={
            "name": "Học kỳ 2",
            "school_year": "2025-2026",
            "due_date": date(2026, 1, 15),
            "classes": [student.class_name],
            "lines": [{"item": "Học phí", "kind": "tuition", "amount": 300_000}],
        },
    )
    issue_plan(session, actor=make_user(session, "admin")[0], plan_id=plan.id)
    invoice = session.scalars(select(Invoice).where(Invoice.student_id == student.id)).one()
    pid = pay(client, "S1", 300000, school.account_number, "hoc phi chau An")
    accountant = browser_of(app, session, "school_admin", school_id=school.id)
    found = text_of(accountant.get(f"/payments/{pid}?q=nguyen van an", headers=HTML))
    assert "Khoản thu của học sinh (mã HP…)" in found and invoice.reference in found
    assert "Tiểu thương" not in found  # a school accountant gives no money to vendors
    form = {"csrf": FORM_TOKEN, "choice": f"invoice_reference:{invoice.reference}"}
    done = accountant.post(f"/payments/{pid}/assign", data=form, headers=HTML)
    assert done.status_code == 302, text_of(done)
    session.refresh(invoice)
    assert (invoice.paid_amount, invoice.status) == (300_000, "paid")

    invoice.status = "void"  # another transfer for a void invoice is refused in words
    session.flush()
    second = pay(client, "S2", 300000, school.account_number, "hoc phi")
    refused = accountant.post(
        f"/payments/{second}/assign",
        headers=HTML,
        data=form | {"choice": f"invoice_reference:{invoice.reference}"},
    )
    assert refused.status_code == 409
    assert f"Hóa đơn {invoice.reference} đã bị hủy." in text_of(refused)
