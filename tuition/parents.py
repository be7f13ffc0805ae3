"""What a parent finds: a school code, a student code and the last four digits of the
guardian's phone give that student's open invoices — and nothing else. Wrong answers are
limited per student and per client, counted before the answer is looked at."""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from market.db import get_db
from market.money import format_vnd
from market.ratelimit import count_attempt, forgive
from payments.qr.image import qr_png
from tuition.invoices import PAYABLE, invoice_payload
from tuition.models import Invoice, School, Student

WINDOW = 15 * 60
MAX_PER_STUDENT = 5  # wrong tries on one student code in 15 minutes
MAX_PER_CLIENT = 20  # wrong tries from one address in 15 minutes
QUESTION = ("school", "student", "phone")


@dataclass(frozen=True)
class Answer:
    """What the page shows (error, or the student's code and invoices) and its HTTP status."""

    status: int
    shown: dict


def pay_question(form: Mapping[str, str]) -> dict[str, str]:
    """The school code, student code and phone digits as typed: trimmed, upper case, cut."""
    return {k: (form.get(k) or "").strip().upper()[:30] for k in QUESTION}


def find_open_invoices(*, question: dict[str, str], client: str | None) -> Answer:
    """The open invoices of the student the question names, if its phone digits are right;
    429 once too many wrong answers came for the student or from the client."""
    attempt = count_attempt(
        {
            f"pay:student:{question['school']}:{question['student']}": MAX_PER_STUDENT,
            f"pay:client:{client}": MAX_PER_CLIENT,
        },
        seconds=WINDOW,
    )
    if attempt is None:
        return Answer(429, {"error": "too_many"})
    # Sessions of its own, like the counting: a request never holds two pooled connections.
    with get_db().session_scope() as session:
        student = _student(session, question)
        invoices = _open_invoices(session, student) if student else None
    if student is None:
        return Answer(404, {"error": "not_found"})
    forgive(attempt)  # only wrong answers count towards the limit
    return Answer(200, {"invoices": invoices, "student_code": question["student"]})


def _student(session: Session, question: dict[str, str]) -> Student | None:
    student = session.execute(
        select(Student)
        .join(School, School.id == Student.school_id)
        .where(School.code == question["school"], Student.student_code == question["student"])
    ).scalar_one_or_none()
    last4 = question["phone"]
    if student is None or len(last4) != 4 or student.guardian_phone[-4:] != last4:
        return None
    return student


def _open_invoices(session: Session, student: Student) -> list[dict]:
    found = session.execute(
        select(Invoice)
        .where(Invoice.student_id == student.id, Invoice.status.in_(PAYABLE))
        .order_by(Invoice.due_date)
    ).scalars()
    return [
        {
            "reference": i.reference,
            "plan": i.plan.name,
            "due_date": i.due_date,
            "amount": format_vnd(i.balance),
            "paid": i.paid_amount > 0,
        }
        for i in found
        if i.balance > 0
    ]


def invoice_qr(session: Session, *, reference: str) -> bytes | None:
    """The QR (PNG) of what an open invoice still asks; None when there is no such invoice
    open (the reference itself is the secret)."""
    invoice = session.execute(
        select(Invoice).where(Invoice.reference == reference.upper())
    ).scalar_one_or_none()
    if invoice is None or invoice.status not in PAYABLE:
        return None
    return qr_png(invoice_payload(session, invoice), size=480)
