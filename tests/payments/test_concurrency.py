"""Real concurrency on PostgreSQL: simultaneous deliveries, payments, assignments, reversals
and closes. Each answer is a success, the idempotent answer or a 409: never a 500."""

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select, text

from market.clock import VIETNAM
from market.db import get_db
from payments.ingest.models import Notification, Provider
from payments.ingest.providers.base import Transfer
from payments.ingest.record import record_transfer
from payments.ledger.models import Payment
from payments.qr.models import PaymentRequest
from payments.qr.service import create_payment_request
from payments.rollups import service as rollups
from payments.rollups.models import DayRollup
from payments.settlement.models import Settlement, SettlementItem, UnsettledPayment
from tests.browser import live_server
from tests.factories import (
    bearer,
    casso_body,
    generic_notification,
    make_market,
    make_provider,
    make_user,
    make_vendor,
    sepay_body,
    signed_body,
)

SECRET = "s3cret-s3cret-s3cret"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=VIETNAM)  # the 21st and every day before it are over


@pytest.fixture
def served(make_app, live_database, time_machine):
    time_machine.move_to(NOW)
    app = make_app(DATABASE_URL=live_database)
    with app.app_context(), get_db().session_scope() as session:
        make_provider(session)
        vendor = make_vendor(session, make_market(session), status="active")
        request = create_payment_request(
            session,
            payee_type="vendor",
            payee_id=vendor.id,
            bank_bin=vendor.bank_bin,
            account_number=vendor.account_number,
            amount=100000,
            description=None,
            prefix="CH",
        )
        ids = {
            "account": vendor.account_number,
            "reference": request.reference,
            "vendor": vendor.id,
            "admin": bearer(make_user(session, "admin")[1]),
            "url": live_database,
        }
    with live_server(app) as base:
        yield app, base, ids


def post_all(
    base: str, deliveries: list[tuple[bytes, dict]], providers: list[str] | None = None
) -> list[tuple[int, dict]]:
    """Send every delivery at the same instant, one thread each (to vqr-generic unless the
    provider of each is given)."""
    start = threading.Barrier(len(deliveries))
    providers = providers or ["vqr-generic"] * len(deliveries)

    def send(delivery):
        provider, (body, headers) = delivery
        req = urllib.request.Request(
            f"{base}/api/v1/notifications/{provider}", data=body, headers=headers, method="POST"
        )
        start.wait()
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, json.loads(response.read())

    with ThreadPoolExecutor(len(deliveries)) as pool:
        return list(pool.map(send, zip(providers, deliveries, strict=True)))


def counts(app, *models):
    with app.app_context(), get_db().session_scope() as session:
        return [session.scalar(select(func.count()).select_from(m)) for m in models]


def test_twenty_simultaneous_deliveries_record_one_payment(served):
    app, base, ids = served
    delivery = generic_notification(SECRET, txn="FT-SAME", amount=50000, account=ids["account"])
    answers = post_all(base, [delivery] * 20)
    assert [status for status, _ in answers] == [200] * 20
    assert sorted(a["status"] for _, a in answers) == ["duplicate"] * 19 + ["recorded"]
    assert len({a["payment_id"] for _, a in answers}) == 1
    assert counts(app, Payment, Notification) == [1, 1]


def test_two_transfers_for_one_request_at_the_same_instant_are_both_counted(served):
    app, base, ids = served
    deliveries = [
        generic_notification(
            SECRET,
            txn=f"FT-{n}",
            amount=amount,
            account=ids["account"],
            description=f"{ids['reference']} tien hang",
            occurred_at=(NOW + timedelta(minutes=1)).isoformat(),
        )
        for n, amount in ((1, 60000), (2, 40000))
    ]
    answers = post_all(base, deliveries)
    assert sorted(a["status"] for _, a in answers) == ["recorded", "recorded"]
    with app.app_context(), get_db().session_scope() as session:
        request = session.scalars(select(PaymentRequest)).one()
        assert (request.paid_amount, request.status) == (100000, "paid")
        assert session.scalar(select(func.count()).select_from(Payment)) == 2


@pytest.fixture
def wired_twice(make_app, live_database):
    """An account that SePay and Casso both report on, and three requests to pay into it."""
    app = make_app(DATABASE_URL=live_database)
    with app.app_context(), get_db().session_scope() as session:
        for fmt in ("sepay", "casso"):
            make_provider(session, name=fmt, format=fmt, secret=SECRET)
        vendor = make_vendor(session, make_market(session), status="active", bank="VCB")
        references = [
            create_payment_request(
                session,
                payee_type="vendor",
                payee_id=vendor.id,
                bank_bin=vendor.bank_bin,
                account_number=vendor.account_number,
                amount=50000,
                description=None,
                prefix="CH",
            ).reference
            for _ in range(3)
        ]
    with live_server(app) as base:
        yield app, base, vendor.account_number, references


def test_sepay_and_casso_reporting_one_transfer_at_the_same_instant_record_one_payment(
    wired_twice,
):
    app, base, account, references = wired_twice
    deliveries, providers = [], []
    for n in range(8):
        # Three pay a request (the session path), the others a stall (the one-statement path).
        words = f"{references[n]} tien hang" if n < len(references) else "tien hang"
        bank_reference = f"FT2611{n:06d}"
        deliveries.append(
            signed_body(
                "sepay",
                SECRET,
                sepay_body(
                    id=700 + n, accountNumber=account, referenceCode=bank_reference, content=words
                ),
            )
        )
        deliveries.append(
            signed_body(
                "casso",
                SECRET,
                casso_body(
                    id=900 + n, accountNumber=account, reference=bank_reference, description=words
                ),
            )
        )
        providers += ["sepay", "casso"]
    answers = post_all(base, deliveries, providers)
    assert answers == [(200, {"success": True})] * len(deliveries)
    with app.app_context(), get_db().session_scope() as session:
        kept = session.scalars(select(Payment.bank_reference).order_by(Payment.bank_reference))
        assert kept.all() == [f"FT2611{n:06d}" for n in range(8)]
        paid = session.scalars(select(PaymentRequest.paid_amount)).all()
        assert paid == [50000] * len(references)
        assert session.scalar(select(func.count()).select_from(Notification)) == 8


def call(base: str, path: str, body: dict | bytes, headers: dict) -> tuple[int, dict]:
    """POST to the live server: (status, JSON answer), errors included."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(
        f"{base}{path}",
        data=data,
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@contextmanager
def held(url: str, statement: str, **params):
    """Hold the lock statement takes until the block ends. Requests started inside the block
    get as far as that lock and wait; once it is let go they run into each other for real.
    Yields wait_for(n): returns once n other sessions are waiting for a lock."""
    engine = create_engine(url)
    try:
        with engine.connect() as holder, engine.connect() as watcher:
            watcher = watcher.execution_options(isolation_level="AUTOCOMMIT")
            holding = holder.begin()
            holder.execute(text(statement), params)

            def wait_for(n: int) -> None:
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline:
                    waiting = watcher.scalar(
                        text(
                            "SELECT count(*) FROM pg_stat_activity"
                            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                        )
                    )
                    if waiting >= n:
                        return
                    time.sleep(0.02)
                raise AssertionError(f"fewer than {n} requests reached the lock")

            try:
                yield wait_for
            finally:
                holding.rollback()
    finally:
        engine.dispose()


def at_once(base: str, url: str, lock: str, calls: list, **params) -> list[tuple[int, dict]]:
    """Run the POSTs of calls ((path, body, headers) each) so that all of them wait at the
    lock `lock` takes, then let them go together; their answers in order."""
    with ThreadPoolExecutor(len(calls)) as pool:
        with held(url, lock, **params) as wait_for:
            futures = [pool.submit(call, base, *c) for c in calls]
            wait_for(len(calls))
        return [f.result() for f in futures]


def notify(base: str, txn: str, amount: int, account: str, when: str) -> int:
    body, headers = generic_notification(
        SECRET, txn=txn, amount=amount, account=account, occurred_at=when
    )
    status, answer = call(base, "/api/v1/notifications/vqr-generic", body, headers)
    assert status == 200, answer
    return answer["payment_id"]


def test_two_people_assigning_one_unmatched_payment_at_once_one_gets_409(served):
    app, base, ids = served
    stray = notify(base, "FT-STRAY", 5000, "55555555", "2026-11-21T10:00:00+07:00")
    answers = at_once(
        base,
        ids["url"],
        "SELECT id FROM payments WHERE id = :id FOR UPDATE",
        [(f"/api/v1/payments/{stray}/assign", {"vendor_id": ids["vendor"]}, ids["admin"])] * 2,
        id=stray,
    )
    assert sorted(status for status, _ in answers) == [200, 409], answers
    with app.app_context(), get_db().session_scope() as session:
        assert session.scalars(select(UnsettledPayment.payment_id)).all() == [stray]
        counted = session.scalar(
            select(func.sum(DayRollup.payment_count)).where(DayRollup.payee_id == ids["vendor"])
        )
        assert counted == 1 and rollups.agrees(session)


def test_reversing_one_payment_twice_at_once_reverses_it_once(served):
    app, base, ids = served
    paid = notify(base, "FT-WRONG", 7000, ids["account"], "2026-11-21T10:00:00+07:00")
    answers = at_once(
        base,
        ids["url"],
        "SELECT id FROM payments WHERE id = :id FOR UPDATE",
        [(f"/api/v1/payments/{paid}/reverse", {"reason": "nhầm"}, ids["admin"])] * 2,
        id=paid,
    )
    assert sorted(status for status, _ in answers) == [201, 409], answers
    with app.app_context(), get_db().session_scope() as session:
        reversals = session.scalars(select(Payment.id).where(Payment.reverses_id == paid)).all()
        assert len(reversals) == 1
        queued = set(session.scalars(select(UnsettledPayment.payment_id)))
        assert queued == {paid, reversals[0]} and rollups.agrees(session)


def test_closing_one_day_twice_at_once_answers_the_same_settlements(served):
    app, base, ids = served
    notify(base, "FT-20", 9000, ids["account"], "2026-11-20T10:00:00+07:00")
    answers = at_once(
        base,
        ids["url"],
        "LOCK TABLE settlement_items IN SHARE MODE",
        [("/api/v1/settlements/close", {"business_date": "2026-11-20"}, ids["admin"])] * 2,
    )
    assert [status for status, _ in answers] == [200, 200], answers
    assert answers[0][1] == answers[1][1] and len(answers[0][1]) == 1
    assert counts(app, Settlement, SettlementItem, UnsettledPayment) == [1, 1, 0]


def test_closing_two_days_at_once_settles_a_late_payment_once(served):
    app, base, ids = served
    notify(base, "FT-18", 1800, ids["account"], "2026-11-18T10:00:00+07:00")
    close = "/api/v1/settlements/close"
    assert call(base, close, {"business_date": "2026-11-18"}, ids["admin"])[0] == 200
    late = notify(base, "FT-18-LATE", 1801, ids["account"], "2026-11-18T23:00:00+07:00")
    answers = at_once(
        base,
        ids["url"],
        "LOCK TABLE settlement_items IN SHARE MODE",
        [(close, {"business_date": day}, ids["admin"]) for day in ("2026-11-19", "2026-11-20")],
    )
    assert [status for status, _ in answers] == [200, 200], answers
    adjustments = [s for _, settled in answers for s in settled]
    assert [(s["adjustment_count"], s["adjustment_amount"]) for s in adjustments] == [(1, 1801)]
    with app.app_context(), get_db().session_scope() as session:
        items = session.scalars(select(SettlementItem.payment_id)).all()
        assert sorted(items).count(late) == 1 and len(items) == 2
    assert counts(app, UnsettledPayment) == [0]


def test_two_transfers_paying_one_request_in_full_at_once_pay_it_once(served):
    app, base, ids = served
    deliveries = [
        (
            "/api/v1/notifications/vqr-generic",
            *generic_notification(
                SECRET,
                txn=f"FT-FULL-{n}",
                amount=100000,
                account=ids["account"],
                description=f"{ids['reference']} tien hang",
                occurred_at=(NOW + timedelta(minutes=1)).isoformat(),
            ),
        )
        for n in (1, 2)
    ]
    answers = at_once(
        base,
        ids["url"],
        "SELECT id FROM payment_requests WHERE reference = :reference FOR UPDATE",
        deliveries,
        reference=ids["reference"],
    )
    assert sorted(a["status"] for _, a in answers) == ["recorded", "recorded"]
    with app.app_context(), get_db().session_scope() as session:
        request = session.scalars(select(PaymentRequest)).one()
        assert (request.paid_amount, request.status) == (100000, "paid")
        payments = session.scalars(select(Payment).order_by(Payment.id)).all()
        assert sorted(p.target_reference or "" for p in payments) == ["", ids["reference"]]
        assert "is already paid" in next(p.match_note for p in payments if not p.target_id)


def lock_waiters(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
    finally:
        engine.dispose()


def test_a_payment_to_an_account_commits_after_the_one_written_before_it(served):
    """Payments to one account commit in the order of their ids (a screen resuming after
    the last id it saw never skips one that committed late); other accounts don't wait."""
    app, base, ids = served
    when = "2026-11-22T08:00:00+07:00"
    with ThreadPoolExecutor(2) as pool, app.app_context():
        with get_db().session_scope() as session:
            other = make_vendor(session, status="active").account_number
            make_provider(session, "statement")
        with get_db().session_scope() as session:
            # Another provider's: the two payments share no rollup row that would order them.
            provider = session.scalar(select(Provider).where(Provider.name == "statement"))
            transfer = Transfer(
                "FT-FIRST", 10000, ids["account"], None, "tien hang", datetime.fromisoformat(when)
            )
            _, first = record_transfer(
                session, provider=provider, transfer=transfer, source="notification", payer_key=b"k"
            )
            # The first is written, not committed: a second to its account waits for it...
            second = pool.submit(notify, base, "FT-SECOND", 20000, ids["account"], when)
            deadline = time.monotonic() + 20
            while lock_waiters(ids["url"]) < 1:
                assert time.monotonic() < deadline, "the second payment did not wait"
                time.sleep(0.02)
            # ...and a payment to another account goes through meanwhile.
            assert notify(base, "FT-ELSEWHERE", 30000, other, when) > first
            assert not second.done()
        assert second.result(timeout=20) > first
