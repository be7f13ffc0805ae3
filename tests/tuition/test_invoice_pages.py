"""Invoices on the school accountant's pages: by class and status; one invoice with its lines,
payments and balance; cash with its receipt at once; voiding an unpaid one; the class's
payment notices (one A5 page each, every QR decodable); what is still owed; the invoices an
unmatched transfer may be given to."""

from datetime import date

import pypdfium2
import pytest
import zxingcpp
from sqlalchemy import select

from payments.domains import hub_of
from payments.ledger.models import Payment
from payments.qr import vietqr
from tests.factories import bearer, make_school, make_student, make_user
from tests.pages import FORM_TOKEN, HTML, signed_in, text_of
from tuition.models import Invoice, Student
from tuition.plans import add_exemption, create_plan, issue_plan

PLAN = {
    "name": "Học kỳ I",
    "school_year": "2026-2027",
    "due_date": date(2026, 10, 15),
    "classes": ["6A1", "7B"],
    "lines": [
        {"item": "Học phí", "kind": "tuition", "amount": 1_000_000},
        {"item": "Tiền ăn", "kind": "meals", "amount": 600_000},
    ],
}


@pytest.fixture
def world(app, session):
    school = make_school(session, code="THCS-LQD", name="Trường THCS Lê Quý Đôn")
    hoa = make_student(session, school, full_name="Nguyễn Thị Hòa", name_folded="nguyen thi hoa")
    make_student(session, school, full_name="Trần Văn Bảo", name_folded="tran van bao")
    make_student(session, school, class_name="7B", full_name="Lê Cúc", name_folded="le cuc")
    add_exemption(
        session, student=hoa, details={"percent": 50, "kinds": ["tuition"], "reason": "x"}
    )
    user = make_user(session, "school_admin", school_id=school.id)[0]
    plan = create_plan(session, school=school, details=PLAN)
    issue_plan(session, actor=user, plan_id=plan.id)
    return school, user, signed_in(app, session, user)


def invoice_of(session, name: str) -> Invoice:
    return session.scalars(select(Invoice).join(Student).where(Student.full_name == name)).one()


def test_the_list_filters_by_class_and_status_and_offers_the_class_notices(world, session):
    _, _, browser = world
    page = text_of(browser.get("/invoices?class=lớp 6a1", headers=HTML))
    assert "2 hóa đơn lớp 6A1" in page and "Lê Cúc" not in page
    assert "In thông báo nộp tiền lớp 6A1 (PDF)" in page
    assert "Không có hóa đơn nào" in text_of(browser.get("/invoices?status=paid", headers=HTML))
    # A status that does not exist filters nothing rather than failing.
    assert "3 hóa đơn" in text_of(browser.get("/invoices?status=weird&plan=x", headers=HTML))


def test_cash_is_recorded_and_its_receipt_opens_at_once(world, session):
    _, _, browser = world
    hoa = invoice_of(session, "Nguyễn Thị Hòa")
    page = text_of(browser.get(f"/invoices/{hoa.reference}", headers=HTML))
    assert "Học phí 1.000.000 ₫ 500.000 ₫ 500.000 ₫" in page  # the exemption on its line
    assert "Còn phải nộp 1.100.000 ₫" in page
    paid = browser.post(
        f"/invoices/{hoa.reference}/cash",
        headers=HTML,
        data={"csrf": FORM_TOKEN, "amount": "600.000", "note": "Mẹ em Hòa"},
    )
    assert paid.status_code == 302
    shown = browser.get(paid.location, headers=HTML)
    words = text_of(shown)
    assert "Đã ghi nhận tiền mặt và lập biên lai" in words
    assert "Biên lai số 2026-2027/000001" in words and "còn phải nộp 500.000 ₫" in words
    payment = session.scalars(select(Payment).where(Payment.method == "cash")).one()
    assert f'href="/api/v1/payments/{payment.id}/receipt.pdf"' in shown.get_data(as_text=True)
    pdf = browser.get(f"/api/v1/payments/{payment.id}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Nộp một phần" in text_of(browser.get(f"/invoices/{hoa.reference}", headers=HTML))


@pytest.mark.parametrize("amount", ["", "0", "năm trăm", "-5"])
def test_a_wrong_cash_amount_is_refused_on_the_form(world, session, amount):
    _, _, browser = world
    hoa = invoice_of(session, "Nguyễn Thị Hòa")
    answer = browser.post(
        f"/invoices/{hoa.reference}/cash", headers=HTML, data={"csrf": FORM_TOKEN, "amount": amount}
    )
    assert answer.status_code == 422 and "Nhập số tiền đã thu" in text_of(answer)
    assert session.scalars(select(Payment)).all() == []


def test_an_unpaid_invoice_is_voided_with_a_reason_and_then_takes_no_cash(world, session):
    _, _, browser = world
    bao = invoice_of(session, "Trần Văn Bảo")
    no_reason = browser.post(
        f"/invoices/{bao.reference}/void", headers=HTML, data={"csrf": FORM_TOKEN}
    )
    assert no_reason.status_code == 422 and "Ghi lý do hủy" in text_of(no_reason)
    voided = browser.post(
        f"/invoices/{bao.reference}/void",
        headers=HTML,
        data={"csrf": FORM_TOKEN, "reason": "Chuyển trường"},
    )
    assert voided.status_code == 302
    session.refresh(bao)
    assert (bao.status, bao.void_reason) == ("void", "Chuyển trường")
    page = text_of(browser.get(voided.location, headers=HTML))
    assert "Đã hủy – Chuyển trường" in page and "Thu tiền mặt" not in page
    cash = browser.post(
        f"/invoices/{bao.reference}/cash", headers=HTML, data={"csrf": FORM_TOKEN, "amount": "1000"}
    )
    assert cash.status_code == 409 and "đã hủy" in text_of(cash)


def test_an_invoice_with_payments_cannot_be_voided(world, session):
    _, _, browser = world
    hoa = invoice_of(session, "Nguyễn Thị Hòa")
    browser.post(
        f"/invoices/{hoa.reference}/cash", headers=HTML, data={"csrf": FORM_TOKEN, "amount": "1000"}
    )
    answer = browser.post(
        f"/invoices/{hoa.reference}/void", headers=HTML, data={"csrf": FORM_TOKEN, "reason": "x"}
    )
    assert answer.status_code == 409 and "đã có tiền nộp nên không hủy được" in text_of(answer)


def _pages(data: bytes) -> list:
    document = pypdfium2.PdfDocument(data)
    try:
        found = []
        for page in document:
            text = page.get_textpage()
            words = " ".join(text.get_text_range().split())
            text.close()
            image = page.render(scale=3).to_pil()
            found.append((page.get_size(), words, zxingcpp.read_barcodes(image)))
        return found
    finally:
        document.close()


def test_a_classs_notices_are_one_a5_page_each_with_a_qr_that_decodes(world, session, client):
    school, _, browser = world
    answer = browser.get("/api/v1/schools/THCS-LQD/invoices.pdf?class=6a1")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    pages = _pages(answer.data)
    assert len(pages) == 2
    for (width, height), words, codes in pages:
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (148, 210)
        assert "THÔNG BÁO NỘP TIỀN" in words
        (code,) = codes
        parsed = vietqr.parse(code.text)
        reference = parsed.purpose.split()[0]
        invoice = session.scalars(select(Invoice).where(Invoice.reference == reference)).one()
        assert reference in words and invoice.student.class_name == "6A1"
        assert parsed.account_number == school.account_number
        assert parsed.amount == invoice.balance
    assert "Nguyễn Thị Hòa" in pages[0][1] and "−500.000 ₫" in pages[0][1]
    assert "Trần Văn Bảo" in pages[1][1]
    assert browser.get("/api/v1/schools/THCS-LQD/invoices.pdf").status_code == 422
    assert browser.get("/api/v1/schools/THCS-LQD/invoices.pdf?class=!!").status_code == 422
    empty = _pages(browser.get("/api/v1/schools/THCS-LQD/invoices.pdf?class=9Z").data)
    assert len(empty) == 1 and "Không có hóa đơn nào" in empty[0][1]


def test_the_outstanding_page_sums_by_class_and_offers_csv_and_xlsx(world, session):
    _, _, browser = world
    page = browser.get("/schools/THCS-LQD/outstanding", headers=HTML)
    words = text_of(page)
    assert "6A1 2 2.700.000 ₫" in words and "7B 1 1.600.000 ₫" in words
    assert "Cả trường 3 4.300.000 ₫" in words
    html = page.get_data(as_text=True)
    for kind in ("csv", "xlsx"):
        link = f"/api/v1/schools/THCS-LQD/outstanding?format={kind}"
        assert f'href="{link}"' in html
        download = browser.get(link)
        assert (
            download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
        )


def test_an_unmatched_transfer_finds_invoices_of_the_users_school_by_name_or_code(
    world, app, session
):
    school, user, _ = world
    search = hub_of(session).searches["invoice_reference"]
    found = search(session, user, "hoa", 10)
    assert [c.label for c in found] == [
        "Nguyễn Thị Hòa – 6A1 (" + invoice_of(session, "Nguyễn Thị Hòa").student.student_code + ")"
    ]
    assert "1.100.000 ₫" in found[0].detail
    bao = invoice_of(session, "Trần Văn Bảo")
    assert [c.value for c in search(session, user, bao.student.student_code.lower(), 10)] == [
        bao.reference
    ]
    assert [c.value for c in search(session, user, bao.reference.lower(), 10)] == [bao.reference]
    assert search(session, user, "  ", 10) == []
    other = make_school(session)
    stranger = make_user(session, "school_admin", school_id=other.id)[0]
    assert search(session, stranger, "hoa", 10) == []


def test_other_schools_and_roles_see_no_invoice(world, app, session):
    school, _, _ = world
    hoa = invoice_of(session, "Nguyễn Thị Hòa")
    other = make_school(session)
    stranger = signed_in(app, session, make_user(session, "school_admin", school_id=other.id)[0])
    assert stranger.get(f"/invoices/{hoa.reference}", headers=HTML).status_code == 404
    assert stranger.get("/invoices?school=THCS-LQD", headers=HTML).status_code == 403
    assert stranger.get("/schools/THCS-LQD/outstanding", headers=HTML).status_code == 403
    token = bearer(make_user(session, "school_admin", school_id=other.id)[1])
    assert (
        stranger.get("/api/v1/schools/THCS-LQD/invoices.pdf?class=6A1", headers=token).status_code
        == 403
    )
