"""The foundation's screens in Chromium at a phone's 390 px and an office PC's 1366 px: the
market board's admin keeps the staff accounts, a new accountant replaces a first password,
errors look like the site. Every screen passes axe-core and lands in build/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from market.db import get_db
from market.migrate import upgrade
from market.users import create_user
from tests.browser import WIDTHS, check_screen, live_server, phone_page, screen_page
from tests.factories import make_market, make_school

PASSWORD = "mat-khau-dai-1"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A live app on its own database: an admin, two markets, a school, two staff."""
    from market import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('screens') / 'screens.db'}"
    upgrade(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "screens", "DATABASE_URL": url})
    with app.app_context(), get_db().session_scope() as session:
        create_user(session, username="banbql", role="admin", password=PASSWORD)
        market = make_market(session, code="CHO-VINHLONG", name="Chợ Vĩnh Long")
        make_market(session, code="CHO-PHUOCHAU", name="Chợ Phước Hậu")
        make_school(session, code="THCS-LEQUYDON", name="Trường THCS Lê Quý Đôn")
        create_user(session, username="hoa.nt", role="market_manager", market_id=market.id)
        for width in WIDTHS:
            create_user(session, username=f"bql.{width}", role="market_manager", market_id=1)
        create_user(session, username="nganhang.vl", role="bank_staff", password=PASSWORD)
    with live_server(app) as base:
        yield base
    app.extensions["db"].engine.dispose()


def open_menu(page, width: str) -> None:
    """On a phone the menu opens with its button; on a PC it is always out."""
    if width == "phone":
        page.get_by_text("Menu", exact=True).click()


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def sign_out(page, width: str) -> None:
    open_menu(page, width)
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_admin_creates_an_accountant_who_then_sets_a_password(served, width):
    name = f"ketoan.{width}"
    with screen_page(width) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.goto(served)
        check_screen(page, f"{width}-start-visitor")
        page.goto(f"{served}/login")
        check_screen(page, f"{width}-login")
        sign_in(page, served, "banbql", PASSWORD)
        assert page.url == f"{served}/"
        check_screen(page, f"{width}-start-admin")

        open_menu(page, width)
        page.get_by_role("navigation").get_by_role("link", name="Người dùng").click()
        page.wait_for_url("**/users")
        check_screen(page, f"{width}-people-list")
        page.evaluate("window.stillTheSamePage = true")
        page.fill("#q", "hoa")
        page.wait_for_url("**/users?q=hoa**")
        results = page.locator("#staff-results")
        results.get_by_text("hoa.nt").wait_for()
        assert "nganhang.vl" not in results.inner_text()
        assert page.evaluate("window.stillTheSamePage"), "search as you type reloaded the page"

        page.get_by_role("link", name="Thêm tài khoản").click()
        page.wait_for_url("**/users/new")
        assert page.locator("#school").is_hidden()  # until the role needs a school
        page.get_by_label("Kế toán nhà trường").check()
        assert page.locator("#school").is_visible() and page.locator("#market").is_hidden()
        check_screen(page, f"{width}-people-new")
        page.fill("#username", "Kế toán LQĐ")
        page.get_by_role("button", name="Tạo tài khoản").click()
        page.wait_for_selector(".error-summary")
        assert "Chọn trường" in page.locator(".error-summary").inner_text()
        check_screen(page, f"{width}-people-new-errors")

        page.fill("#username", name)
        page.get_by_label("Kế toán nhà trường").check()
        page.select_option("#school", "THCS-LEQUYDON")
        page.get_by_role("button", name="Tạo tài khoản").click()
        page.wait_for_selector("#first-password")
        first = page.locator("#first-password").inner_text()
        assert re.fullmatch(r"\w{4}-\w{4}-\w{4}", first)
        copy = page.locator("button[data-copy]")
        copy.click()
        expect(copy).to_have_text("Đã chép")
        assert page.evaluate("navigator.clipboard.readText()") == first
        check_screen(page, f"{width}-people-first-password")

        page.get_by_role("link", name="Xem tài khoản").click()
        assert "Chưa đổi mật khẩu lần đầu" in page.locator("main").inner_text()
        check_screen(page, f"{width}-people-detail")
        sign_out(page, width)

        sign_in(page, served, name, first)
        page.wait_for_url("**/password")
        assert page.locator("h1").inner_text() == "Đặt mật khẩu của bạn"
        check_screen(page, f"{width}-password-first")
        page.fill("#current_password", first)
        page.fill("#new_password", "le-quy-don-2026")
        page.fill("#new_password_again", "le-quy-don-2026")
        page.get_by_role("button", name="Lưu mật khẩu mới").click()
        page.wait_for_url(f"{served}/schools/THCS-LEQUYDON")  # the accountant's own start
        assert "Lê Quý Đôn" in page.locator("h1").inner_text()
        check_screen(page, f"{width}-start-school-admin")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_admin_resets_a_password_and_locks_an_account_after_confirming(served, width):
    with screen_page(width) as page:
        sign_in(page, served, "banbql", PASSWORD)
        staff = f"bql.{width}"
        page.goto(f"{served}/users?q={staff}")
        page.get_by_role("link", name=staff).click()
        page.wait_for_load_state()  # else a click before the confirm script asks nothing,
        # and the handler meant for this dialog would answer the next one
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Đặt lại mật khẩu").click()
        page.wait_for_selector("#first-password")
        assert f"Đã đặt lại mật khẩu cho {staff}" in page.locator("h1").inner_text()
        page.get_by_role("link", name="Xem tài khoản").click()
        page.wait_for_load_state()  # the confirm script is on before the button is pressed

        page.once("dialog", lambda dialog: dialog.dismiss())
        page.get_by_role("button", name="Khóa tài khoản").click()
        assert page.get_by_role("button", name="Khóa tài khoản").is_enabled()
        assert "Đã khóa" not in page.locator(".facts").inner_text()  # cancelled: nothing sent
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Khóa tài khoản").click()
        page.wait_for_selector(".flash")
        assert f"Đã khóa tài khoản {staff}" in page.locator(".flash").inner_text()
        assert "Đã khóa" in page.locator(".facts").inner_text()
        check_screen(page, f"{width}-people-detail-locked")


@pytest.mark.parametrize("width", WIDTHS)
def test_error_pages_look_like_the_site_and_speak_vietnamese(served, width):
    with screen_page(width) as page:
        sign_in(page, served, "nganhang.vl", PASSWORD)
        assert page.url.startswith(f"{served}/dashboard")
        answer = page.goto(f"{served}/users")
        assert answer.status == 403
        assert page.locator("h1").inner_text() == "Không có quyền truy cập"
        check_screen(page, f"{width}-error-403")
        answer = page.goto(f"{served}/khong-co-trang-nay")
        assert answer.status == 404
        check_screen(page, f"{width}-error-404")


def test_the_keyboard_reaches_the_content_and_the_phone_menu(served):
    with phone_page() as page:
        sign_in(page, served, "banbql", PASSWORD)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent").startswith("Bỏ qua menu")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.goto(f"{served}/")
        users_link = page.get_by_role("navigation").get_by_role("link", name="Người dùng")
        assert users_link.is_hidden()
        page.focus("summary")
        page.keyboard.press("Enter")
        assert users_link.is_visible()
        check_screen(page, "phone-menu-open")
        page.keyboard.press("Escape")
        assert users_link.is_hidden()
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
        page.keyboard.press("Enter")
        users_link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/users")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A live app on a small seeded province: payments for the dashboard, invoices to pay."""
    import random

    from demo.seed import seed
    from market import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'seeded.db'}"
    upgrade(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "screens", "DATABASE_URL": url})
    random.seed(7)
    with app.app_context(), get_db().session_scope() as session:
        seed(session, vendors_per_market=5)
        create_user(session, username="nganhang.test", role="bank_staff", password=PASSWORD)
    with live_server(app) as base:
        yield base
    app.extensions["db"].engine.dispose()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_parents_page_and_the_dashboard_pass_the_same_checks(seeded, width):
    with screen_page(width) as page:
        page.goto(f"{seeded}/pay")
        check_screen(page, f"{width}-pay")
        page.fill("#school", "THCS-LEQUYDON")
        page.fill("#student", "HS001")
        page.fill("#phone", "5678")
        page.click("form button[type=submit]")
        page.wait_for_selector(".invoice")
        check_screen(page, f"{width}-pay-invoices")
        sign_in(page, seeded, "nganhang.test", PASSWORD)
        page.wait_for_selector(".tile")
        check_screen(page, f"{width}-dashboard")
