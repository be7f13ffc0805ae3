"""/stall on the vendor's phone: today's takings, charging an amount, settled days; and the
live channel /stall/events: each payment once, resumed after Last-Event-ID with exactly the
missed ones, never another vendor's."""

import json
from datetime import UTC, datetime

import pytest

from market.clock import business_date_of
from tests.factories import bearer, generic_notification, make_market, make_provider, make_user
from tests.factories import make_vendor as new_vendor
from tests.pages import FORM_TOKEN, HTML, signed_in, text_of
from vendors.stall import parse_amount, spoken

SECRET = "s3cret-s3cret-s3cret"
NOON = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)  # 12:00 in Vĩnh Long


@pytest.fixture
def market(session, time_machine):
    """A market with a provider, at noon (before anyone signs in: a cookie from the future
    would not count)."""
    time_machine.move_to(NOON, tick=False)
    make_provider(session)
    return make_market(session)


@pytest.fixture
def vendor(session, market):
    return new_vendor(session, market, status="active")


@pytest.fixture
def phone(app, session, vendor):
    """The vendor's phone, signed in."""
    user = make_user(session, "vendor", vendor_id=vendor.id, market_id=vendor.market_id)[0]
    return signed_in(app, session, user)


@pytest.fixture
def short_streams(app, monkeypatch):
    """Streams that answer what they have and end (the browser would reconnect)."""
    monkeypatch.setitem(app.config, "LIVE_STREAM_SECONDS", 0)


def pay(client, vendor, amount: int, txn: str, description: str = "chuyen tien", **extra) -> int:
    body, headers = generic_notification(
        SECRET,
        txn=txn,
        amount=amount,
        account=vendor.account_number,
        bank_bin=vendor.bank_bin,
        description=description,
        occurred_at=extra.pop("occurred_at", NOON.isoformat()),
        debit_bin="970422",
        debit_account="0123456789",
        **extra,
    )
    answer = client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json["payment_id"]


def events_of(response) -> list[tuple[str, int, dict]]:
    """(event, id, data) of each event a stream sent."""
    found = []
    for block in response.get_data(as_text=True).split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in fields:
            found.append((fields["event"], int(fields["id"]), json.loads(fields["data"])))
    return found


def test_today_lists_the_stalls_transfers_newest_first_with_totals(
    client, session, vendor, market, phone
):
    first = pay(client, vendor, 60000, "FT-1")
    second = pay(client, vendor, 45000, "FT-2", description="CH tien rau")
    other = new_vendor(session, market, status="active")
    pay(client, other, 99000, "FT-OTHER")
    page = phone.get("/stall", headers=HTML)
    assert page.status_code == 200
    words = text_of(page)
    assert "105.000 ₫" in words and "2 lần chuyển khoản" in words
    assert "99.000" not in words
    html = page.get_data(as_text=True)
    assert html.index(f'data-payment="{second}"') < html.index(f'data-payment="{first}"')
    assert "MBBank" in words and "CH tien rau" in words and "0123456789" not in words
    assert f'data-events="/stall/events?after={second}"' in html


def test_charging_an_amount_shows_its_qr_and_then_that_it_was_received(
    client, session, vendor, phone
):
    made = phone.post("/stall/charge", data={"csrf": FORM_TOKEN, "amount": "45.000"}, headers=HTML)
    assert made.status_code == 302 and made.location.startswith("/stall/charge/CH")
    reference = made.location.rsplit("/", 1)[1]
    waiting = phone.get(made.location, headers=HTML)
    assert "45.000 ₫" in text_of(waiting) and reference in text_of(waiting)
    assert f'src="/api/v1/payment-requests/{reference}/qr.png"' in waiting.get_data(as_text=True)
    assert client.get(f"/api/v1/payment-requests/{reference}/qr.png").status_code == 200
    pay(client, vendor, 45000, "FT-CH", description=f"{reference} chuyen khoan")
    paid = phone.get(made.location, headers=HTML).get_data(as_text=True)
    assert '<div class="charge-paid" data-paid role="status" >' in paid
    assert "Đã nhận 45.000 ₫" in paid


@pytest.mark.parametrize("typed", ["", "abc", "0", "45,5", "1.00", "-5000", "99999999999999"])
def test_a_wrong_amount_is_refused_on_the_field(phone, typed):
    refused = phone.post("/stall/charge", data={"csrf": FORM_TOKEN, "amount": typed}, headers=HTML)
    assert refused.status_code == 422
    assert "Số tiền" in text_of(refused) and 'aria-invalid="true"' in refused.get_data(as_text=True)


def test_amounts_are_read_as_a_vendor_types_them():
    assert [parse_amount(t) for t in ("45.000", "45000", " 1.250.000 đ", "60 000", "5")] == [
        45000,
        45000,
        1250000,
        60000,
        5,
    ]
    assert spoken(60000) == "Đã nhận sáu mươi nghìn đồng"
    assert spoken(1205000) == "Đã nhận một triệu hai trăm linh năm nghìn đồng"


def test_the_stream_resumes_after_the_last_event_with_exactly_the_missed_ones(
    client, session, vendor, market, phone, short_streams
):
    ids = [pay(client, vendor, 10000 * n, f"FT-{n}") for n in (1, 2, 3, 4)]
    pay(client, new_vendor(session, market, status="active"), 70000, "FT-OTHER")
    resumed = phone.get("/stall/events", headers={"Last-Event-ID": str(ids[1])})
    assert resumed.status_code == 200 and resumed.mimetype == "text/event-stream"
    assert resumed.headers["Cache-Control"] == "no-store"
    sent = events_of(resumed)
    assert [(e, i) for e, i, _ in sent] == [("payment", ids[2]), ("payment", ids[3])]
    assert sent[0][2] | {"occurred_at": None} == {
        "payment_id": ids[2],
        "amount": 30000,
        "occurred_at": None,
        "payer_bank": "MBBank",
        "payer": sent[0][2]["payer"],
        "description": "chuyen tien",
        "reference": None,
        "reverses_id": None,
        "spoken": "Đã nhận ba mươi nghìn đồng",
    }
    assert datetime.fromisoformat(sent[0][2]["occurred_at"]) == NOON
    # A new screen starts after the latest payment; ?after= (the page's last row) wins over it.
    assert events_of(phone.get("/stall/events")) == []
    assert [i for _, i, _ in events_of(phone.get(f"/stall/events?after={ids[0]}"))] == ids[1:]


def test_a_reversal_is_its_own_event(client, session, vendor, market, phone, short_streams):
    paid = pay(client, vendor, 50000, "FT-R")
    manager = bearer(make_user(session, "market_manager", market_id=market.id)[1])
    reversed_ = client.post(
        f"/api/v1/payments/{paid}/reverse", json={"reason": "Nhầm sạp"}, headers=manager
    )
    assert reversed_.status_code in (200, 201), reversed_.json
    sent = events_of(phone.get("/stall/events", headers={"Last-Event-ID": str(paid)}))
    assert [(e, d["reverses_id"], d["amount"]) for e, _, d in sent] == [("reversal", paid, 50000)]


def test_only_a_vendor_opens_a_stream_and_only_its_own(app, client, session, vendor, market):
    pay(client, vendor, 50000, "FT-MINE")
    for role, scope in (
        ("market_manager", {"market_id": make_market(session).id}),
        ("market_manager", {"market_id": market.id}),
        ("admin", {}),
    ):
        board = signed_in(app, session, make_user(session, role, **scope)[0])
        assert board.get("/stall/events", headers=HTML).status_code == 403
        assert board.get(f"/stall/events?vendor_id={vendor.id}&after=0").status_code == 403
    assert app.test_client().get("/stall/events").status_code == 302


def test_business_day_of_noon_is_that_day():
    assert business_date_of(NOON).isoformat() == "2026-11-20"
