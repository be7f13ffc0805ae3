"""The school accountant's flow in Chromium at a phone's 390 px and an office PC's 1366 px:
import a class with one bad row and fix it, give a student 50 % off tuition, create and issue a
collection round, give another student an exemption and reissue after seeing its effect,
record cash and open its receipt, give a parent's transfer without the invoice's code to the
child's invoice. Every screen passes axe-core, scrolls no sideways and lands in
build/screenshots/."""

import re

import pytest

from market.db import get_db
from market.migrate import upgrade
from market.users import create_user
from tests.browser import WIDTHS, check_screen, live_server, screen_page
from tests.factories import generic_notification, make_provider, make_school

PASSWORD = "mat-khau-dai-1"
SECRET = "s3cret-s3cret-s3cret"
ACCOUNTS = {"phone": "7770001", "desktop": "7770002"}
HEADER = "Mã học sinh,Họ và tên,Lớp,Ngày sinh,Phụ huynh,SĐT phụ huynh\n"
ROWS = [
    "HS001,Nguyễn Thị Hòa,6A1,05/09/2014,Nguyễn Văn Bình,0912345678",
    "HS002,Trần Văn Bảo,6A1,12/01/2014,Trần Văn Cường,0987 654 321",
    "HS003,Lê Thị Cúc,6A1,,Lê Văn Dũng,09-ABC",
    "HS004,Phạm Minh Đức,6A2,,Phạm Văn Em,0356 111 222",
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A live app on its own database: a school and its accountant for each screen width."""
    from market import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('school') / 'school.db'}"
    upgrade(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "school-screens", "DATABASE_URL": url})
    with app.app_context(), get_db().session_scope() as session:
        make_provider(session, secret=SECRET)
        for width in WIDTHS:
            school = make_school(
                session,
                code=f"THCS-{width.upper()}",
                name="Trường THCS Lê Quý Đôn",
                account_number=ACCOUNTS[width],
            )
            create_user(
                session,
                username=f"ketoan.{width}",
                role="school_admin",
                password=PASSWORD,
                school_id=school.id,
            )
    with live_server(app) as base:
        yield base
    app.extensions["db"].engine.dispose()


def roster(tmp_path, rows: list[str], name: str) -> str:
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def accept_next_question(page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())


@pytest.mark.parametrize("width", WIDTHS)
def test_an_accountant_imports_a_class_sets_an_exemption_issues_a_plan_and_takes_cash(
    served, width, tmp_path
):
    code = f"THCS-{width.upper()}"
    shot = f"{width}-school"
    with screen_page(width) as page:
        page.goto(f"{served}/login")
        page.fill("#username", f"ketoan.{width}")
        page.fill("#password", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url(f"{served}/schools/{code}")
        check_screen(page, f"{shot}-empty")

        # A class list with one bad row: the preview names its row, column and the fix.
        page.get_by_role("link", name="Nhập danh sách lớp").first.click()
        page.wait_for_url("**/students/import")
        check_screen(page, f"{shot}-import")
        page.set_input_files("#file", roster(tmp_path, ROWS, "lop-6.csv"))
        page.get_by_role("button", name="Kiểm tra tệp").click()
        page.wait_for_selector(".row-errors")
        problems = page.locator(".row-errors tbody").inner_text()
        assert "Dòng 4" in problems and "F – SĐT phụ huynh" in problems
        assert "Số điện thoại chỉ gồm chữ số" in problems
        check_screen(page, f"{shot}-import-preview-errors")
        fixed = [row.replace("09-ABC", "0909 123 456") for row in ROWS]
        page.set_input_files("#file", roster(tmp_path, fixed, "lop-6-da-sua.csv"))
        page.get_by_role("button", name="Kiểm tra tệp đã sửa").click()
        page.get_by_role("button", name="Xác nhận nhập 4 học sinh").wait_for()
        assert page.locator(".row-errors").count() == 0
        check_screen(page, f"{shot}-import-preview-clean")
        page.get_by_role("button", name="Xác nhận nhập 4 học sinh").click()
        page.wait_for_url(f"{served}/schools/{code}")
        assert "4 học sinh mới" in page.locator(".flash").inner_text()
        check_screen(page, f"{shot}-students")

        # Search as one types, without accents.
        page.fill("#q", "hoa")
        page.wait_for_url("**q=hoa**")
        results = page.locator("#student-results")
        results.get_by_text("Nguyễn Thị Hòa").wait_for()
        assert "Trần Văn Bảo" not in results.inner_text()
        check_screen(page, f"{shot}-search")

        # 50 % off tuition for Hòa.
        results.get_by_role("link", name="Nguyễn Thị Hòa").click()
        page.wait_for_url("**/students/*")
        check_screen(page, f"{shot}-student")
        page.fill("#percent", "50")
        page.get_by_label("Học phí").check()
        page.fill("#reason", "Học sinh thuộc hộ nghèo")
        page.fill("#legal_basis", "Nghị định 81/2021/NĐ-CP")
        page.get_by_role("button", name="Thêm miễn giảm").click()
        page.wait_for_selector(".flash")
        assert "50%" in page.locator("main").inner_text()
        check_screen(page, f"{shot}-student-exemption")

        # A collection round for class 6A1, issued.
        page.goto(f"{served}/schools/{code}/fee-plans")
        check_screen(page, f"{shot}-plans-empty")
        page.get_by_role("link", name="Tạo đợt thu").first.click()
        page.fill("#name", "Học kỳ I năm học 2026–2027")
        page.fill("#school_year", "2026-2027")
        page.fill("#due_date", "2026-10-15")
        page.get_by_label("6A1").check()
        page.fill("#line-0-item", "Học phí")
        page.fill("#line-0-amount", "1.000.000")
        page.fill("#line-1-item", "Tiền ăn bán trú")
        page.select_option("#line-1-kind", "meals")
        page.fill("#line-1-amount", "600.000")
        check_screen(page, f"{shot}-plan-new")
        page.get_by_role("button", name="Tạo đợt thu").click()
        page.wait_for_url("**/fee-plans/*")
        check_screen(page, f"{shot}-plan")
        accept_next_question(page)
        page.get_by_role("button", name="Phát hành hóa đơn (3)").click()
        page.wait_for_selector(".flash")
        assert "Đã phát hành 3 hóa đơn" in page.locator(".flash").inner_text()
        check_screen(page, f"{shot}-plan-issued")

        # Bảo gets 200.000 ₫ off: his page shows what a reissue would change; it is reissued.
        page.goto(f"{served}/schools/{code}?q=bao")
        page.locator("#student-results").get_by_role("link", name="Trần Văn Bảo").click()
        page.wait_for_url("**/students/*")
        page.get_by_label("Một số tiền cố định").check()
        page.fill("#amount", "200.000")
        page.fill("#reason", "Con thương binh")
        page.get_by_role("button", name="Thêm miễn giảm").click()
        page.wait_for_selector(".flash")
        effect = page.locator("#effect").inner_text()
        assert "1.600.000 ₫" in effect and "1.400.000 ₫" in effect
        check_screen(page, f"{shot}-student-effect")
        page.get_by_role("link", name="Phát hành lại đợt thu").click()
        page.wait_for_url("**/fee-plans/*#reissue")
        assert "1 hóa đơn chưa nộp sẽ có số tiền" in page.locator("#reissue").inner_text()
        check_screen(page, f"{shot}-plan-reissue")
        page.fill("#reason", "Miễn giảm mới cho em Bảo")
        accept_next_question(page)
        page.get_by_role("button", name="Phát hành lại").click()
        page.wait_for_selector(".flash")
        assert (
            "Đã hủy 3 hóa đơn chưa nộp và phát hành 3 hóa đơn mới"
            in page.locator(".flash").inner_text()
        )

        # Hòa's invoice: 500.000 ₫ off tuition; cash received, its receipt opened at once.
        page.goto(f"{served}/invoices?class=6A1&status=open")
        check_screen(page, f"{shot}-invoices")
        page.locator("#invoice-results tr", has_text="Nguyễn Thị Hòa").get_by_role("link").click()
        page.wait_for_url("**/invoices/HP*")
        assert "1.100.000 ₫" in page.locator(".balance").inner_text()
        check_screen(page, f"{shot}-invoice")
        accept_next_question(page)
        page.get_by_role("button", name="Ghi nhận và lập biên lai").click()
        page.wait_for_selector(".receipt-box")
        assert "Biên lai số 2026-2027/000001" in page.locator(".receipt-box").inner_text()
        check_screen(page, f"{shot}-invoice-paid")
        receipt = page.locator("#open-receipt")
        answer = page.request.get(served + receipt.get_attribute("href"))
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.body().startswith(b"%PDF")
        with page.expect_popup() as opened:
            receipt.click()
        assert opened.value.url.endswith("/receipt.pdf")

        page.goto(f"{served}/schools/{code}/outstanding")
        assert "6A2" not in page.locator("main").inner_text()  # no plan for 6A2
        check_screen(page, f"{shot}-outstanding")

        # A parent's transfer without the invoice's code: found by the child's name, assigned.
        body, headers = generic_notification(
            SECRET,
            txn=f"FT-{width}",
            amount=1_400_000,
            account=ACCOUNTS[width],
            description="nop tien hoc cho con",
        )
        sent = page.request.post(
            f"{served}/api/v1/notifications/vqr-generic", data=body, headers=headers
        )
        assert sent.ok, sent.text()
        page.goto(f"{served}/payments/unmatched")
        row = page.get_by_role("row").filter(has_text="1.400.000 ₫")
        row.get_by_role("searchbox").fill("tran van bao")
        row.get_by_role("button", name="Tìm").click()
        page.wait_for_url("**/payments/unmatched?for=*&q=tran+van+bao")
        row.get_by_role("link").first.click()  # the payment's page, to give a reason too
        page.wait_for_url(re.compile(r"/payments/\d+$"))
        page.fill("#q", "tran van bao")
        choice = page.get_by_label("Trần Văn Bảo – 6A1 (HS002)")
        choice.check()
        check_screen(page, f"{shot}-assign-transfer")
        page.fill("#reason", "Phụ huynh em Bảo xác nhận qua điện thoại")
        page.get_by_role("button", name="Gán giao dịch").click()
        page.wait_for_selector(".flash")
        assert "Đã gán giao dịch 1.400.000 ₫" in page.locator(".flash").inner_text()
        check_screen(page, f"{shot}-assigned-transfer")
