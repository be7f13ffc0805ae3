"""A parent on the parents' page, in a real browser at phone and PC width: looks up a child,
copies the transfer text and the amount, saves the QR; the provider's signed notification
arrives and the page says the school received it, without a reload, with the receipt."""

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from market.db import get_db
from market.migrate import upgrade
from tests.browser import WIDTHS, check_screen, live_server, screen_page
from tests.factories import make_provider
from tests.tuition.paying import NO_TUITION, SECRET, school_of, transfer
from tuition.invoices import transfer_text
from tuition.models import Invoice

LOADED = "img => img.complete && img.naturalWidth > 0"


@pytest.fixture
def served(make_app, tmp_path):
    """A live app whose school charges meals (half exempted) and insurance: one invoice paid
    already, one due."""
    url = f"sqlite:///{tmp_path / 'pay.db'}"
    upgrade(url)
    app = make_app(DATABASE_URL=url)
    exemption = {"percent": 50, "kinds": ["meals"], "reason": "Hộ cận nghèo"}
    with app.app_context(), get_db().session_scope() as session:
        make_provider(session, secret=SECRET)
        paid = school_of(session, NO_TUITION, exemption=exemption, due="2026-09-15")
        due = school_of(session, NO_TUITION, due="2026-12-15", school=paid.plan.school)
        refs = {"paid": paid.reference, "due": due.reference, "text": transfer_text(due)}
        refs["amount"] = due.balance
    pay(app, refs["paid"], "FT-EARLIER")
    with live_server(app) as base:
        yield app, base, refs


def pay(app, reference: str, txn: str) -> None:
    """The provider's signed notification of the whole balance of an invoice, as it posts it."""
    with app.app_context(), get_db().session_scope() as session:
        invoice = session.scalars(select(Invoice).where(Invoice.reference == reference)).one()
        transfer(app.test_client(), invoice, txn=txn)


def wait_loaded(image) -> None:
    # Polled from here: the page's content policy forbids the eval a page-side wait uses.
    for _ in range(100):
        if image.evaluate(LOADED):
            return
        time.sleep(0.1)
    raise AssertionError("the QR image did not load")


def clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_parent_pays_from_the_same_phone_and_sees_it_received(served, width):
    app, base, refs = served
    with screen_page(width) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page.goto(f"{base}/")
        page.get_by_role("link", name="Nộp tiền cho trường").first.click()
        page.wait_for_url("**/pay")
        check_screen(page, f"{width}-parent-lookup")
        page.fill("#school", "thcs-lqd")
        page.fill("#student", "HS001")
        page.fill("#phone", "5679")  # a wrong digit first
        page.click("form button[type=submit]")
        expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy")
        check_screen(page, f"{width}-parent-not-found")
        page.fill("#phone", "5678")
        page.click("form button[type=submit]")
        due = page.locator(f"#invoice-{refs['due']}")
        wait_loaded(due.locator("img.qr"))
        assert "TRUONG THCS LE QUY DON" in page.locator(".payee").inner_text()
        expect(page.locator("[data-due-count]")).to_have_text("1 khoản cần nộp.")
        earlier = page.locator(f"#invoice-{refs['paid']}")
        assert "miễn giảm 375.000 ₫" in earlier.inner_text()
        expect(
            earlier.get_by_role("link", name="Biên lai số 2026-2027/000001 (PDF)")
        ).to_be_visible()
        check_screen(page, f"{width}-parent-due")

        copy_text = due.locator(f"button[data-copy='#text-{refs['due']}']")
        assert copy_text.inner_text() == "Chép nội dung"
        copy_text.click()
        expect(copy_text).to_have_text("Đã chép")
        assert clipboard(page) == refs["text"] == f"{refs['due']} TIEN AN BH"
        due.get_by_role("button", name="Chép số tiền").click()
        assert clipboard(page) == str(refs["amount"]) == "1259520"
        page.get_by_role("button", name="Chép số tài khoản").click()
        assert clipboard(page) == "0011004455667"
        with page.expect_download() as saved:
            due.get_by_role("link", name="Lưu ảnh mã QR").click()
        assert saved.value.suggested_filename == f"ma-qr-thcs-lqd-{refs['due'].lower()}.png"

        posted = time.monotonic()
        pay(app, refs["due"], "FT-FROM-PHONE")
        status = due.locator("[data-status]")
        expect(status).to_have_text("Nhà trường đã nhận 1.259.520 ₫ · Đã nộp đủ", timeout=8000)
        assert time.monotonic() - posted < 8
        expect(due.locator("[data-pay]")).to_be_hidden()
        expect(due.locator("[data-due]")).to_be_hidden()  # nothing left to pay
        expect(page.locator("[data-due-count]")).to_have_text("không còn khoản nào phải nộp.")
        expect(page.locator(".payee")).to_be_hidden()  # the account is only there to pay
        receipt = due.get_by_role("link", name="Biên lai số 2026-2027/000002 (PDF)")
        expect(receipt).to_be_visible()
        pdf = page.request.get(base + receipt.get_attribute("href"))
        assert pdf.ok and pdf.body().startswith(b"%PDF")
        check_screen(page, f"{width}-parent-paid")
