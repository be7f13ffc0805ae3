"""The market manager's walk in Chromium at 390 px and 1366 px: open a vendor, suspend it with
a reason (the history says so), print the market's placards two a page while the page shows
the build's progress, and every QR of the PDF decodes to an active vendor's account."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from market.db import get_db
from market.migrate import upgrade
from market.users import create_user
from payments.qr.vietqr import parse
from tests.browser import WIDTHS, check_screen, live_server, screen_page
from tests.factories import make_market, make_vendor
from tests.market.test_screens import sign_in
from tests.payments.qr.test_placard import pdf_pages
from vendors.models import Vendor

PASSWORD = "mat-khau-dai-1"
VENDORS = 40  # enough for the progress to show


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A live app on its own database, drawing placards in a thread as in production."""
    from market import create_app

    folder = tmp_path_factory.mktemp("vendor-screens")
    url = f"sqlite:///{folder / 'vendors.db'}"
    upgrade(url)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "vendor-screens",
            "DATABASE_URL": url,
            "PLACARD_BUILD_IN_THREAD": True,
            "PLACARD_FOLDER": str(folder / "placards"),
        }
    )
    with app.app_context(), get_db().session_scope() as session:
        market = make_market(session, code="CHO-VINHLONG", name="Chợ Vĩnh Long")
        for n in range(VENDORS):
            make_vendor(session, market, stall=f"A-{n + 1:03d}", status="active")
        for width in WIDTHS:
            create_user(
                session,
                username=f"hoa.{width}",
                role="market_manager",
                market_id=market.id,
                password=PASSWORD,
            )
    with live_server(app) as base:
        yield app, base
    app.extensions["db"].engine.dispose()


def active_accounts(app) -> list[str]:
    with app.app_context(), get_db().session_scope() as session:
        stmt = select(Vendor.account_number).where(Vendor.status == "active")
        return list(session.scalars(stmt.order_by(Vendor.stall)))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_manager_suspends_a_vendor_and_prints_the_markets_placards(served, width, tmp_path):
    app, base = served
    stall = "A-001" if width == "phone" else "A-002"
    with screen_page(width) as page:
        sign_in(page, base, f"hoa.{width}", PASSWORD)
        assert page.url == f"{base}/markets/CHO-VINHLONG"  # a manager starts at the market
        with app.app_context(), get_db().session_scope() as session:
            account = session.scalar(select(Vendor.account_number).where(Vendor.stall == stall))
        page.fill("#q", stall)
        row = page.locator("#vendor-results tr", has_text=stall)
        expect(page.locator("#vendor-results tbody tr")).to_have_count(1)
        row.get_by_role("link").click()
        page.wait_for_url("**/vendors/*")
        expect(page.locator("h1")).to_contain_text(f"sạp {stall}")
        assert "•••••••••" in page.locator(".facts").inner_text()  # the national ID masked
        check_screen(page, f"{width}-vendor")

        page.fill("#reason-suspend", "Nợ phí chợ tháng 11")
        page.get_by_role("button", name="Tạm ngưng", exact=True).click()
        page.wait_for_selector(".flash")
        assert "Đã tạm ngưng tiểu thương" in page.locator(".flash").inner_text()
        history = page.locator("table.history").inner_text()
        assert f"hoa.{width} đã tạm ngưng bán hàng" in history
        assert "Lý do: Nợ phí chợ tháng 11." in history
        expect(page.get_by_role("heading", name="Trạng thái: Tạm ngưng")).to_be_visible()
        check_screen(page, f"{width}-vendor-suspended")

        page.get_by_role("link", name="Chợ Vĩnh Long").first.click()
        page.get_by_role("link", name="In mã QR").click()
        page.wait_for_url("**/markets/CHO-VINHLONG/placards")
        check_screen(page, f"{width}-placards")
        page.get_by_label("2 placard một trang").check()
        page.get_by_label("Tất cả tiểu thương đang hoạt động").check()
        page.get_by_role("button", name="Tải file PDF").click()
        expect(page.locator(".build-status")).to_contain_text("placard", timeout=10_000)
        link = page.locator("a[data-download]")
        expect(link).to_be_visible(timeout=120_000)
        expect(page.locator(".build-status")).to_contain_text("Xong")
        check_screen(page, f"{width}-placards-done")
        with page.expect_download() as caught:
            link.click()
        saved = tmp_path / "placards.pdf"
        caught.value.save_as(saved)

    pages = pdf_pages(saved.read_bytes())
    assert all(len(codes) <= 2 for codes, _ in pages)
    decoded = [parse(code).account_number for codes, _ in pages for code in codes]
    assert decoded == active_accounts(app)  # by stall; the suspended vendors left out
    assert account not in decoded and len(decoded) < VENDORS
