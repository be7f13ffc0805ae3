"""Business days close into per-payee settlements that never change."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from payments.ingest import business_date_of
from payments.models import Settlement, SettlementItem
from payments.settlement import close_business_day, day_end
from tests.factories import (
    bearer,
    generic_notification,
    make_market,
    make_provider,
    make_user,
    make_vendor,
)

SECRET = "s3cret-s3cret-s3cret"


@pytest.fixture
def world(session):
    make_provider(session, fee_fixed=50)
    market = make_market(session)
    a = make_vendor(session, market, status="active")
    b = make_vendor(session, market, status="active")
    return a, b, bearer(make_user(session, "admin")[1])


def pay(client, txn, amount, account, when):
    body, headers = generic_notification(
        SECRET, txn=txn, amount=amount, account=account, occurred_at=when
    )
    response = client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers)
    return response.json["payment_id"]


def close(client, admin, day):
    return client.post("/api/v1/settlements/close", json={"business_date": day}, headers=admin)


def test_a_day_closes_per_payee_with_counts_fees_and_the_exact_payments(client, session, world):
    a, b, admin = world
    pa1 = pay(client, "A1", 10000, a.account_number, "2026-11-20T08:00:00+07:00")
    pa2 = pay(client, "A2", 5000, a.account_number, "2026-11-20T23:59:59+07:00")
    pay(client, "B1", 7000, b.account_number, "2026-11-20T12:00:00+07:00")
    pay(client, "A3", 1000, a.account_number, "2026-11-21T00:00:00+07:00")  # next day
    response = close(client, admin, "2026-11-20")
    assert response.status_code == 200, response.json
    by_payee = {s["payee"]["id"]: s for s in response.json}
    assert by_payee[a.id] | {"id": 0, "closed_at": ""} == {
        "id": 0,
        "closed_at": "",
        "business_date": "2026-11-20",
        "payee": {"type": "vendor", "id": a.id},
        "payment_count": 2,
        "gross_amount": 15000,
        "fee_amount": 100,
        "net_amount": 14900,
        "adjustment_count": 0,
        "adjustment_amount": 0,
    }
    assert by_payee[b.id]["gross_amount"] == 7000
    csv = client.get(f"/api/v1/settlements/{by_payee[a.id]['id']}?format=csv", headers=admin)
    assert csv.mimetype == "text/csv"
    rows = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[0].startswith("id,kind,method") and len(rows) == 3
    assert {int(r.split(",")[0]) for r in rows[1:]} == {pa1, pa2}


def test_closing_again_changes_nothing(client, session, world):
    a, _, admin = world
    pay(client, "A1", 10000, a.account_number, "2026-11-20T08:00:00+07:00")
    first = close(client, admin, "2026-11-20").json
    pay(client, "A2", 999, a.account_number, "2026-11-20T09:00:00+07:00")  # late
    again = close(client, admin, "2026-11-20").json
    assert again == first
    assert session.scalar(select(func.count()).select_from(Settlement)) == 1


def test_a_late_payment_lands_as_an_adjustment_on_the_next_day(client, session, world):
    a, _, admin = world
    pay(client, "A1", 10000, a.account_number, "2026-11-20T08:00:00+07:00")
    close(client, admin, "2026-11-20")
    late = pay(client, "A2", 3000, a.account_number, "2026-11-20T22:00:00+07:00")
    pay(client, "A3", 4000, a.account_number, "2026-11-21T10:00:00+07:00")
    (next_day,) = close(client, admin, "2026-11-21").json
    assert (next_day["payment_count"], next_day["gross_amount"]) == (2, 7000)
    assert (next_day["adjustment_count"], next_day["adjustment_amount"]) == (1, 3000)
    item = session.scalars(select(SettlementItem).where(SettlementItem.payment_id == late)).one()
    assert item.settlement_id == next_day["id"]


def test_a_reversal_after_closing_is_taken_back_on_a_later_day(client, session, world):
    a, _, admin = world
    pid = pay(client, "A1", 10000, a.account_number, "2026-11-20T08:00:00+07:00")
    close(client, admin, "2026-11-20")
    client.post(f"/api/v1/payments/{pid}/reverse", json={"reason": "nhầm"}, headers=admin)
    today = business_date_of(datetime.now(UTC))
    settled = close_business_day(
        session, business_date=today, actor=None, now=day_end(today) + timedelta(hours=3)
    )
    assert [(s.payment_count, s.gross_amount, s.fee_amount, s.net_amount) for s in settled] == [
        (1, -10000, -50, -9950)
    ]


def test_a_day_cannot_close_before_its_grace_period(client, world):
    _, _, admin = world
    today = business_date_of(datetime.now(UTC))
    response = close(client, admin, today.isoformat())
    assert response.status_code == 409 and "business_date" in response.json["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"business_date": "20-11-2026"},
        {"business_date": "2026-02-30"},
        {"business_date": 20261120},
    ],
)
def test_bad_close_requests_are_422(client, world, body):
    _, _, admin = world
    assert client.post("/api/v1/settlements/close", json=body, headers=admin).status_code == 422


def test_only_admins_close_and_each_payee_sees_its_own(client, session, world):
    a, b, admin = world
    pay(client, "A1", 10000, a.account_number, "2026-11-20T08:00:00+07:00")
    pay(client, "B1", 2000, b.account_number, "2026-11-20T08:00:00+07:00")
    vendor = bearer(make_user(session, "vendor", vendor_id=a.id, market_id=a.market_id)[1])
    assert close(client, vendor, "2026-11-20").status_code == 403
    close(client, admin, "2026-11-20")
    mine = client.get("/api/v1/settlements", headers=vendor).json["items"]
    assert [s["payee"]["id"] for s in mine] == [a.id]
    csv = client.get("/api/v1/settlements?format=csv&business_date=2026-11-20", headers=admin)
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert len(lines) == 3 and lines[0].startswith("id,business_date,payee_type")


def test_csv_cells_cannot_smuggle_formulas(client, session, world):
    a, _, admin = world
    body, headers = generic_notification(
        SECRET,
        txn="X1",
        amount=1000,
        account=a.account_number,
        description='=HYPERLINK("http://x")',
        occurred_at="2026-11-20T08:00:00+07:00",
    )
    client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers)
    (settled,) = close(client, admin, "2026-11-20").json
    text = client.get(f"/api/v1/settlements/{settled['id']}?format=csv", headers=admin)
    assert ",\"'=HYPERLINK" in text.get_data(as_text=True)


def test_the_cli_closes_a_day(app, client, session, world):
    a, _, _ = world
    pay(client, "A1", 1000, a.account_number, "2026-11-20T09:00:00+07:00")
    result = app.test_cli_runner().invoke(args=["settlements", "close", "--date", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert "2026-11-20: 1 settlements" in result.output
    assert f"vendor {a.id}: 1 payments, net 950" in result.output
    early = app.test_cli_runner().invoke(args=["settlements", "close", "--date", "2999-01-01"])
    assert early.exit_code != 0 and "can be closed from" in early.output
