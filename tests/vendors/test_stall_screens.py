"""The vendor's phone in Chromium at 390 px: signed in by the board's link, /stall shows each
transfer as the bank's notification lands and says it aloud, once; after a cut line it gets
exactly the two it missed; a charge turns to "Đã nhận"; a spent link and a signed-out phone
are refused. The board's side at 1366 px: the link's QR card and the phones it signed in."""

import json
import re
import urllib.parse
import urllib.request
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from market.db import get_db
from market.migrate import upgrade
from market.users import create_user
from tests.browser import WIDTHS, check_screen, live_server, phone_page, screen_page
from tests.factories import generic_notification, make_market, make_provider, make_vendor
from vendors import sign_in
from vendors.devices import end_devices

SECRET = "s3cret-s3cret-s3cret"
PASSWORD = "mat-khau-dai-1"
# speechSynthesis.speak, spied: what the page asked to say, in order.
SPY = """
window.spoken = [];
if ("speechSynthesis" in window) {
  speechSynthesis.speak = (utterance) => window.spoken.push([utterance.text, utterance.lang]);
}
"""


@pytest.fixture
def served(request, make_app, tmp_path, is_postgres):
    """A live app on a database whose writes commit (PostgreSQL: LISTEN; SQLite: polling)."""
    if is_postgres:
        url = request.getfixturevalue("live_database")
    else:
        url = f"sqlite:///{tmp_path / 'stall.db'}"
        upgrade(url)
    app = make_app(DATABASE_URL=url, SECRET_KEY="stall-screens")
    with app.app_context(), get_db().session_scope() as session:
        make_provider(session)
        market = make_market(session, name="Chợ Vĩnh Long")
        vendor = make_vendor(session, market, status="active", full_name="Trần Thị Mai")
        manager = create_user(
            session,
            username="bql.vl",
            role="market_manager",
            market_id=market.id,
            password=PASSWORD,
        )
        world = {"account": vendor.account_number, "vendor_id": vendor.id, "manager": manager}
    with live_server(app) as base:
        yield app, base, world
        from payments import live

        live.hub_of_app(app).close()


def new_link(app, world) -> str:
    with app.app_context(), get_db().session_scope() as session:
        made = sign_in.create_login_link(
            session, actor=world["manager"], vendor_id=world["vendor_id"]
        )
        return f"/stall/login/{made.token}"


def notify(base: str, account: str, txn: str, amount: int, description: str = "chuyen tien") -> int:
    now = datetime.now(UTC).isoformat()  # today's, so that the day's list keeps it
    body, headers = generic_notification(
        SECRET, txn=txn, amount=amount, account=account, description=description, occurred_at=now
    )
    request = urllib.request.Request(
        f"{base}/api/v1/notifications/vqr-generic", data=body, headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())["payment_id"]


ANDROID = "Mozilla/5.0 (Linux; Android 13; SM-A145F) Chrome/120.0.0.0 Mobile Safari/537.36"


def phone_signs_in(url: str) -> str:
    """A phone's browser opens the link and presses the button; where it lands."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    opener.addheaders = [("User-Agent", ANDROID)]
    html = opener.open(url, timeout=30).read().decode()
    token = re.search(r'name="csrf" value="([^"]+)"', html)[1]
    form = urllib.parse.urlencode({"csrf": token}).encode()
    return opener.open(url, data=form, timeout=30).geturl()


def rows(page) -> list[int]:
    return [
        int(r)
        for r in page.eval_on_selector_all("[data-payment]", "r => r.map(e => e.dataset.payment)")
    ]


def said(page) -> list[str]:
    return [text for text, lang in page.evaluate("window.spoken") if lang == "vi-VN"]


def test_a_vendor_signs_in_by_link_and_hears_each_transfer_once(served):
    app, base, world = served
    link = new_link(app, world)
    with phone_page() as page:
        page.add_init_script(SPY)
        page.goto(base + link)
        expect(page.get_by_role("heading", name="Đăng nhập điện thoại này")).to_be_visible()
        check_screen(page, "phone-stall-confirm")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/stall")
        expect(page.get_by_text("Đang chờ tiền vào")).to_be_visible(timeout=20000)
        check_screen(page, "phone-stall-empty")

        first = [notify(base, world["account"], f"FT-{n}", a) for n, a in ((1, 60000), (2, 45000))]
        expect(page.locator(f'[data-payment="{first[1]}"]')).to_be_visible(timeout=20000)
        expect(page.locator("[data-total]")).to_have_text("105.000 ₫")
        assert rows(page) == first[::-1]
        assert said(page) == ["Đã nhận sáu mươi nghìn đồng", "Đã nhận bốn mươi lăm nghìn đồng"]
        page.wait_for_timeout(6500)  # the large digits fade
        check_screen(page, "phone-stall-live")

        page.evaluate("window.stallEvents.close()")  # the line is cut
        missed = [notify(base, world["account"], f"FT-{n}", 10000 * n) for n in (3, 4)]
        page.wait_for_timeout(1500)
        assert rows(page) == first[::-1]
        page.evaluate("window.stallReconnect()")
        expect(page.locator(f'[data-payment="{missed[1]}"]')).to_be_visible(timeout=20000)
        page.wait_for_timeout(1500)  # nothing more comes, nothing twice
        assert rows(page) == [*missed[::-1], *first[::-1]]
        assert said(page)[2:] == ["Đã nhận ba mươi nghìn đồng", "Đã nhận bốn mươi nghìn đồng"]

        page.get_by_role("button", name="Đọc số tiền: Bật").click()
        expect(page.get_by_role("button", name="Đọc số tiền: Tắt")).to_be_visible()
        notify(base, world["account"], "FT-QUIET", 5000)
        expect(page.locator("[data-payment]")).to_have_count(5, timeout=20000)
        assert len(said(page)) == 4  # switched off: shown, not said
        page.get_by_role("button", name="Đọc số tiền: Tắt").click()

        page.fill("#amount", "45.000")
        page.get_by_role("button", name="Tạo mã QR").click()
        page.wait_for_url("**/stall/charge/CH*")
        reference = page.url.rsplit("/", 1)[1]
        expect(page.get_by_text("Đang chờ tiền vào")).to_be_visible(timeout=20000)
        check_screen(page, "phone-stall-charge")
        notify(base, world["account"], "FT-CH", 45000, description=f"{reference} ck")
        expect(page.get_by_text("Đã nhận 45.000 ₫")).to_be_visible(timeout=20000)
        assert said(page)[-1] == "Đã nhận bốn mươi lăm nghìn đồng"
        check_screen(page, "phone-stall-charge-paid")

        page.goto(base + "/stall/settlements")
        check_screen(page, "phone-stall-settlements")

        page.goto(base + link)  # the link was spent
        expect(page.get_by_text("đã được dùng hoặc đã hết hạn")).to_be_visible()
        check_screen(page, "phone-stall-link-refused")

        with app.app_context(), get_db().session_scope() as session:
            end_devices(session, vendor_id=world["vendor_id"])  # the board signs it out
        page.goto(base + "/stall")
        page.wait_for_url("**/login?next=/stall")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_board_makes_the_link_card_and_sees_the_phone(served, width):
    app, base, world = served
    with screen_page(width) as page:
        page.goto(f"{base}/login")
        page.fill("#username", "bql.vl")
        page.fill("#password", PASSWORD)
        page.click("form button[type=submit]")
        page.goto(f"{base}/vendors/{world['vendor_id']}/sign-in")
        check_screen(page, f"{width}-vendor-sign-in-empty")
        page.get_by_role("button", name="Tạo liên kết đăng nhập").click()
        expect(page.get_by_role("heading", name="Quét để đăng nhập")).to_be_visible()
        check_screen(page, f"{width}-vendor-sign-in-card")
        assert phone_signs_in(page.locator("#link-url").inner_text()).endswith("/stall")
        page.goto(f"{base}/vendors/{world['vendor_id']}/sign-in")
        expect(page.get_by_text("Chrome trên Android")).to_be_visible()
        check_screen(page, f"{width}-vendor-sign-in-devices")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Đăng xuất thiết bị").click()
        expect(page.get_by_text("Chưa có điện thoại nào đăng nhập.")).to_be_visible()
