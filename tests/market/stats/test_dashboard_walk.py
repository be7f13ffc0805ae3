"""Bank staff at work in a real browser, on a phone (390 px) and an office PC (1366 px): sign
in, filter the dashboard by a market chosen by name, export the table as CSV; every screen
passes check_screen (no sideways scroll, axe-core, a screenshot)."""

import csv
import io
import random

import pytest

from market.db import get_db
from market.migrate import upgrade
from market.users import create_user
from tests.browser import WIDTHS, check_screen, live_server, screen_page

PASSWORD = "mat-khau-dai-1"
PERIOD = "from=2026-01-01&to=2026-10-31"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A live app on a small seeded province (markets with payments) and a bank staff user."""
    from demo.seed import seed
    from market import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('bank') / 'bank.db'}"
    upgrade(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "bank", "DATABASE_URL": url})
    random.seed(12)
    with app.app_context(), get_db().session_scope() as session:
        seed(session, vendors_per_market=5)
        create_user(session, username="nganhang", role="bank_staff", password=PASSWORD)
    with live_server(app) as base:
        yield base
    app.extensions["db"].engine.dispose()


def table_rows(page) -> list[list[str]]:
    """The figures table as read on screen: body rows, then the total row."""
    rows = page.locator("table.figures").first.locator("tbody tr, tfoot tr")
    return [
        [cell.strip() for cell in rows.nth(i).locator("th, td").all_inner_texts()]
        for i in range(rows.count())
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_bank_staff_filter_by_a_market_and_export_what_they_see(served, width):
    with screen_page(width) as page:
        page.goto(f"{served}/dashboard?{PERIOD}")
        page.wait_for_url("**/login**")
        page.fill("#username", "nganhang")
        page.fill("#password", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_selector(".tile")
        check_screen(page, f"{width}-dashboard-bank")

        page.select_option("#market", label="Chợ Long Hồ")
        page.select_option("#group_by", label="Ví/ngân hàng")
        page.get_by_role("button", name="Xem số liệu").click()
        page.wait_for_url("**market=CHO-LONGHO**")
        assert page.locator("#market option:checked").inner_text() == "Chợ Long Hồ"
        shown = table_rows(page)
        assert shown[-1][0] == "Tổng cộng" and len(shown) >= 2
        assert page.locator(".legend").first.is_visible()
        check_screen(page, f"{width}-dashboard-market")

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Tải bảng CSV").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".csv")
        with open(download.path(), encoding="utf-8-sig") as file:
            exported = list(csv.reader(io.StringIO(file.read())))
        assert exported[0][0] == "Ví/ngân hàng"
        assert [r[0] for r in exported[1:]] == [r[0] for r in shown]
        count = [int(r[1]) for r in exported[1:]]
        assert [int(r[1].replace(".", "")) for r in shown] == count
