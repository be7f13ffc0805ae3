"""The staff login page, in a real browser at phone width."""

import pytest

from market.db import get_db
from market.migrate import upgrade
from market.users import create_user
from tests.browser import live_server, phone_page, screenshot


@pytest.fixture
def served(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    upgrade(url)
    app = make_app(DATABASE_URL=url)
    with app.app_context(), get_db().session_scope() as session:
        create_user(session, username="banbql", role="admin", password="mat-khau-dai-1")
    with live_server(app) as base:
        yield base


def test_a_staff_member_logs_in_on_a_phone(served):
    with phone_page() as page:
        page.goto(f"{served}/login")
        assert page.locator("h1").inner_text() == "Đăng nhập"
        assert page.locator("html").get_attribute("lang") == "vi"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page must not scroll sideways on a phone"
        page.fill("#username", "banbql")
        page.fill("#password", "sai-mat-khau")
        page.click("button[type=submit]")
        assert "Sai tên đăng nhập hoặc mật khẩu" in page.locator("[role=alert]").inner_text()
        page.fill("#username", "banbql")
        page.fill("#password", "mat-khau-dai-1")
        screenshot(page, "login")
        page.click("button[type=submit]")
        page.wait_for_url(f"{served}/")
        assert "Xin chào banbql" in page.locator("main").inner_text()
        screenshot(page, "home-after-login")
