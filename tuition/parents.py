"""What a parent finds: a school code, a student code and the last four digits of the
guardian's phone give that student's invoices — what is due, with the school's account and a
QR, and what was paid, with its receipts — and nothing else. Wrong answers are limited per
student and per client, counted before the answer is looked at. Receipts and the live status
of an invoice open later by signed, expiring links (`tuition.links`)."""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from market.banks import bank_by_bin
from market.db import get_db
from market.formats import format_date, format_vnd
from market.ratelimit import count_attempt, forgive
from market.words import word
from payments.qr.image import qr_png
from tuition.invoices import PAYABLE, invoice_payload, transfer_text
from tuition.links import RECEIPT, STATUS, LinkRefused, Links
from tuition.models import Invoice, Receipt, School, Student
from tuition.reports import receipt_document

WINDOW = 15 * 60
MAX_PER_STUDENT = 5  # wrong tries on one student code in 15 minutes
MAX_PER_CLIENT = 20  # wrong tries from one address in 15 minutes
# Status asks from one address in 15 minutes: a page asks every 2.5 s (360 in 15 minutes) and
# a family may follow two children's invoices at once.
MAX_STATUS_PER_CLIENT = 1000
MAX_SETTLED_SHOWN = 6  # paid invoices shown after the open ones, latest first
QUESTION = ("school", "student", "phone")


@dataclass(frozen=True)
class Answer:
    """What the page shows (error, or the student's code and invoices) and its HTTP status."""

    status: int
    shown: dict


def pay_question(form: Mapping[str, str]) -> dict[str, str]:
    """The school code, student code and phone digits as typed: trimmed, upper case, cut."""
    return {k: (form.get(k) or "").strip().upper()[:30] for k in QUESTION}


def find_invoices(*, question: dict[str, str], client: str | None, links: Links) -> Answer:
    """The school and invoices of the student the question names, if its phone digits are
    right; 429 once too many wrong answers came for the student or from the client."""
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
        shown = _found(session, student, links) if student else None
    if shown is None:
        return Answer(404, {"error": "not_found"})
    forgive(attempt)  # only wrong answers count towards the limit
    return Answer(200, shown)


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


def _found(session: Session, student: Student, links: Links) -> dict:
    invoices = session.execute(
        select(Invoice)
        .where(Invoice.student_id == student.id, Invoice.status != "void")
        .order_by(Invoice.due_date, Invoice.id)
    ).scalars()
    due, settled = [], []
    for invoice in invoices:
        (due if _payable(invoice) else settled).append(invoice)
    shown = due + settled[::-1][:MAX_SETTLED_SHOWN]
    return {
        "student_code": student.student_code,
        "school": payee(student.school),
        "invoices": [_invoice(invoice, links) for invoice in shown],
        "due_count": len(due),
    }


def _payable(invoice: Invoice) -> bool:
    return invoice.status in PAYABLE and invoice.balance > 0


def payee(school: School) -> dict:
    """Who the money goes to, as the bank app shows it: school, bank, account and holder."""
    bank = bank_by_bin(school.bank_bin)
    return {
        "name": school.name,
        "bank": bank.short_name if bank else school.bank_bin,
        "bank_name": bank.name if bank else "",
        "account_number": school.account_number,
        "account_name": school.account_name,
    }


def _invoice(invoice: Invoice, links: Links) -> dict:
    payable = _payable(invoice)
    lines = [
        {
            "item": ln.item,
            "base_amount": ln.base_amount,
            "discount_amount": ln.discount_amount,
            "amount": ln.amount,
        }
        for ln in invoice.lines
    ]
    return {
        "reference": invoice.reference,
        "plan": invoice.plan.name,
        "due_date": invoice.due_date,
        "payable": payable,
        "lines": lines,
        "discount": sum(ln["discount_amount"] for ln in lines),
        "transfer_text": transfer_text(invoice) if payable else None,
        "qr_filename": qr_filename(invoice),
        "status_token": links.make(STATUS, invoice.id),
    } | _state(invoice, links)


def _state(invoice: Invoice, links: Links) -> dict:
    """An invoice's amounts and receipts as they stand, and the sentence that says so."""
    settled = invoice.status in ("paid", "overpaid")
    if invoice.paid_amount <= 0:
        message = word("invoice", invoice.status)
    elif settled:
        message = f"Nhà trường đã nhận {format_vnd(invoice.paid_amount)} · "
        message += word("invoice", invoice.status)
    else:
        message = f"Nhà trường đã nhận {format_vnd(invoice.paid_amount)}, còn phải nộp "
        message += f"{format_vnd(invoice.balance)}"
    return {
        "status": invoice.status,
        "settled": settled,
        "message": message,
        "total": invoice.total_amount,
        "paid_amount": invoice.paid_amount,
        "balance": invoice.balance,
        "receipts": [_receipt(r, links) for r in invoice.receipts],
    }


def _receipt(receipt: Receipt, links: Links) -> dict:
    return {
        "label": receipt.label,
        "amount": receipt.amount,
        "amount_text": format_vnd(receipt.amount),
        "issued_on": format_date(receipt.issued_at),
        "cancelled": receipt.cancelled_at is not None,
        "token": links.make(RECEIPT, receipt.id),
    }


def invoice_status(*, token: str | None, client: str | None, links: Links) -> Answer:
    """The state of the invoice a status token names (what a page polls after showing a QR):
    404 for a forged token, 410 for an expired one, 429 when one client asks too often."""
    if count_attempt({f"pay:status:{client}": MAX_STATUS_PER_CLIENT}, seconds=WINDOW) is None:
        return Answer(429, {"error": "too_many"})
    try:
        invoice_id = links.read(STATUS, token)
    except LinkRefused as refused:
        return Answer(410 if refused.expired else 404, {"error": str(refused)})
    with get_db().session_scope() as session:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None or invoice.status == "void":
            return Answer(404, {"error": "invalid"})
        return Answer(200, {"reference": invoice.reference} | _state(invoice, links))


def receipt_pdf(session: Session, *, token: str | None, links: Links) -> tuple[bytes, str]:
    """(PDF, file name) of the receipt a receipt token names; LinkRefused when the token is
    not good."""
    receipt = session.get(Receipt, links.read(RECEIPT, token))
    if receipt is None:
        raise LinkRefused(expired=False)
    data, number = receipt_document(session, receipt)
    return data, f"bien-lai-{number}.pdf"


def invoice_qr(session: Session, *, reference: str) -> tuple[bytes, str] | None:
    """(PNG, file name to save it under) of the QR of what an open invoice still asks; None
    when there is no such invoice open (the reference itself is the secret)."""
    invoice = session.execute(
        select(Invoice).where(Invoice.reference == reference.upper())
    ).scalar_one_or_none()
    if invoice is None or not _payable(invoice):
        return None
    return qr_png(invoice_payload(session, invoice), size=480), qr_filename(invoice)


def qr_filename(invoice: Invoice) -> str:
    """The name a saved QR gets on the phone: the school's code and the invoice reference."""
    return f"ma-qr-{invoice.plan.school.code}-{invoice.reference}.png".lower()
