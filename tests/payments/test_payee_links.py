"""The payment screens name a payee or an invoice with a link to its page, when the viewer
may open that page by the pages' own rules (market.web.nav.may_open), else as plain text."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from market.db import utcnow
from market.web.nav import may_open
from payments.settlement.models import Settlement
from payments.settlement.service import close_business_day
from tests.factories import generic_notification, make_school, make_student, make_user
from tests.pages import FORM_TOKEN, HTML, signed_in
from tests.payments.ledger import test_pages as ledger_pages
from tests.payments.ledger.test_pages import SECRET, browser_of, pay

world = ledger_pages.world  # the same payments, payees and markets as the ledger's screens


@pytest.mark.parametrize(
    ("role", "path", "opens"),
    [
        ("admin", "/vendors/12", True),
        ("market_manager", "/vendors/12", True),
        ("school_admin", "/vendors/12", False),
        ("bank_staff", "/vendors/12", False),
        ("school_admin", "/invoices/HP12345678", True),
        ("market_manager", "/invoices/HP12345678", False),
        ("admin", "/no/such/page", False),
        ("admin", "/api/v1/vendors/12", False),  # the API is no page
    ],
)
def test_may_open_follows_the_roles_of_the_page(app, session, role, path, opens):
    user = SimpleNamespace(role=role)
    with app.test_request_context():
        assert may_open(user, path) is opens
        assert may_open(None, path) is False


def test_a_matched_payment_links_its_vendor_for_the_market_board(app, session, world):
    pid = world["payments"]["shared"]
    manager = browser_of(app, session, "market_manager", market_id=world["market"].id)
    form = {"csrf": FORM_TOKEN, "choice": f"vendor_id:{world['lan'].id}"}
    assert manager.post(f"/payments/{pid}/assign", data=form, headers=HTML).status_code == 302
    page = manager.get(f"/payments/{pid}", headers=HTML).get_data(as_text=True)
    assert f'<a href="/vendors/{world["lan"].id}">Lê Thị Lan</a>' in page


def test_a_school_payment_links_its_invoice_and_names_the_school_plainly(
    app, session, client, world
):
    from tuition.models import Invoice
    from tuition.plans import create_plan, issue_plan

    school = make_school(session, name="Trường THCS Lê Quý Đôn")
    student = make_student(session, school, full_name="Nguyễn Văn An")
    details = {
        "name": "Học kỳ 2",
        "school_year": "2025-2026",
        "due_date": date(2026, 1, 15),
        "classes": [student.class_name],
        "lines": [{"item": "Học phí", "kind": "tuition", "amount": 300_000}],
    }
    plan = create_plan(session, school=school, details=details)
    issue_plan(session, actor=make_user(session, "admin")[0], plan_id=plan.id)
    invoice = session.scalars(select(Invoice).where(Invoice.student_id == student.id)).one()
    pid = pay(client, "S1", 300000, school.account_number, f"hoc phi {invoice.reference}")
    accountant = browser_of(app, session, "school_admin", school_id=school.id)
    page = accountant.get(f"/payments/{pid}", headers=HTML).get_data(as_text=True)
    assert f'<a href="/invoices/{invoice.reference}">{invoice.reference}</a>' in page
    assert "Trường THCS Lê Quý Đôn" in page and 'href="/vendors/' not in page


def test_settlements_link_the_vendor_they_pay(app, session, client, world):
    hoa = world["hoa"]
    body, headers = generic_notification(
        SECRET,
        txn="H1",
        amount=60000,
        account=hoa.account_number,
        occurred_at="2026-01-05T08:00:00+07:00",
    )
    assert client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers).json
    admin_user = make_user(session, "admin")[0]
    close_business_day(
        session,
        business_date=date(2026, 1, 5),
        actor=admin_user,
        now=utcnow(),
        grace=timedelta(minutes=120),
    )
    settlement = session.scalars(select(Settlement).where(Settlement.payee_id == hoa.id)).one()
    admin = signed_in(app, session, admin_user)
    page = admin.get(f"/settlements/{settlement.id}", headers=HTML).get_data(as_text=True)
    assert f'<a href="/vendors/{hoa.id}">Nguyễn Thị Hoa</a>' in page
    day = admin.get("/settlements/days/2026-01-05", headers=HTML).get_data(as_text=True)
    assert f'href="/settlements/{settlement.id}">Nguyễn Thị Hoa</a>' in day  # then her page
