"""A market manager's roster day in Chromium, at a phone's 390 px and an office PC's 1366 px:
upload the board's messy roster, read its row errors, confirm with activation, then find a
vendor by typing her name without accents. Every screen passes axe-core and lands in
build/screenshots/."""

import unicodedata
from pathlib import Path

import pytest

from market.db import get_db
from market.markets.service import get_market
from market.migrate import upgrade
from market.users import create_user
from tests.browser import WIDTHS, check_screen, live_server, screen_page
from tests.factories import make_market, make_school
from vendors.service import register_vendor

PASSWORD = "mat-khau-dai-1"
ROSTER = Path(__file__).resolve().parent.parent / "data" / "fixtures" / "vendors_cho_vinh_long.csv"
CODES = {"phone": "CHO-VINHLONG", "desktop": "CHO-PHUOCHAU"}
NAMES = {"CHO-VINHLONG": "Chợ Vĩnh Long", "CHO-PHUOCHAU": "Chợ Phước Hậu"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A live app on its own database: a market and its manager for each screen width."""
    from market import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('board') / 'board.db'}"
    upgrade(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "board", "DATABASE_URL": url})
    with app.app_context(), get_db().session_scope() as session:
        create_user(session, username="banbql", role="admin", password=PASSWORD)
        make_school(session, code="THCS-LEQUYDON", name="Trường THCS Lê Quý Đôn")
        for width, code in CODES.items():
            market = make_market(session, code=code, name=NAMES[code])
            create_user(
                session,
                username=f"bql.{width}",
                role="market_manager",
                market_id=market.id,
                password=PASSWORD,
            )
    with live_server(app) as base:
        yield app, base
    app.extensions["db"].engine.dispose()


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def register_hoa(app, width: str) -> None:
    """Someone registers Nguyễn Thị Hoa by the API's service, her name in decomposed Unicode."""
    from market.users import User

    with app.app_context(), get_db().session_scope() as session:
        manager = session.query(User).filter_by(username=f"bql.{width}").one()
        details = {
            "stall": "H-001",
            "full_name": unicodedata.normalize("NFD", "Nguyễn Thị Hoa"),
            "phone": "0912000111",
            "bank": "VCB",
            "account_number": "0071000999888",
        }
        market = get_market(session, CODES[width])
        register_vendor(session, actor=manager, market=market, details=details)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_manager_imports_the_roster_and_finds_a_vendor_without_accents(served, width):
    app, base = served
    code = CODES[width]
    with screen_page(width) as page:
        sign_in(page, base, f"bql.{width}")
        page.wait_for_url(f"**/markets/{code}")
        assert "Không có tiểu thương nào" in page.locator("#vendor-results").inner_text()
        check_screen(page, f"{width}-board-market-empty")

        page.get_by_role("link", name="Nhập danh sách").click()
        page.wait_for_url(f"**/markets/{code}/import")
        check_screen(page, f"{width}-board-import")
        picker = page.get_by_role("button", name="Tệp danh sách: Chọn tệp")
        assert picker.inner_text() == "Chọn tệp"  # not the browser's own "Choose File"
        assert page.locator(".file-name").inner_text() == "Chưa chọn tệp nào"
        with page.expect_file_chooser() as chooser:
            picker.click()
        chooser.value.set_files(
            {"name": "ds.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}
        )
        assert page.locator(".file-name").inner_text() == "ds.pdf"
        page.set_input_files(
            "#file", {"name": "to.csv", "mimeType": "text/csv", "buffer": b"a" * (10 * 2**20 + 1)}
        )
        assert "Tệp lớn hơn 10 MB" in page.locator(".file-name").inner_text()
        assert page.evaluate("!document.querySelector('#file').checkValidity()")
        page.set_input_files(
            "#file", {"name": "ds.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}
        )
        page.get_by_role("button", name="Xem trước").click()
        page.wait_for_selector(".error-summary")
        assert "Chỉ nhận tệp CSV hoặc Excel" in page.locator("#file-error").inner_text()
        check_screen(page, f"{width}-board-import-wrong-file")

        page.set_input_files("#file", str(ROSTER))
        page.get_by_role("button", name="Xem trước").click()
        page.wait_for_selector("#row-errors")
        counts = page.locator("#preview-counts").inner_text()
        assert "221" in counts and "188" in counts
        errors = page.locator("#row-errors").inner_text()
        assert "Dòng 42" in errors and "Không nhận ra ngân hàng" in errors
        assert "Dòng 222" in errors and "đã có ở dòng" in errors
        check_screen(page, f"{width}-board-import-preview")

        page.get_by_label("Kích hoạt luôn").check()
        page.get_by_role("button", name="Nhập danh sách").click()
        page.wait_for_url(f"**/markets/{code}")
        flash = page.locator(".flash").inner_text()
        assert flash.startswith("Đã nhập và kích hoạt danh sách: 188 tiểu thương mới")
        assert "Đang hoạt động\n188" in page.locator(".counts-by-status").inner_text()
        check_screen(page, f"{width}-board-market-imported")

        register_hoa(app, width)
        page.reload()
        page.evaluate("window.stillTheSamePage = true")
        page.fill("#q", "nguyen thi hoa")
        page.wait_for_url("**q=nguyen+thi+hoa**")
        results = page.locator("#vendor-results")
        results.get_by_role("link", name="Nguyễn Thị Hoa").wait_for()
        assert "1 tiểu thương" in results.inner_text() and "H-001" in results.inner_text()
        assert "Vietcombank" in results.inner_text()
        assert page.evaluate("window.stillTheSamePage"), "search as you type reloaded the page"
        check_screen(page, f"{width}-board-market-search")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_admin_sees_the_markets_and_schools_and_adds_one_of_each(served, width):
    _app, base = served
    with screen_page(width) as page:
        sign_in(page, base, "banbql")
        page.goto(f"{base}/markets")
        assert "Chợ Vĩnh Long" in page.locator("table.rows").inner_text()
        check_screen(page, f"{width}-board-markets")
        page.fill("#code", "chợ mới")
        page.fill("#name", "Chợ Cái Vồn")
        page.get_by_role("button", name="Thêm chợ").last.click()
        page.wait_for_selector(".error-summary")
        assert "Mã gồm 2 đến 30 chữ in hoa" in page.locator("#code-error").inner_text()
        check_screen(page, f"{width}-board-markets-errors")
        page.fill("#code", f"CHO-CAIVON-{width.upper()}")
        page.get_by_role("button", name="Thêm chợ").last.click()
        page.wait_for_selector(".flash")
        assert "Đã thêm Chợ Cái Vồn" in page.locator(".flash").inner_text()

        page.goto(f"{base}/schools")
        assert "Trường THCS Lê Quý Đôn" in page.locator("table.rows").inner_text()
        page.fill("#code", f"TH-PHUOCHAU-{width.upper()}")
        page.fill("#name", "Trường Tiểu học Phước Hậu")
        page.get_by_role("radio", name="Công lập", exact=True).check()
        page.select_option("#bank", "970436")
        page.fill("#account_number", "0071000123456")
        page.get_by_role("button", name="Thêm trường").last.click()
        page.wait_for_selector(".flash")
        assert "Trường Tiểu học Phước Hậu" in page.locator("table.rows").inner_text()
        check_screen(page, f"{width}-board-schools")
