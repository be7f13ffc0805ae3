"""Two parents' transfers for one invoice at the same instant (PostgreSQL, real threads)."""

from sqlalchemy import select

from market.db import get_db
from tests.browser import live_server
from tests.factories import generic_notification, make_provider, make_school, make_user
from tests.payments.test_concurrency import post_all
from tuition.models import Invoice, Receipt

SECRET = "s3cret-s3cret-s3cret"


def test_two_transfers_for_one_invoice_are_both_counted_with_gapless_receipts(
    make_app, live_database
):
    import io

    app = make_app(DATABASE_URL=live_database)
    with app.app_context(), get_db().session_scope() as session:
        make_provider(session)
        school = make_school(session, code="THCS-CC")
        account = school.account_number
        staff = {
            "Authorization": "Bearer " + make_user(session, "school_admin", school_id=school.id)[1]
        }
    client = app.test_client()
    roster = "Mã HS,Họ tên,Lớp,Phụ huynh,SĐT phụ huynh\nA1,Lê Văn An,7A,Lê Văn Ba,0912345678\n"
    client.post(
        "/api/v1/schools/THCS-CC/students/import",
        headers=staff,
        data={"file": (io.BytesIO(roster.encode()), "r.csv")},
        content_type="multipart/form-data",
    )
    plan = client.post(
        "/api/v1/schools/THCS-CC/fee-plans",
        headers=staff,
        json={
            "name": "HK1",
            "school_year": "2025-2026",
            "due_date": "2025-10-15",
            "classes": ["7A"],
            "lines": [{"item": "Học phí", "kind": "tuition", "amount": 1_000_000}],
        },
    ).json
    client.post(f"/api/v1/fee-plans/{plan['id']}/issue", headers=staff)
    with app.app_context(), get_db().session_scope() as session:
        reference = session.scalars(select(Invoice.reference)).one()
    deliveries = [
        generic_notification(
            SECRET, txn=f"P{n}", amount=amount, account=account, description=f"{reference} hoc phi"
        )
        for n, amount in ((1, 600_000), (2, 400_000))
    ]
    with live_server(app) as base:
        answers = post_all(base, deliveries)
    assert sorted(a["status"] for _, a in answers) == ["recorded", "recorded"]
    with app.app_context(), get_db().session_scope() as session:
        invoice = session.scalars(select(Invoice)).one()
        assert (invoice.paid_amount, invoice.status) == (1_000_000, "paid")
        numbers = sorted(session.scalars(select(Receipt.number)))
        assert numbers == [1, 2]
