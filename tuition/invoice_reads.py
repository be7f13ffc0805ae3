"""Invoices as the accountant reads them: one invoice with its payments and receipts, a class's
payment notices to print, and the invoices an unmatched transfer may be given to."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from market.banks import UnknownBank, resolve_bank
from market.errors import ValidationFailed
from market.formats import format_date
from market.identity import InvalidValue
from market.text import fold, like_pattern
from market.users import User
from payments.domains import Choice
from payments.ledger.models import Payment
from payments.qr import vietqr
from tuition.invoice_sheet import Notice
from tuition.invoices import PAYABLE, invoice_payload
from tuition.models import Invoice, Receipt, School, Student
from tuition.rules import normalize_class


@dataclass
class InvoiceFile:
    invoice: Invoice
    payments: list[tuple[Payment, Receipt | None]]  # oldest first, reversals included


def invoice_file(session: Session, *, invoice: Invoice) -> InvoiceFile:
    """The invoice with every payment counted on it and each one's receipt."""
    payments = session.scalars(
        select(Payment)
        .where(Payment.target_type == "invoice", Payment.target_id == invoice.id)
        .order_by(Payment.occurred_at, Payment.id)
    ).all()
    receipts = {
        r.payment_id: r
        for r in session.scalars(select(Receipt).where(Receipt.invoice_id == invoice.id))
    }
    return InvoiceFile(invoice, [(p, receipts.get(p.id)) for p in payments])


def _bank(bank_bin: str) -> str:
    try:
        bank = resolve_bank(bank_bin)
    except UnknownBank:
        return bank_bin
    return f"{bank.short_name} ({bank.name})" if bank.short_name != bank.name else bank.name


def _notice(session: Session, school: School, invoice: Invoice) -> Notice:
    payload = invoice_payload(session, invoice)
    return Notice(
        school_name=school.name,
        student_name=invoice.student.full_name,
        student_code=invoice.student.student_code,
        class_name=invoice.student.class_name,
        plan_name=invoice.plan.name,
        reference=invoice.reference,
        due_date=format_date(invoice.due_date),
        lines=[(ln.item, ln.discount_amount, ln.amount) for ln in invoice.lines],
        total=invoice.total_amount,
        paid=invoice.paid_amount,
        balance=invoice.balance,
        payload=payload,
        bank=_bank(school.bank_bin),
        account_number=school.account_number,
        account_name=school.account_name,
        transfer_text=vietqr.parse(payload).purpose or invoice.reference,
    )


def class_notices(session: Session, *, school: School, class_name: str) -> list[Notice]:
    """A payment notice for each invoice of the class with something still due, by name."""
    try:
        class_name = normalize_class(class_name)
    except InvalidValue as exc:
        raise ValidationFailed.on("class", str(exc)) from exc
    invoices = session.scalars(
        select(Invoice)
        .join(Student, Student.id == Invoice.student_id)
        .where(
            Invoice.school_id == school.id,
            Student.class_name == class_name,
            Invoice.status.in_(PAYABLE),
            Invoice.total_amount > Invoice.paid_amount,
        )
        .order_by(Student.name_folded, Student.student_code, Invoice.due_date)
    ).unique()
    return [_notice(session, school, invoice) for invoice in invoices]


def search_invoices(session: Session, user: User, text: str, limit: int) -> list[Choice]:
    """Open invoices of the user's school whose student's name (without accents) or code,
    or whose reference, holds text: what an unmatched transfer may be assigned to."""
    term = fold(text).strip()
    if not term:
        return []
    pattern = like_pattern(term)
    stmt = (
        select(Invoice)
        .join(Student, Student.id == Invoice.student_id)
        .where(
            Invoice.status.in_(PAYABLE),
            or_(
                Student.name_folded.like(pattern, escape="\\"),
                func.lower(Student.student_code).like(pattern, escape="\\"),
                func.lower(Invoice.reference).like(pattern, escape="\\"),
            ),
        )
        .order_by(Student.name_folded, Invoice.due_date)
        .limit(limit)
    )
    if user.role != "admin":
        stmt = stmt.where(Invoice.school_id == (user.school_id or 0))
    return [
        Choice(
            value=i.reference,
            label=f"{i.student.full_name} – {i.student.class_name} ({i.student.student_code})",
            detail=f"{i.reference} · {i.plan.name} · còn {i.balance:,} ₫".replace(",", "."),
        )
        for i in session.scalars(stmt).unique()
    ]
