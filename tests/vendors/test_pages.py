"""The vendor page: the market board reads a vendor (national ID masked, bank by name, history
in sentences, last payments and settlements) and moves its status with a reason."""

import unicodedata
from datetime import date, datetime

import pytest
from sqlalchemy import select

from market.audit import AuditEntry
from market.clock import VIETNAM
from payments.settlement.service import close_business_day
from tests.factories import (
    generic_notification,
    make_market,
    make_provider,
    make_school,
    make_user,
    make_vendor,
)
from tests.pages import FORM_TOKEN, HTML, signed_in, text_of

SECRET = "s3cret-s3cret-s3cret"


@pytest.fixture
def world(session):
    market = make_market(session, name="Chợ Vĩnh Long")
    vendor = make_vendor(
        session, market, stall="B-07", full_name="Trần Văn Bảy", national_id="086012345678"
    )
    manager = make_user(session, "market_manager", market_id=market.id)[0]
    return market, vendor, manager


def post_status(browser, vendor_id: int, **form):
    return browser.post(
        f"/vendors/{vendor_id}/status", headers=HTML, data={"csrf": FORM_TOKEN} | form
    )


def test_the_board_reads_a_vendor_with_its_national_id_masked_and_its_bank_by_name(
    app, session, world
):
    _, vendor, manager = world
    page = signed_in(app, session, manager).get(f"/vendors/{vendor.id}", headers=HTML)
    assert page.status_code == 200
    words = text_of(page)
    assert "Trần Văn Bảy" in words and "B-07" in words and "Chợ Vĩnh Long" in words
    assert "•••••••••678" in words and "086012345678" not in page.get_data(as_text=True)
    assert "Vietcombank" in words  # BIN 970436 by name
    assert "Chờ kích hoạt" in words
    # A pending vendor may be activated or closed, not suspended; it has no placard yet.
    assert 'value="activate"' in page.get_data(as_text=True)
    assert 'value="close"' in page.get_data(as_text=True)
    assert 'value="suspend"' not in page.get_data(as_text=True)
    assert "placard.pdf" not in page.get_data(as_text=True)
    assert "Chưa có giao dịch nào" in words and "Chưa có ngày nào được quyết toán" in words


def test_activate_then_suspend_with_a_reason_shows_in_the_history_in_words(app, session, world):
    _, vendor, manager = world
    browser = signed_in(app, session, manager)
    activated = post_status(browser, vendor.id, action="activate")
    assert activated.status_code == 302 and activated.location == f"/vendors/{vendor.id}"
    reason = "Nợ phí chợ\r\n  tháng 11 "  # decomposed "ợ" typed on a phone, a line break
    suspended = post_status(
        browser, vendor.id, action="suspend", reason=unicodedata.normalize("NFD", reason)
    )
    assert suspended.status_code == 302
    page = browser.get(f"/vendors/{vendor.id}", headers=HTML)
    words = text_of(page)
    assert "Đã tạm ngưng tiểu thương Trần Văn Bảy (sạp B-07)." in words
    assert "Trạng thái: Tạm ngưng" in words and "Lý do: Nợ phí chợ tháng 11" in words
    who = manager.username
    assert (
        f"{who} đã tạm ngưng bán hàng (Đang hoạt động → Tạm ngưng). Lý do: Nợ phí chợ tháng 11."
        in words
    )
    assert f"{who} đã kích hoạt (Chờ kích hoạt → Đang hoạt động)." in words
    # Newest first: the suspension reads before the activation.
    assert words.index("đã tạm ngưng bán hàng") < words.index("đã kích hoạt (")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "suspend")).one()
    assert (entry.actor_id, entry.reason) == (manager.id, "Nợ phí chợ tháng 11")


def test_an_active_vendors_placard_links_open_with_the_pages_sign_in(app, session, world):
    _, vendor, manager = world
    vendor.status = "active"
    browser = signed_in(app, session, manager)
    page = browser.get(f"/vendors/{vendor.id}", headers=HTML)
    for kind, mimetype in (("png", "image/png"), ("pdf", "application/pdf")):
        link = f"/api/v1/vendors/{vendor.id}/placard.{kind}"
        assert f'href="{link}"' in page.text
        placard = browser.get(link, headers=HTML)
        assert placard.status_code == 200 and placard.mimetype == mimetype
    assert "Đã in 0 lần" in text_of(page)
    assert "Đã in 2 lần" in text_of(browser.get(f"/vendors/{vendor.id}", headers=HTML))


def test_suspending_or_closing_without_a_reason_is_a_vietnamese_form_error(app, session, world):
    _, vendor, manager = world
    vendor.status = "active"
    browser = signed_in(app, session, manager)
    for action in ("suspend", "close"):
        refused = post_status(browser, vendor.id, action=action, reason="   ")
        assert refused.status_code == 422
        assert "Hãy ghi lý do" in text_of(refused)
        assert f'id="reason-{action}" name="reason"' in refused.get_data(as_text=True)
        assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    session.refresh(vendor)
    assert vendor.status == "active"
    long = post_status(browser, vendor.id, action="suspend", reason="x" * 501)
    assert long.status_code == 422 and "dài quá 500 ký tự" in text_of(long)


def test_a_transition_the_state_does_not_allow_is_refused_in_words(app, session, world):
    _, vendor, manager = world
    browser = signed_in(app, session, manager)
    refused = post_status(browser, vendor.id, action="suspend", reason="Thử")
    assert refused.status_code == 409
    assert "không cho phép thao tác này" in text_of(refused)
    assert post_status(browser, vendor.id, action="close", reason="Nghỉ bán").status_code == 302
    page = browser.get(f"/vendors/{vendor.id}", headers=HTML)
    assert "không còn thao tác nào" in text_of(page) and 'name="action"' not in page.text
    again = post_status(browser, vendor.id, action="activate")
    assert again.status_code == 409 and "không cho phép" in text_of(again)
    odd = post_status(browser, vendor.id, action="delete")
    assert odd.status_code == 422 and "Chọn một thao tác" in text_of(odd)


def test_an_unknown_vendor_or_another_markets_vendor_is_the_404_page(app, session, world):
    _, vendor, manager = world
    browser = signed_in(app, session, manager)
    assert browser.get("/vendors/999999", headers=HTML).status_code == 404
    stranger = make_vendor(session, make_market(session))
    missing = browser.get(f"/vendors/{stranger.id}", headers=HTML)
    assert missing.status_code == 404 and "Không tìm thấy trang" in text_of(missing)
    refused = post_status(browser, stranger.id, action="activate")
    assert refused.status_code == 404
    session.refresh(stranger)
    assert stranger.status == "pending"


@pytest.mark.parametrize("role", ["vendor", "school_admin", "bank_staff"])
def test_other_roles_get_the_403_page(app, session, world, role):
    market, vendor, _ = world
    scope = {
        "vendor": {"vendor_id": vendor.id, "market_id": market.id},
        "school_admin": {"school_id": make_school(session).id},
    }
    user = make_user(session, role, **scope.get(role, {}))[0]
    browser = signed_in(app, session, user)
    assert browser.get(f"/vendors/{vendor.id}", headers=HTML).status_code == 403
    assert post_status(browser, vendor.id, action="activate").status_code == 403


def test_last_payments_show_the_payer_masked_and_settlements_by_day(
    app, client, session, world, time_machine
):
    now = datetime(2026, 11, 22, 9, 0, tzinfo=VIETNAM)
    time_machine.move_to(now)
    _, vendor, manager = world
    vendor.status = "active"
    make_provider(session, fee_fixed=50)
    for txn, amount in (("T1", 45000), ("T2", 120000)):
        body, headers = generic_notification(
            SECRET,
            txn=txn,
            amount=amount,
            account=vendor.account_number,
            description=f"mua rau {txn}",
            debit_bin="970415",
            debit_account="0011223344556",
            occurred_at="2026-11-20T09:30:00+07:00",
        )
        answer = client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers)
        assert answer.status_code == 200, answer.json
    admin = make_user(session, "admin")[0]
    close_business_day(session, actor=admin, business_date=date(2026, 11, 20), now=now)
    page = signed_in(app, session, manager).get(f"/vendors/{vendor.id}", headers=HTML)
    words = text_of(page)
    assert "120.000 ₫" in words and "45.000 ₫" in words and "mua rau T2" in words
    assert "VietinBank" in words  # the payer's bank by name
    assert "0011223344556" not in page.text and "4556" in words
    assert "20/11/2026" in words and "165.000 ₫" in words and "164.900 ₫" in words
    assert words.index("mua rau T2") < words.index("mua rau T1")  # newest first
