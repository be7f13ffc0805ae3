"""The settlement screens: days with their totals, closing a day (after its grace period, in
order) with the refusal said in Vietnamese, a day's settlements, a settlement's payments, CSV;
market managers and school accountants read only their own."""

from datetime import datetime

import pytest

from market.clock import VIETNAM
from payments.settlement.models import BusinessDay, Settlement
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
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=VIETNAM)  # 20 and 21 Nov are over, 22 Nov is not


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW)


def pay(client, txn, amount, account, when):
    body, headers = generic_notification(
        SECRET, txn=txn, amount=amount, account=account, occurred_at=when
    )
    response = client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers)
    assert response.status_code == 200, response.json


@pytest.fixture
def world(client, session):
    make_provider(session, fee_fixed=50)
    mine, theirs = make_market(session), make_market(session)
    hoa = make_vendor(session, mine, status="active", full_name="Nguyễn Thị Hoa")
    other = make_vendor(session, theirs, status="active", full_name="Phạm Văn Tư")
    pay(client, "A1", 100000, hoa.account_number, "2026-11-20T08:00:00+07:00")
    pay(client, "A2", 25000, hoa.account_number, "2026-11-21T08:00:00+07:00")
    pay(client, "B1", 70000, other.account_number, "2026-11-21T12:00:00+07:00")
    pay(client, "A3", 9000, hoa.account_number, "2026-11-22T07:00:00+07:00")
    admin = signed_in(app_of(client), session, make_user(session, "admin")[0])
    return {"market": mine, "hoa": hoa, "admin": admin}


def app_of(client):
    return client.application


def close(browser, day):
    return browser.post(
        "/settlements/close", headers=HTML, data={"csrf": FORM_TOKEN, "business_date": day}
    )


def test_the_days_show_what_waits_and_when_each_may_be_closed(world):
    text = text_of(world["admin"].get("/settlements", headers=HTML))
    assert "20/11/2026 Chờ chốt 1 100.000 ₫" in text
    assert "21/11/2026 Chờ chốt 2 95.000 ₫" in text
    assert "22/11/2026 Chưa hết giờ chờ chốt được từ 23/11/2026 02:00" in text
    assert "Chốt ngày 20/11/2026" in text


def test_closing_out_of_order_or_too_early_is_refused_in_vietnamese(world, session):
    admin = world["admin"]
    out_of_order = close(admin, "2026-11-21")
    assert out_of_order.status_code == 409
    assert (
        "Chưa chốt được ngày 21/11/2026: ngày 20/11/2026 trước đó còn giao dịch chưa chốt. "
        "Các ngày được chốt theo thứ tự, hãy chốt ngày 20/11/2026 trước."
    ) in text_of(out_of_order)
    early = close(admin, "2026-11-22")
    assert early.status_code == 409
    assert (
        "Chưa chốt được ngày 22/11/2026: ngày này và 120 phút chờ giao dịch đến muộn chưa qua. "
        "Có thể chốt từ 23/11/2026 02:00."
    ) in text_of(early)
    for bad in ("", "hôm qua", "2026-02-30", "30/02/2026", "20/11/26", "9" * 30):
        refused = close(admin, bad)
        assert (
            refused.status_code == 422
            and "Nhập một ngày có thật theo dạng ngày/tháng/năm" in text_of(refused)
        )
    assert session.query(BusinessDay).count() == 0


def test_the_day_to_close_is_typed_and_shown_as_day_month_year(world):
    form = world["admin"].get("/settlements", headers=HTML).get_data(as_text=True)
    assert 'id="business_date" name="business_date" type="text"' in form
    assert 'value="20/11/2026"' in form and 'type="date"' not in form
    done = close(world["admin"], " 20/11/2026 ")
    assert done.status_code == 302 and done.location == "/settlements/days/2026-11-20"
    refused = close(world["admin"], "31/11/2026")
    assert refused.status_code == 422 and 'value="31/11/2026"' in refused.get_data(as_text=True)


def test_an_admin_closes_days_in_order_and_reads_each_settlement(world, session):
    admin = world["admin"]
    done = close(admin, "2026-11-20")
    assert done.status_code == 302 and done.location == "/settlements/days/2026-11-20"
    day = text_of(admin.get(done.location, headers=HTML))
    assert "Đã chốt ngày 20/11/2026: 1 khoản quyết toán, 100.000 ₫." in day
    assert "Nguyễn Thị Hoa" in day and "99.950 ₫" in day  # after the provider's 50 ₫ fee
    assert close(admin, "2026-11-21").status_code == 302
    again = close(admin, "2026-11-21")  # closing a closed day changes nothing
    assert again.status_code == 302
    assert session.query(Settlement).count() == 3
    days = text_of(admin.get("/settlements", headers=HTML))
    assert "21/11/2026 Đã chốt 2 95.000 ₫ 94.900 ₫ 2" in days

    settlement = session.query(Settlement).filter_by(payee_id=world["hoa"].id).first()
    page = text_of(admin.get(f"/settlements/{settlement.id}", headers=HTML))
    assert "Nguyễn Thị Hoa" in page and "100.000 ₫" in page and "Chuyển khoản" in page
    csv = admin.get(f"/settlements/{settlement.id}.csv", headers=HTML)
    assert csv.mimetype == "text/csv" and "A1" in csv.get_data(as_text=True)
    day_csv = admin.get("/settlements/days/2026-11-21.csv", headers=HTML)
    assert day_csv.mimetype == "text/csv" and len(day_csv.get_data(as_text=True).splitlines()) == 3


def test_a_manager_reads_only_its_markets_settlements_and_cannot_close(world, session, client):
    admin = world["admin"]
    close(admin, "2026-11-20"), close(admin, "2026-11-21")
    user = make_user(session, "market_manager", market_id=world["market"].id)[0]
    manager = signed_in(client.application, session, user)
    days = text_of(manager.get("/settlements", headers=HTML))
    assert "21/11/2026 Đã chốt 1 25.000 ₫" in days and "Chốt sổ" not in days
    day = text_of(manager.get("/settlements/days/2026-11-21", headers=HTML))
    assert "Nguyễn Thị Hoa" in day and "Phạm Văn Tư" not in day
    theirs = session.query(Settlement).filter(Settlement.payee_id != world["hoa"].id).first()
    assert manager.get(f"/settlements/{theirs.id}", headers=HTML).status_code == 404
    assert manager.get(f"/settlements/{theirs.id}.csv", headers=HTML).status_code == 404
    assert close(manager, "2026-11-22").status_code == 403
    school = make_user(session, "school_admin", school_id=make_school(session).id)[0]
    text = text_of(signed_in(client.application, session, school).get("/settlements"))
    assert "Chưa có ngày nào có giao dịch." in text


def test_a_day_that_is_not_a_date_is_the_404_page(world):
    for day in ("hom-qua", "2026-13-01"):
        assert world["admin"].get(f"/settlements/days/{day}", headers=HTML).status_code == 404


def test_older_closed_days_come_page_after_page(world, session):
    from datetime import timedelta

    from market.db import utcnow
    from market.users import User
    from payments.settlement.days import business_days

    admin = world["admin"]
    close(admin, "2026-11-20"), close(admin, "2026-11-21")
    user = session.query(User).filter_by(role="admin").first()
    first = business_days(session, actor=user, now=utcnow(), grace=timedelta(hours=2), limit=1)
    assert [d.business_date.isoformat() for d in first.closed] == ["2026-11-21"]
    assert first.next_before.isoformat() == "2026-11-21" and len(first.open) == 1
    older = text_of(admin.get("/settlements?before=2026-11-21", headers=HTML)).split("Các ngày")[1]
    assert "20/11/2026 Đã chốt" in older and "21/11/2026" not in older
    assert "22/11/2026" not in older  # open days head the first page only
    assert admin.get("/settlements?before=not-a-day", headers=HTML).status_code == 200
