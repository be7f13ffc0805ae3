"""The payment screens in Chromium at a phone's 390 px and an office PC's 1366 px, as the
market board's admin: find an unmatched transfer, give it to a vendor found by typing part of
her name without accents, close the day, read the settlement; reconcile a statement and import
what the ledger missed. Every screen passes axe-core and lands in build/screenshots/."""

import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from market.clock import VIETNAM
from market.db import get_db
from market.migrate import upgrade
from market.users import create_user
from tests.browser import WIDTHS, check_screen, live_server, screen_page
from tests.factories import generic_notification, make_market, make_provider, make_vendor

PASSWORD = "mat-khau-dai-1"
SECRET = "s3cret-s3cret-s3cret"
DAY = "2026-11-20"


def notify(app, txn: str, amount: int, account: str, description: str, hour: int) -> None:
    body, headers = generic_notification(
        SECRET,
        txn=txn,
        amount=amount,
        account=account,
        description=description,
        occurred_at=f"{DAY}T{hour:02d}:15:00+07:00",
        debit_bin="970422",
        debit_name="TRAN VAN B",
    )
    response = app.test_client().post(
        "/api/v1/notifications/vqr-generic", data=body, headers=headers
    )
    assert response.status_code == 200, response.json


@pytest.fixture
def served(tmp_path):
    """A live app on a database of its own: an admin, a market where two vendors share one
    account, a day of transfers, one to the shared account waiting for a person."""
    from market import create_app

    url = f"sqlite:///{tmp_path / 'payments.db'}"
    upgrade(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "payments", "DATABASE_URL": url})
    with app.app_context(), get_db().session_scope() as session:
        create_user(session, username="banbql", role="admin", password=PASSWORD)
        make_provider(session, fee_fixed=50)
        market = make_market(session, code="CHO-VINHLONG", name="Chợ Vĩnh Long")
        make_vendor(
            session,
            market,
            status="active",
            full_name="Nguyễn Thị Hoa",
            stall="A-01",
            account_number="1110001",
        )
        make_vendor(
            session,
            market,
            status="active",
            full_name="Trần Văn Bình",
            stall="B-07",
            account_number="5550001",
        )
        make_vendor(
            session,
            market,
            status="active",
            full_name="Lê Thị Lan",
            stall="B-08",
            account_number="5550001",
        )
    notify(app, "V1", 100000, "1110001", "mua rau", 7)
    notify(app, "V2", 150000, "5550001", "tien ca loc", 8)
    notify(app, "V3", 42000, "99999999", "CH4 chuyen nham", 9)
    with live_server(app) as base:
        yield base
    app.extensions["db"].engine.dispose()


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", "banbql")
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_admin_assigns_an_unmatched_transfer_closes_the_day_and_reads_it(served, width):
    with screen_page(width) as page:
        sign_in(page, served)
        if width == "phone":
            page.get_by_text("Menu", exact=True).click()
        page.get_by_role("navigation").get_by_role("link", name="Chưa khớp").click()
        page.wait_for_url("**/payments/unmatched")
        listed = page.locator("main").inner_text()
        assert "2 giao dịch chưa khớp" in listed
        assert "Có 2 người nhận cùng đăng ký tài khoản 5550001" in listed
        check_screen(page, f"{width}-payments-unmatched")

        row = page.get_by_role("row").filter(has_text="150.000 ₫")
        page.evaluate("window.stillTheSamePage = true")
        row.get_by_role("searchbox").fill("le thi")
        expect(row.locator(".row-choices")).to_contain_text("Lê Thị Lan")
        expect(row.locator(".row-choices")).not_to_contain_text("Trần Văn Bình")
        assert page.evaluate("window.stillTheSamePage"), "the row's search reloaded the page"
        check_screen(page, f"{width}-payments-unmatched-search")
        row.get_by_role("link").first.click()
        page.wait_for_url(re.compile(r"/payments/\d+$"))
        page.evaluate("window.stillTheSamePage = true")
        page.fill("#q", "lan")
        expect(page.locator("#choices")).to_contain_text("Lê Thị Lan")
        expect(page.locator("#choices")).not_to_contain_text("Trần Văn Bình")
        assert page.evaluate("window.stillTheSamePage"), "search as you type reloaded the page"
        check_screen(page, f"{width}-payments-assign")
        page.get_by_label("Lê Thị Lan").check()
        page.fill("#reason", "Chị Lan xác nhận qua điện thoại")
        page.get_by_role("button", name="Gán giao dịch").click()
        page.wait_for_selector(".flash")
        assert "Đã gán giao dịch 150.000 ₫ cho Lê Thị Lan." in page.locator(".flash").inner_text()
        facts = page.locator(".facts").inner_text()
        assert "Đã khớp" in facts and "Lý do: Chị Lan xác nhận qua điện thoại" in facts
        check_screen(page, f"{width}-payments-assigned")

        page.goto(f"{served}/settlements")
        assert "20/11/2026" in page.locator("main").inner_text()
        check_screen(page, f"{width}-settlements")
        assert page.input_value("#business_date") == "20/11/2026"
        today = f"{datetime.now(VIETNAM).date():%d/%m/%Y}"
        page.fill("#business_date", today)
        page.get_by_role("button", name="Chốt sổ", exact=True).click()
        page.wait_for_selector("[role=alert]")
        assert "chưa qua. Có thể chốt từ" in page.get_by_role("alert").inner_text()
        check_screen(page, f"{width}-settlements-too-early")
        page.fill("#business_date", "20/11/2026")
        page.get_by_role("button", name="Chốt sổ", exact=True).click()
        page.wait_for_url(f"**/settlements/days/{DAY}")
        assert (
            "Đã chốt ngày 20/11/2026: 2 khoản quyết toán, 250.000 ₫."
            in page.locator(".flash").inner_text()
        )
        check_screen(page, f"{width}-settlement-day")
        page.get_by_role("link", name="Lê Thị Lan").click()
        page.wait_for_url("**/settlements/*")
        settled = page.locator("main").inner_text()
        assert "149.950 ₫" in settled and "tien ca loc" in settled
        check_screen(page, f"{width}-settlement")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_admin_reconciles_a_statement_and_imports_what_was_missed(served, width, tmp_path):
    statement = tmp_path / "sao-ke-20-11.csv"
    statement.write_text(
        "transaction_id,amount,credit_bin,credit_account,description,occurred_at\n"
        f"V1,100000,970436,1110001,mua rau,{DAY}T07:15:00+07:00\n"
        f"V2,150500,970436,5550001,tien ca loc,{DAY}T08:15:00+07:00\n"
        f"L1,30000,970436,1110001,mua hanh,{DAY}T10:00:00+07:00\n"
    )
    with screen_page(width) as page:
        sign_in(page, served)
        page.goto(f"{served}/reconciliations")
        check_screen(page, f"{width}-reconciliations")
        page.get_by_role("button", name="Đối soát").click()
        page.wait_for_selector(".error-summary")
        check_screen(page, f"{width}-reconciliations-errors")
        page.select_option("#provider", "vqr-generic")
        page.set_input_files("#file", str(statement))
        page.get_by_role("button", name="Đối soát").click()
        page.wait_for_url("**/reconciliations/*")
        buckets = page.locator(".buckets").inner_text()
        assert "1\nCó trong sao kê, thiếu trong sổ" in buckets and "1\nLệch số tiền" in buckets
        check_screen(page, f"{width}-reconciliation")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Ghi 1 giao dịch còn thiếu vào sổ").click()
        page.wait_for_selector(".flash")
        assert "Đã ghi 1 giao dịch còn thiếu vào sổ" in page.locator(".flash").inner_text()
        check_screen(page, f"{width}-reconciliation-imported")
