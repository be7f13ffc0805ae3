"""What a parent finds: the open invoices of the student named, only with the guardian's phone
digits right. Guessing is limited per student and per client (the real client behind the
trusted proxies), counted atomically: forty parallel guesses get no more than five tries."""

import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import select

from market.db import get_db
from market.migrate import upgrade
from market.ratelimit import RateLimitHit
from tests.browser import live_server
from tests.factories import make_school, make_user
from tuition.links import Links
from tuition.models import Invoice, School, Student
from tuition.parents import (
    MAX_PER_CLIENT,
    MAX_PER_STUDENT,
    find_invoices,
    invoice_qr,
    pay_question,
)
from tuition.plans import create_plan, issue_plan


def enrol(session, code: str = "HS001") -> Student:
    """A student of school THCS-LQD whose guardian's phone ends in 5678."""
    school = session.scalars(select(School).where(School.code == "THCS-LQD")).first()
    school = school or make_school(session, code="THCS-LQD")
    student = Student(
        school_id=school.id,
        student_code=code,
        full_name="Nguyễn Văn An",
        name_folded="nguyen van an",
        class_name="6A1",
        guardian_name="Nguyễn Văn Bình",
        guardian_phone="0912345678",
    )
    session.add(student)
    session.flush()
    return student


def ask(client, phone: str, student: str = "HS001", **headers):
    form = {"school": "THCS-LQD", "student": student, "phone": phone}
    return client.post("/pay", data=form, headers=headers)


def test_the_question_is_read_as_people_type_it():
    typed = {"school": " thcs-lqd ", "student": "hs001", "phone": " 5678 "}
    assert pay_question(typed) == {"school": "THCS-LQD", "student": "HS001", "phone": "5678"}
    assert pay_question({"school": "x" * 500}) == {"school": "X" * 30, "student": "", "phone": ""}


def issued(session, student, due_dates):
    """One invoice of 1,000,000 đồng per due date, for student."""
    staff = make_user(session, "admin")[0]
    for n, due in enumerate(due_dates):
        plan = create_plan(
            session,
            school=student.school,
            details={
                "name": f"Đợt {n + 1}",
                "school_year": "2025-2026",
                "due_date": date.fromisoformat(due),
                "classes": [student.class_name],
                "lines": [{"item": "Học phí", "kind": "tuition", "amount": 1_000_000}],
            },
        )
        issue_plan(session, actor=staff, plan_id=plan.id)
    return session.scalars(select(Invoice).order_by(Invoice.due_date)).all()


def test_a_parent_sees_the_open_invoices_soonest_due_first_then_paid_ones_never_void(app, session):
    student = enrol(session)
    # Issued in another order than they fall due.
    dues = ["2025-10-01", "2025-12-01", "2025-09-15", "2025-11-15"]
    soon, later, paid, void = issued(session, student, dues)
    paid.paid_amount, paid.status = 1_000_000, "paid"
    void.status = "void"
    session.flush()
    question = {"school": "THCS-LQD", "student": "HS001", "phone": "5678"}
    links = Links("test-secret")
    with app.test_request_context():
        answer = find_invoices(question=question, client="198.51.100.1", links=links)
        wrong = find_invoices(
            question=question | {"phone": "5679"}, client="198.51.100.1", links=links
        )
    assert answer.status == 200 and answer.shown["student_code"] == "HS001"
    shown = answer.shown["invoices"]
    assert [i["reference"] for i in shown] == [soon.reference, later.reference, paid.reference]
    assert [i["payable"] for i in shown] == [True, True, False]
    assert answer.shown["due_count"] == 2
    assert shown[0]["balance"] == 1_000_000 and shown[0]["message"] == "Chưa nộp"
    assert shown[2]["message"] == "Nhà trường đã nhận 1.000.000 ₫ · Đã nộp đủ"
    assert shown[2]["transfer_text"] is None  # nothing more to transfer
    assert (wrong.status, wrong.shown) == (404, {"error": "not_found"})
    png, name = invoice_qr(session, reference=later.reference.lower())
    assert png.startswith(b"\x89PNG") and name == f"ma-qr-thcs-lqd-{later.reference.lower()}.png"
    assert invoice_qr(session, reference=paid.reference) is None
    assert invoice_qr(session, reference=void.reference) is None


def test_right_answers_do_not_count_towards_the_limit(client, session):
    enrol(session)
    for _ in range(MAX_PER_STUDENT + 3):
        assert ask(client, "5678").status_code == 200
    for _ in range(MAX_PER_STUDENT - 1):
        assert ask(client, "0000").status_code == 404
    assert ask(client, "5678").status_code == 200


@pytest.fixture
def proxied(make_app, tmp_path):
    """A client of an app behind one trusted proxy (a database of its own, committed)."""
    url = f"sqlite:///{tmp_path / 'proxied.db'}"
    upgrade(url)
    app = make_app(DATABASE_URL=url, TRUSTED_PROXIES=1)
    with app.app_context(), get_db().session_scope() as session:
        for n in range(MAX_PER_CLIENT + 1):
            enrol(session, f"HS{n:03d}")
    return app.test_client()


def test_behind_a_trusted_proxy_each_parent_is_counted_apart(proxied):
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    for n in range(MAX_PER_CLIENT):  # one wrong try on each of many students
        assert ask(proxied, "0000", f"HS{n:03d}", **guesser).status_code == 404
    assert ask(proxied, "0000", f"HS{MAX_PER_CLIENT:03d}", **guesser).status_code == 429
    parent = {"X-Forwarded-For": "198.51.100.20"}  # behind the same proxy, another phone
    assert ask(proxied, "5678", f"HS{MAX_PER_CLIENT:03d}", **parent).status_code == 200


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(client, session):
    for n in range(MAX_PER_CLIENT + 1):
        enrol(session, f"HS{n:03d}")
    for n in range(MAX_PER_CLIENT):
        forged = {"X-Forwarded-For": f"198.51.100.{n}"}
        assert ask(client, "0000", f"HS{n:03d}", **forged).status_code == 404
    last = {"X-Forwarded-For": "10.9.9.9"}
    assert ask(client, "5678", f"HS{MAX_PER_CLIENT:03d}", **last).status_code == 429


@pytest.fixture
def served(make_app, live_database):
    app = make_app(DATABASE_URL=live_database)
    with app.app_context(), get_db().session_scope() as session:
        enrol(session)
    with live_server(app) as base:
        yield app, base


def test_forty_parallel_wrong_guesses_get_at_most_the_limit_and_no_500(served):
    app, base = served
    body = urllib.parse.urlencode({"school": "THCS-LQD", "student": "HS001", "phone": "0000"})
    start = threading.Barrier(40)

    def guess(_):
        request = urllib.request.Request(f"{base}/pay", data=body.encode())
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status
        except urllib.error.HTTPError as refused:
            return refused.code

    with ThreadPoolExecutor(40) as pool:
        statuses = list(pool.map(guess, range(40)))
    assert 500 not in statuses
    assert statuses.count(404) == MAX_PER_STUDENT
    assert statuses.count(429) == 40 - MAX_PER_STUDENT
    with app.app_context(), get_db().session_scope() as session:
        counted = session.scalar(
            select(RateLimitHit.count).where(RateLimitHit.key == "pay:student:THCS-LQD:HS001")
        )
    assert counted == MAX_PER_STUDENT
