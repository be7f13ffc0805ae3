"""The demo behaves like the real thing: its transfers are settled like real ones, its
parent can pay from the README alone, and `demo transfer` reports a payment as a bank would."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from demo.payments import OPEN_DAYS
from demo.seed import PARENT_PHONE, seed
from market import create_app
from market.clock import business_date_of
from market.db import get_db, utcnow
from market.migrate import upgrade
from payments.ledger.models import Payment
from payments.settlement.models import BusinessDay, SettlementItem, UnsettledPayment
from payments.settlement.service import close_business_day
from tests.browser import live_server
from tuition.models import Invoice, School, Student


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One seeded demo database for the module (the tests below add to it, never undo)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret"})
    with app.app_context(), get_db().session_scope() as session:
        seed(session, vendors_per_market=5)
    yield app
    app.extensions["db"].engine.dispose()


def test_every_seeded_transfer_is_settled_or_waiting_like_a_real_one(demo):
    with demo.app_context(), get_db().session_scope() as session:
        transfers = session.scalar(
            select(func.count()).select_from(Payment).where(Payment.method == "transfer")
        )
        settled = session.scalar(select(func.count()).select_from(SettlementItem))
        waiting = session.scalar(select(func.count()).select_from(UnsettledPayment))
        assert transfers > 1000 and settled + waiting == transfers and waiting > 0
        last_closed = session.scalar(select(func.max(BusinessDay.business_date)))
        assert last_closed == business_date_of(utcnow()) - timedelta(days=OPEN_DAYS + 1)


def test_closing_the_next_demo_day_makes_real_settlements(demo):
    now = utcnow()
    with demo.app_context(), get_db().session_scope() as session:
        day = session.scalar(select(func.max(BusinessDay.business_date))) + timedelta(days=1)
        waiting = session.scalar(
            select(func.count())
            .select_from(UnsettledPayment)
            .where(UnsettledPayment.business_date == day)
        )
        settlements = close_business_day(session, business_date=day, actor=None, now=now)
        assert waiting > 0 and sum(s.payment_count for s in settlements) == waiting


def test_the_readme_parent_finds_an_unpaid_invoice_with_the_phone_it_gives(demo):
    client = demo.test_client()
    form = {"school": "THCS-LEQUYDON", "student": "HS001", "phone": PARENT_PHONE[-4:]}
    answer = client.post("/pay", data=form | {"csrf": csrf_of(client)})
    assert answer.status_code == 200
    with demo.app_context(), get_db().session_scope() as session:
        invoice = session.scalar(
            select(Invoice)
            .join(Student, Student.id == Invoice.student_id)
            .join(School, School.id == Invoice.school_id)
            .where(School.code == "THCS-LEQUYDON", Student.student_code == "HS001")
        )
        assert invoice.status == "open" and invoice.paid_amount == 0
    assert invoice.reference in answer.get_data(as_text=True)


def csrf_of(client) -> str:
    """The anti-forgery token the parents' form carries, if it has one."""
    import re

    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/pay").get_data(as_text=True))
    return found.group(1) if found else ""


def test_demo_transfer_pays_an_invoice_through_the_running_service(demo):
    with demo.app_context(), get_db().session_scope() as session:
        invoice = session.scalars(select(Invoice).where(Invoice.status == "open")).first()
        reference, due = invoice.reference, invoice.balance
    with live_server(demo) as base:
        result = demo.test_cli_runner().invoke(
            args=["demo", "transfer", "--reference", reference, "--amount", str(due), "--url", base]
        )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("200 ") and '"recorded"' in result.output
    with demo.app_context(), get_db().session_scope() as session:
        paid = session.scalar(select(Invoice).where(Invoice.reference == reference))
        assert (paid.status, paid.paid_amount) == ("paid", due)


def test_demo_transfer_pays_a_vendor_by_account(demo):
    with demo.app_context(), get_db().session_scope() as session:
        before = session.scalar(select(func.max(Payment.id)))
    with live_server(demo) as base:
        result = demo.test_cli_runner().invoke(
            args=["demo", "transfer", "--vendor", "1", "--amount", "45000", "--url", base]
        )
    assert result.exit_code == 0, result.output
    with demo.app_context(), get_db().session_scope() as session:
        payment = session.scalar(select(Payment).where(Payment.id > before))
        assert (payment.payee_type, payment.payee_id, payment.amount) == ("vendor", 1, 45000)
        assert payment.match_status == "matched"


def test_demo_transfer_says_when_the_service_is_not_running(demo):
    result = demo.test_cli_runner().invoke(
        args=[
            "demo",
            "transfer",
            "--vendor",
            "1",
            "--amount",
            "1000",
            "--url",
            "http://127.0.0.1:9",
        ]
    )
    assert result.exit_code != 0 and "make demo" in result.output


def test_each_demo_staff_account_signs_in_and_lands_on_its_own_start_page(demo):
    from demo.seed import DEMO_ADMIN, DEMO_STAFF

    for username, _role, _code in DEMO_STAFF:
        client = demo.test_client()
        page = client.get("/login")
        token = page.get_data(as_text=True).split('name="csrf" value="')[1].split('"')[0]
        answer = client.post(
            "/login", data={"username": username, "password": DEMO_ADMIN[1], "csrf": token}
        )
        assert answer.status_code == 302, username
        start = client.get(answer.headers["Location"], follow_redirects=True)
        assert start.status_code == 200 and username in start.get_data(as_text=True), username
