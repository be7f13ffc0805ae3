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
from tests.factories import (
    casso_body,
    generic_notification,
    make_market,
    make_provider,
    make_vendor,
    sepay_body,
    signed_body,
)

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
