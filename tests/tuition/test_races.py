"""Check-then-write in tuition, raced on PostgreSQL with real threads.

Each race is made to happen every time: another connection holds a lock that both requests
need after they have read what they check, so both are in flight before either writes; they
are queued in a known order and let go together. Whatever the order, no money ends on a void
invoice, nothing is lost, and no request answers 500."""

import io
import json
import time
import urllib.error
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, select, text

from market.db import get_db
from payments.ledger.models import Payment
from tests.browser import live_server
from tests.factories import generic_notification, make_provider, make_school, make_user
from tuition.models import Invoice, Receipt

SECRET = "s3cret-s3cret-s3cret"
ROSTER = (
    "Mã HS,Họ tên,Lớp,Phụ huynh,SĐT phụ huynh\n"
    "A1,Lê Văn An,7A,Lê Văn Ba,0912345678\n"
    "A2,Trần Thị Bích,7A,Trần Văn Cường,0987654321\n"
)
PLAN = {
    "name": "HK1",
    "school_year": "2025-2026",
    "due_date": "2025-10-15",
    "classes": ["7A"],
    "lines": [{"item": "Học phí", "kind": "tuition", "amount": 1_000_000}],
}


class Served:
    """A school with two students and a fee plan, served over HTTP from a live database."""

    def __init__(self, app, base: str, url: str, issue: bool):
        self.app, self.base, self.url = app, base, url
        with app.app_context(), get_db().session_scope() as session:
            make_provider(session)
            school = make_school(session, code="THCS-RACE")
            self.account = school.account_number
            token = make_user(session, "school_admin", school_id=school.id)[1]
        self.staff = {"Authorization": f"Bearer {token}"}
        client = app.test_client()
        client.post(
            "/api/v1/schools/THCS-RACE/students/import",
            headers=self.staff,
            data={"file": (io.BytesIO(ROSTER.encode()), "r.csv")},
            content_type="multipart/form-data",
        )
        self.plan = client.post(
            "/api/v1/schools/THCS-RACE/fee-plans", headers=self.staff, json=PLAN
        ).json["id"]
        if issue:
            client.post(f"/api/v1/fee-plans/{self.plan}/issue", headers=self.staff)
        with app.app_context(), get_db().session_scope() as session:
            self.references = sorted(session.scalars(select(Invoice.reference)))

    def call(self, method: str, path: str, body: dict | bytes | None = None, headers=None):
        """A function making one request: (status, JSON answer)."""
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        headers = headers or (self.staff | {"Content-Type": "application/json"})

        def send():
            request = urllib.request.Request(
                self.base + path, data=data, headers=headers, method=method
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.status, json.loads(response.read())
            except urllib.error.HTTPError as error:
                return error.code, json.loads(error.read())

        return send

    def transfer(self, txn: str, amount: int, description: str):
        """A function delivering a signed notification of a transfer to the school."""
        body, headers = generic_notification(
            SECRET, txn=txn, amount=amount, account=self.account, description=description
        )
        return self.call("POST", "/api/v1/notifications/vqr-generic", body, headers)

    def rows(self, *columns, where=None) -> list:
        """Rows of columns as committed."""
        with self.app.app_context(), get_db().session_scope() as session:
            stmt = select(*columns)
            return session.execute(stmt.where(where) if where is not None else stmt).all()


@pytest.fixture
def world(make_app, live_database):
    app = make_app(DATABASE_URL=live_database)
    with live_server(app) as base:
        yield lambda issue=True: Served(app, base, live_database, issue)


def _waiting(watch) -> int:
    return watch.execute(
        text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
    ).scalar()


def race(url: str, lock: str, *calls) -> list:
    """Start calls one after another, each only once the one before waits for lock (taken
    here by another connection first); then release the lock and return their answers."""
    engine = create_engine(url)
    watcher = create_engine(url, isolation_level="AUTOCOMMIT")
    futures: list[Future] = []
    try:
        with ThreadPoolExecutor(len(calls)) as pool:
            with engine.connect() as holder, watcher.connect() as watch:
                holder.execute(text(lock))
                try:
                    for queued, call in enumerate(calls, start=1):
                        futures.append(pool.submit(call))
                        deadline = time.monotonic() + 20
                        while _waiting(watch) < queued:
                            assert not futures[-1].done(), futures[-1].result()
                            assert time.monotonic() < deadline, "the request never waited"
                            time.sleep(0.01)
                finally:
                    holder.rollback()
        return [f.result() for f in futures]
    finally:
        engine.dispose()
        watcher.dispose()


def lock_invoice(reference: str) -> str:
    return f"SELECT id FROM invoices WHERE reference = '{reference}' FOR UPDATE"


def run(served: Served, lock: str, first: str, calls: dict) -> dict:
    """Race the named calls, first queued first: {name: answer}."""
    order = [first, *(name for name in calls if name != first)]
    return dict(zip(order, race(served.url, lock, *(calls[n] for n in order)), strict=True))


def assert_no_money_on_a_void_invoice(served: Served) -> None:
    void_with_money = served.rows(
        Invoice.reference, where=(Invoice.status == "void") & (Invoice.paid_amount != 0)
    )
    assert void_with_money == []
    live = served.rows(Invoice.student_id, Invoice.plan_id, where=Invoice.status != "void")
    assert len(live) == len(set(live))  # one live invoice per student and plan
    numbers = sorted(n for (n,) in served.rows(Receipt.number))
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("first", ["payment", "void"])
def test_a_transfer_and_a_void_at_the_same_instant_never_leave_money_on_a_void_invoice(
    world, first
):
    served = world()
    ref = served.references[0]
    answers = run(
        served,
        lock_invoice(ref),
        first,
        {
            "payment": served.transfer("FT-RACE", 1_000_000, f"MBVCB.88.{ref} hoc phi"),
            "void": served.call("POST", f"/api/v1/invoices/{ref}/void", {"reason": "Trùng"}),
        },
    )
    assert (answers["payment"][0], answers["payment"][1]["status"]) == (200, "recorded")
    ((status, paid),) = served.rows(
        Invoice.status, Invoice.paid_amount, where=Invoice.reference == ref
    )
    ((match_status, target, note),) = served.rows(
        Payment.match_status, Payment.target_reference, Payment.match_note
    )
    if first == "payment":  # the payment landed on a live invoice: the void is refused
        assert answers["void"][0] == 409
        assert (status, paid, match_status, target) == ("paid", 1_000_000, "matched", ref)
    else:  # the void won: the money waits, unmatched, for a person, saying why
        assert answers["void"][0] == 200
        assert (status, paid, match_status, target) == ("void", 0, "unmatched", None)
        assert f"invoice {ref} is void" in note
    assert_no_money_on_a_void_invoice(served)


@pytest.mark.parametrize("first", ["cash", "void"])
def test_cash_and_a_void_at_the_same_instant_never_leave_money_on_a_void_invoice(world, first):
    served = world()
    ref = served.references[0]
    answers = run(
        served,
        lock_invoice(ref),
        first,
        {
            "cash": served.call("POST", f"/api/v1/invoices/{ref}/cash-payments", {"amount": 5}),
            "void": served.call("POST", f"/api/v1/invoices/{ref}/void", {"reason": "Trùng"}),
        },
    )
    ((status, paid),) = served.rows(
        Invoice.status, Invoice.paid_amount, where=Invoice.reference == ref
    )
    payments = served.rows(Payment.id)
    if first == "cash":
        assert (answers["cash"][0], answers["void"][0]) == (201, 409)
        assert (status, paid, len(payments)) == ("partially_paid", 5, 1)
    else:
        assert (answers["void"][0], answers["cash"][0]) == (200, 409)
        assert (status, paid, payments) == ("void", 0, [])
    assert_no_money_on_a_void_invoice(served)


@pytest.mark.parametrize("first", ["payment", "reissue"])
def test_a_transfer_and_a_reissue_at_the_same_instant_never_leave_money_on_a_void_invoice(
    world, first
):
    served = world()
    ref = served.references[0]
    answers = run(
        served,
        lock_invoice(ref),
        first,
        {
            "payment": served.transfer("FT-RACE", 400_000, f"{ref} hoc phi"),
            "reissue": served.call(
                "POST", f"/api/v1/fee-plans/{served.plan}/reissue", {"reason": "Đổi mức thu"}
            ),
        },
    )
    assert answers["payment"][0] == 200
    ((match_status, target, note),) = served.rows(
        Payment.match_status, Payment.target_reference, Payment.match_note
    )
    if first == "payment":  # the paid invoice is kept, the other one issued again
        assert answers["reissue"] == (
            200,
            {"voided": 1, "issued": 1, "kept_with_payments": [ref]},
        )
        assert (match_status, target) == ("matched", ref)
    else:  # both were voided and issued again; the transfer waits for a person
        assert answers["reissue"] == (200, {"voided": 2, "issued": 2, "kept_with_payments": []})
        assert (match_status, target) == ("unmatched", None)
        assert f"invoice {ref} is void" in note
    assert_no_money_on_a_void_invoice(served)
    assert len(served.rows(Invoice.id, where=Invoice.status != "void")) == 2


def test_issuing_one_plan_twice_at_the_same_instant_makes_one_invoice_per_student(world):
    served = world(issue=False)
    issue = served.call("POST", f"/api/v1/fee-plans/{served.plan}/issue")
    # while the table is locked, both requests have read which students still need an invoice
    first, second = race(
        served.url, "LOCK TABLE invoices IN SHARE ROW EXCLUSIVE MODE", issue, issue
    )
    assert first == (200, {"issued": 2, "skipped": 0})
    assert second == (200, {"issued": 0, "skipped": 2}) or second[0] == 409, second
    assert len(served.rows(Invoice.id)) == 2


@pytest.mark.parametrize("first", ["assign", "void"])
def test_assigning_a_transfer_and_a_void_at_the_same_instant_never_leave_money_on_a_void_invoice(
    world, first
):
    served = world()
    ref = served.references[0]
    status, answer = served.transfer("FT-NOREF", 1_000_000, "chuyen tien hoc phi")()
    assert (status, answer["status"]) == (200, "recorded")
    payment_id = answer["payment_id"]
    answers = run(
        served,
        lock_invoice(ref),
        first,
        {
            "assign": served.call(
                "POST", f"/api/v1/payments/{payment_id}/assign", {"invoice_reference": ref}
            ),
            "void": served.call("POST", f"/api/v1/invoices/{ref}/void", {"reason": "Trùng"}),
        },
    )
    ((status, paid),) = served.rows(
        Invoice.status, Invoice.paid_amount, where=Invoice.reference == ref
    )
    ((match_status, target),) = served.rows(Payment.match_status, Payment.target_reference)
    if first == "assign":
        assert (answers["assign"][0], answers["void"][0]) == (200, 409)
        assert (status, paid, match_status, target) == ("paid", 1_000_000, "matched", ref)
    else:
        assert (answers["void"][0], answers["assign"][0]) == (200, 409)
        assert (status, paid, match_status, target) == ("void", 0, "unmatched", None)
    assert_no_money_on_a_void_invoice(served)
