"""Business days close into per-payee settlements that never change, in order."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import String, cast, event, func, insert, literal, select

from market.clock import VIETNAM
from market.errors import Conflict
from payments.domains import Payee
from payments.ingest.models import Provider
from payments.ledger.cash import record_cash
from payments.ledger.models import Payment
from payments.ledger.reversal import reverse
from payments.settlement.models import Settlement, SettlementItem, UnsettledPayment
from payments.settlement.service import close_business_day, day_end
from tests.factories import (
    bearer,
    generic_notification,
    make_market,
    make_provider,
    make_user,
    make_vendor,
)

SECRET = "s3cret-s3cret-s3cret"
# The time these tests run at, whatever today is: 2026-11-21 and every day before it are over
# with their grace period, 2026-11-22 is not.
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=VIETNAM)


@pytest.fixture(autouse=True)
def clock(time_machine):
    """The service's clock (and the providers' signatures) at NOW."""
    time_machine.move_to(NOW)


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
    reverse(
        session,
        actor=make_user(session, "admin")[0],
        payment_id=pid,
        reason="nhầm",
        now=datetime(2026, 11, 21, 10, tzinfo=VIETNAM),
    )
    settled = close_business_day(session, business_date=date(2026, 11, 21), actor=None, now=NOW)
    assert [(s.payment_count, s.gross_amount, s.fee_amount, s.net_amount) for s in settled] == [
        (1, -10000, -50, -9950)
    ]


def test_a_day_cannot_close_before_its_grace_period(client, session, world):
    _, _, admin = world
    response = close(client, admin, "2026-11-22")
    assert response.status_code == 409 and "business_date" in response.json["errors"]
    opens = day_end(date(2026, 11, 21)) + timedelta(hours=2)
    with pytest.raises(Conflict):
        close_business_day(
            session,
            business_date=date(2026, 11, 21),
            actor=None,
            now=opens - timedelta(microseconds=1),
        )
    assert (
        close_business_day(session, business_date=date(2026, 11, 21), actor=None, now=opens) == []
    )


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


def test_a_missed_close_is_refused_naming_the_day_and_then_each_day_holds_its_own(
    client, session, world
):
    a, _, admin = world
    on_14 = pay(client, "A14", 14000, a.account_number, "2026-11-14T10:00:00+07:00")
    on_15 = pay(client, "A15", 15000, a.account_number, "2026-11-15T10:00:00+07:00")
    refused = close(client, admin, "2026-11-15")
    assert refused.status_code == 409, refused.json
    assert refused.json["open_day"] == "2026-11-14"
    assert refused.json["errors"] == {"business_date": ["close 2026-11-14 first"]}
    assert session.scalar(select(func.count()).select_from(Settlement)) == 0
    for day, payment, amount in (("2026-11-14", on_14, 14000), ("2026-11-15", on_15, 15000)):
        (settled,) = close(client, admin, day).json
        assert (settled["business_date"], settled["gross_amount"]) == (day, amount)
        assert (settled["adjustment_count"], settled["adjustment_amount"]) == (0, 0)
        items = session.scalars(
            select(SettlementItem.payment_id).where(SettlementItem.settlement_id == settled["id"])
        ).all()
        assert items == [payment]


def test_an_adjustment_is_only_a_payment_for_a_day_already_closed(client, session, world):
    a, _, admin = world
    close(client, admin, "2026-11-18")  # nothing waits: the 18th and every day before it close
    late = pay(client, "L17", 1700, a.account_number, "2026-11-17T10:00:00+07:00")
    pay(client, "A19", 1900, a.account_number, "2026-11-19T10:00:00+07:00")
    assert close(client, admin, "2026-11-17").json == []  # closed with the 18th: nothing new
    (on_19,) = close(client, admin, "2026-11-19").json
    assert (on_19["payment_count"], on_19["gross_amount"]) == (2, 3600)
    assert (on_19["adjustment_count"], on_19["adjustment_amount"]) == (1, 1700)
    settled_in = session.scalar(
        select(Settlement.business_date)
        .join(SettlementItem, SettlementItem.settlement_id == Settlement.id)
        .where(SettlementItem.payment_id == late)
    )
    assert settled_in == date(2026, 11, 19)


def test_the_cli_catches_up_every_open_day_in_order_each_as_its_own(app, client, session, world):
    a, b, _ = world
    pay(client, "A19", 1000, a.account_number, "2026-11-19T09:00:00+07:00")
    pay(client, "B20", 2000, b.account_number, "2026-11-20T09:00:00+07:00")
    result = app.test_cli_runner().invoke(args=["settlements", "close"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "2026-11-19: 1 settlements",
        f"vendor {a.id}: 1 payments, net 950",
        "2026-11-20: 1 settlements",
        f"vendor {b.id}: 1 payments, net 1950",
        "2026-11-21: 0 settlements",
    ]
    pay(client, "A19b", 500, a.account_number, "2026-11-19T10:00:00+07:00")
    one_day = app.test_cli_runner().invoke(args=["settlements", "close", "--date", "2026-11-21"])
    assert one_day.output == "2026-11-21: 0 settlements\n"  # closed: a late payment waits


def test_reversing_cash_leaves_nothing_to_settle(session, world):
    a, _, _ = world
    admin = make_user(session, "admin")[0]
    morning = datetime(2026, 11, 20, 8, tzinfo=VIETNAM)
    cash = record_cash(
        session, actor=admin, payee=Payee("vendor", a.id), target=None, amount=30000, now=morning
    )
    reversal = reverse(
        session,
        actor=admin,
        payment_id=cash.id,
        reason="ghi nhầm",
        now=morning + timedelta(hours=1),
    )
    assert reversal.method == "cash"
    assert session.scalars(select(UnsettledPayment)).all() == []
    assert close_business_day(session, business_date=date(2026, 11, 20), actor=None, now=NOW) == []


def _queue_bulk_payments(session, vendors, provider, day: date, count: int) -> None:
    """count matched transfers of `day`, alternately to each vendor, and their places in the
    settlement queue, written by the database itself (INSERT ... SELECT)."""
    numbers = select(literal(1).label("n")).cte("numbers", recursive=True)
    numbers = numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n < count))
    first, second = vendors
    columns = {
        "kind": literal("payment"),
        "method": literal("transfer"),
        "source": literal("notification"),
        "provider_id": literal(provider.id),
        "provider_txn_id": literal("BULK-") + cast(numbers.c.n, String),
        "amount": 1000 + numbers.c.n % 7,
        "fee_amount": literal(50),
        "credit_account": literal(first.account_number),
        "occurred_at": literal(datetime.combine(day, time(12), VIETNAM), Payment.occurred_at.type),
        "received_at": literal(NOW, Payment.received_at.type),
        "business_date": literal(day),
        "payee_type": literal("vendor"),
        "payee_id": literal(first.id) + (numbers.c.n % 2) * (second.id - first.id),
        "match_status": literal("matched"),
        "matched_by": literal("account"),
    }
    session.execute(insert(Payment).from_select(list(columns), select(*columns.values())))
    session.execute(
        insert(UnsettledPayment).from_select(
            ["payment_id", "business_date"],
            select(Payment.id, Payment.business_date).where(Payment.provider_txn_id.like("BULK-%")),
        )
    )


def test_a_day_of_100000_payments_closes_in_a_few_small_statements(session, world):
    a, b, _ = world
    provider = session.scalars(select(Provider)).one()
    count = 100_000
    day = date(2026, 11, 20)
    _queue_bulk_payments(session, (a, b), provider, day, count)
    statements = []
    engine = session.connection().engine

    def seen(_conn, _cursor, statement, parameters, _context, executemany):
        statements.append((statement, len(parameters or ()), executemany))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        settled = close_business_day(session, business_date=day, actor=None, now=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(statements) < 15 and not any(many for _, _, many in statements)
    assert max(size for _, size, _ in statements) < 20
    expected = {
        vendor.id: [1000 + n % 7 for n in range(1, count + 1) if n % 2 == parity]
        for vendor, parity in ((a, 0), (b, 1))
    }
    assert {s.payee_id: (s.payment_count, s.gross_amount, s.net_amount) for s in settled} == {
        pid: (len(amounts), sum(amounts), sum(amounts) - 50 * len(amounts))
        for pid, amounts in expected.items()
    }
    assert session.scalar(select(func.count()).select_from(SettlementItem)) == count
    assert session.scalar(select(func.count()).select_from(UnsettledPayment)) == 0
