"""Real concurrency on PostgreSQL: simultaneous deliveries, simultaneous payments."""

import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from market.db import get_db
from payments.models import Notification, Payment, PaymentRequest
from payments.qr import create_payment_request
from tests.browser import live_server
from tests.factories import generic_notification, make_market, make_provider, make_vendor

SECRET = "s3cret-s3cret-s3cret"


@pytest.fixture
def served(make_app, live_database):
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
        ids = {"account": vendor.account_number, "reference": request.reference}
    with live_server(app) as base:
        yield app, base, ids


def post_all(base: str, deliveries: list[tuple[bytes, dict]]) -> list[tuple[int, dict]]:
    """Send every delivery at the same instant, one thread each."""
    start = threading.Barrier(len(deliveries))

    def send(delivery):
        body, headers = delivery
        req = urllib.request.Request(
            f"{base}/api/v1/notifications/vqr-generic", data=body, headers=headers, method="POST"
        )
        start.wait()
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, json.loads(response.read())

    with ThreadPoolExecutor(len(deliveries)) as pool:
        return list(pool.map(send, deliveries))


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
        )
        for n, amount in ((1, 60000), (2, 40000))
    ]
    answers = post_all(base, deliveries)
    assert sorted(a["status"] for _, a in answers) == ["recorded", "recorded"]
    with app.app_context(), get_db().session_scope() as session:
        request = session.scalars(select(PaymentRequest)).one()
        assert (request.paid_amount, request.status) == (100000, "paid")
        assert session.scalar(select(func.count()).select_from(Payment)) == 2
