"""A vendor's phone signs in by a one-time link: the board makes it (API and page), a preview
robot's GET spends nothing, the phone's confirm spends it once, 24 hours at most; the board
sees the phone and signs it out; suspending or closing the vendor signs every phone out."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from market.users import LoginSession
from tests.factories import bearer, make_market, make_user, make_vendor
from tests.pages import FORM_TOKEN, HTML, form_token_of, signed_in, text_of
from vendors.models import LoginLink
from vendors.sign_in import browser_of

ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)
ZALO_ROBOT = "facebookexternalhit/1.1; Zalo-Link-Preview"


@pytest.fixture
def stall(session):
    market = make_market(session)
    vendor = make_vendor(session, market, status="active")
    manager, token = make_user(session, "market_manager", market_id=market.id)
    return vendor, manager, bearer(token)


def new_link(client, vendor, headers) -> str:
    answer = client.post(f"/api/v1/vendors/{vendor.id}/login-links", headers=headers)
    assert answer.status_code == 201, answer.json
    return answer.json["url"]


def confirm(app, url: str, agent: str = ANDROID):
    """A fresh phone opens the link and presses the one button: (phone, answer)."""
    phone = app.test_client()
    page = phone.get(url, headers=HTML | {"User-Agent": agent})
    assert page.status_code == 200, text_of(page)
    form = {"csrf": form_token_of(page.get_data(as_text=True))}
    return phone, phone.post(url, data=form, headers=HTML | {"User-Agent": agent})


def test_a_link_signs_the_phone_in_once_and_the_robots_preview_spends_nothing(
    app, client, session, stall
):
    vendor, _, headers = stall
    url = new_link(client, vendor, headers)
    assert re.fullmatch(r"http://localhost/stall/login/[\w-]{32}", url)
    token = url.rsplit("/", 1)[1]
    stored = session.scalars(select(LoginLink)).one()
    assert token not in stored.token_hash  # kept hashed
    assert stored.expires_at - stored.created_at == timedelta(hours=24)

    for _ in range(3):  # the messenger's preview robot, twice, and the phone's first look
        robot = app.test_client().get(url, headers={"User-Agent": ZALO_ROBOT})
        assert robot.status_code == 200 and "Đăng nhập" in text_of(robot)
        assert vendor.full_name in text_of(robot)
    phone, signed = confirm(app, url)
    assert signed.status_code == 302 and signed.location == "/stall"
    stall_page = phone.get("/stall", headers=HTML)
    assert stall_page.status_code == 200 and vendor.stall in text_of(stall_page)
    cookie = phone.get_cookie("session")
    assert cookie.expires is not None  # it outlives the browser: 90 days

    again = app.test_client()
    for answer in (again.get(url, headers=HTML), confirm_without_page(again, url)):
        assert answer.status_code == 410
        assert "đã được dùng hoặc đã hết hạn" in text_of(answer)


def confirm_without_page(browser, url):
    with browser.session_transaction() as cookie:
        cookie["csrf"] = FORM_TOKEN
    return browser.post(url, data={"csrf": FORM_TOKEN}, headers=HTML)


def test_an_expired_link_is_refused_and_the_device_lapses_after_90_days(
    app, client, session, stall, time_machine
):
    vendor, _, headers = stall
    time_machine.move_to("2026-11-20 08:00:00+07:00", tick=False)
    stale = new_link(client, vendor, headers)
    fresh = new_link(client, vendor, headers)
    time_machine.move_to("2026-11-21 08:00:01+07:00", tick=False)
    refused = app.test_client().get(stale, headers=HTML)
    assert refused.status_code == 410 and "hết hạn" in text_of(refused)
    time_machine.move_to("2026-11-21 07:59:00+07:00", tick=False)
    phone, _ = confirm(app, fresh)
    time_machine.move_to("2027-02-19 07:58:00+07:00", tick=False)  # 89 days and 23 hours on
    assert phone.get("/stall", headers=HTML).status_code == 200
    time_machine.move_to("2027-02-19 08:00:00+07:00", tick=False)
    assert phone.get("/stall", headers=HTML).location.startswith("/login")


def test_only_the_board_of_the_vendors_market_makes_links(app, client, session, stall):
    vendor, _, headers = stall
    other_manager = bearer(
        make_user(session, "market_manager", market_id=make_market(session).id)[1]
    )
    own = bearer(make_user(session, "vendor", vendor_id=vendor.id, market_id=vendor.market_id)[1])
    path = f"/api/v1/vendors/{vendor.id}/login-links"
    assert client.post(path, headers=other_manager).status_code == 404
    assert client.post(path, headers=own).status_code == 403
    assert client.post(path).status_code == 401
    assert client.post(path, headers=bearer(make_user(session, "admin")[1])).status_code == 201
    pending = make_vendor(session, vendor.market, status="pending")
    refused = client.post(f"/api/v1/vendors/{pending.id}/login-links", headers=headers)
    assert refused.status_code == 410 and refused.json["errors"] == {"status": ["not active"]}


def test_the_board_sees_the_phone_and_signs_it_out(app, client, session, stall):
    vendor, manager, headers = stall
    phone, _ = confirm(app, new_link(client, vendor, headers))
    second, _ = confirm(
        app, new_link(client, vendor, headers), agent="Mozilla/5.0 (iPhone) Safari/604.1"
    )
    board = signed_in(app, session, manager)
    for path in (f"/vendors/{vendor.id}/sign-in", f"/vendors/{vendor.id}"):  # the vendor page too
        page = board.get(path, headers=HTML)
        assert page.status_code == 200
        assert "Điện thoại của tiểu thương" in text_of(page)
        assert "Chrome trên Android" in text_of(page) and "Safari trên iPhone" in text_of(page)
    android = session.scalars(
        select(LoginSession).where(LoginSession.user_agent.like("%Android%"))
    ).one()
    out = board.post(
        f"/vendors/{vendor.id}/devices/{android.id}/sign-out",
        data={"csrf": FORM_TOKEN, "back": f"/vendors/{vendor.id}"},
        headers=HTML,
    )
    assert out.status_code == 302 and out.location == f"/vendors/{vendor.id}"
    assert phone.get("/stall", headers=HTML).location.startswith("/login")
    assert second.get("/stall", headers=HTML).status_code == 200
    assert "Chrome trên Android" not in text_of(board.get(f"/vendors/{vendor.id}/sign-in"))
    # Another market's manager neither sees nor ends them.
    stranger = make_user(session, "market_manager", market_id=make_market(session).id)[0]
    elsewhere = signed_in(app, session, stranger)
    assert elsewhere.get(f"/vendors/{vendor.id}/sign-in", headers=HTML).status_code == 404
    iphone = session.scalars(select(LoginSession).where(LoginSession.ended_at.is_(None))).all()
    for device in iphone:
        refused = elsewhere.post(
            f"/vendors/{vendor.id}/devices/{device.id}/sign-out",
            data={"csrf": FORM_TOKEN},
            headers=HTML,
        )
        assert refused.status_code == 404
    assert second.get("/stall", headers=HTML).status_code == 200


@pytest.mark.parametrize("action", ["suspend", "close"])
def test_suspending_or_closing_the_vendor_signs_every_phone_out(
    app, client, session, stall, action
):
    vendor, _, headers = stall
    phones = [confirm(app, new_link(client, vendor, headers))[0] for _ in range(2)]
    stopped = client.post(
        f"/api/v1/vendors/{vendor.id}/{action}", json={"reason": "Nghỉ bán"}, headers=headers
    )
    assert stopped.status_code == 200
    for phone in phones:
        assert phone.get("/stall", headers=HTML).location.startswith("/login")


def test_the_board_page_makes_a_link_with_its_qr_and_card(app, session, stall):
    vendor, manager, _ = stall
    board = signed_in(app, session, manager)
    made = board.post(
        f"/vendors/{vendor.id}/sign-in-links", data={"csrf": FORM_TOKEN}, headers=HTML
    )
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    html = made.get_data(as_text=True)
    assert 'src="data:image/png;base64,' in html
    url = re.search(r'id="link-url">([^<]+)<', html)[1]
    assert "Quét để đăng nhập" in text_of(made) and vendor.full_name in text_of(made)
    phone, signed = confirm(app, url)
    assert signed.location == "/stall"


def test_the_phone_browser_is_named_from_its_user_agent():
    assert browser_of(ANDROID) == "Chrome trên Android"
    assert browser_of("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Version/17.0 Safari/604.1") == (
        "Safari trên iPhone"
    )
    assert browser_of("Mozilla/5.0 (Linux; Android 12) SamsungBrowser/23.0 Chrome/115") == (
        "Samsung Internet trên Android"
    )
    assert browser_of("Mozilla/5.0 (Linux; Android 11) Zalo/23 Chrome/99") == "Zalo trên Android"
    assert browser_of(None) == "Trình duyệt không rõ"
