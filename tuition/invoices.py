"""Invoices as the payments domain sees them (targets paid by reference), cash, receipts."""

from sqlalchemy import and_, case, insert, literal_column, or_, select, true, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from market.db import upsert_insert, utcnow
from market.errors import Conflict, NotFound
from market.pagination import Page, paginate
from market.users import User
from payments.domains import CREDIT_ACCOUNT, CREDIT_BIN, Payee, Target, Unpayable, account_of
from payments.ledger import cash
from payments.ledger.models import Payment
from payments.qr import service as qr
from tuition.models import FeePlan, Invoice, Receipt, ReceiptCounter, School, Student
from tuition.rules import invoice_status_rule
from tuition.words import transfer_words

PAYABLE = ("open", "partially_paid")


def school_payee(school_id: int) -> Payee:
    """A school as a payee: a transfer to it is matched once the invoice is known."""
    return Payee("school", school_id, needs_target=True)


def _target(session: Session, invoice: Invoice) -> Target:
    school = session.get(School, invoice.school_id)
    return Target(
        "invoice",
        invoice.id,
        invoice.reference,
        school_payee(school.id),
        school.bank_bin,
        school.account_number,
    )


def _locked(session: Session, reference: str) -> Invoice | None:
    # The row stays locked until the payment's transaction ends, so a void cannot slip in
    # between the check and the payment (nor a payment between a void's check and its write).
    return session.execute(
        select(Invoice)
        .where(Invoice.reference == reference)
        .with_for_update(of=Invoice)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def find_invoice(session: Session, reference: str) -> Target | None:
    """The invoice with this reference as a payment target, locked until the payment is
    written; None when unknown; Unpayable when it is void."""
    invoice = _locked(session, reference)
    if invoice is None:
        return None
    if invoice.status == "void":
        raise Unpayable(f"invoice {reference} is void")
    return _target(session, invoice)


# The schools whose fee account was credited: a payee that needs an invoice to match.
HOLDERS = select(
    literal_column("'school'").label("payee_type"),
    School.id.label("payee_id"),
    true().label("needs"),
).where(
    account_of(School.account_number) == CREDIT_ACCOUNT,
    or_(CREDIT_BIN.is_(None), School.bank_bin == CREDIT_BIN),
)


def _next_receipt_number(session: Session, school_id: int, school_year: str) -> int:
    dialect_insert = upsert_insert(session)
    # The row stays locked until the payment's transaction ends: numbers have no gaps.
    stmt = dialect_insert(ReceiptCounter).values(
        school_id=school_id, school_year=school_year, last_number=1
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["school_id", "school_year"],
        set_={"last_number": ReceiptCounter.last_number + 1},
    ).returning(ReceiptCounter.last_number)
    return session.execute(stmt).scalar_one()


def status_expression(total: ColumnElement[int], paid: ColumnElement[int]) -> ColumnElement[str]:
    """`tuition.rules.invoice_status` as SQL, for a status written in the same statement."""
    whens, otherwise = invoice_status_rule(total, paid)
    return case(*whens, else_=otherwise)


def apply_to_invoice(session: Session, invoice_id: int, amount: int, payment_id: int) -> None:
    """Count amount on the invoice in one statement (simultaneous payments all count): a
    payment gets the school year's next receipt number; a reversal (negative amount, the
    reversing record's id) cancels the receipt of the payment it reverses."""
    paid = Invoice.paid_amount + amount
    row = session.execute(
        update(Invoice)
        .where(Invoice.id == invoice_id, Invoice.status != "void")
        .values(paid_amount=paid, status=status_expression(Invoice.total_amount, paid))
        .returning(Invoice.school_id, Invoice.plan_id, Invoice.total_amount - Invoice.paid_amount)
    ).one_or_none()
    if amount > 0:
        if row is None:  # callers lock the invoice first: this is a bug, never silent
            raise Conflict(f"invoice {invoice_id} is void: it takes no payment")
        _issue_receipt(session, invoice_id, amount, payment_id, *row)
    else:
        _cancel_receipt(session, payment_id)
    session.expire_all()


def _issue_receipt(session, invoice_id, amount, payment_id, school_id, plan_id, balance) -> None:
    year = session.execute(select(FeePlan.school_year).where(FeePlan.id == plan_id)).scalar_one()
    number = _next_receipt_number(session, school_id, year)
    session.execute(
        insert(Receipt),
        [
            {
                "school_id": school_id,
                "school_year": year,
                "number": number,
                "payment_id": payment_id,
                "invoice_id": invoice_id,
                "amount": amount,
                "balance_after": balance,
            }
        ],
    )


def _cancel_receipt(session: Session, reversal_id: int) -> None:
    """The reversed payment's receipt is marked cancelled (its number is never given again)."""
    reversed_id, reason, moment = session.execute(
        select(Payment.reverses_id, Payment.reason, Payment.occurred_at).where(
            Payment.id == reversal_id
        )
    ).one()
    session.execute(
        update(Receipt)
        .where(Receipt.payment_id == reversed_id, Receipt.cancelled_at.is_(None))
        .values(cancelled_at=moment, cancel_reason=reason, reversal_id=reversal_id)
    )


def get_invoice(session: Session, *, actor: User, reference: str, lock: bool = False) -> Invoice:
    """An invoice of a school the actor may act on (404 otherwise); with lock, locked until
    the transaction ends (for a write that depends on its state)."""
    if lock:
        invoice = _locked(session, reference.upper())
    else:
        invoice = session.execute(
            select(Invoice).where(Invoice.reference == reference.upper())
        ).scalar_one_or_none()
    if invoice is None or not (
        actor.role == "admin"
        or (actor.role == "school_admin" and actor.school_id == invoice.school_id)
    ):
        raise NotFound(f"no invoice {reference}")
    return invoice


def list_invoices(
    session: Session,
    *,
    actor: User,
    school: School | None = None,
    class_name: str | None = None,
    status: str | None = None,
    plan_id: int | None = None,
    limit: int = 50,
    after: int | None = None,
) -> Page:
    """Invoices of the schools the actor may act on."""
    stmt = select(Invoice).join(Student, Student.id == Invoice.student_id)
    if actor.role == "school_admin":
        stmt = stmt.where(Invoice.school_id == actor.school_id)
    if school is not None:
        stmt = stmt.where(Invoice.school_id == school.id)
    if class_name:
        stmt = stmt.where(Student.class_name == class_name.upper())
    if status:
        stmt = stmt.where(Invoice.status == status)
    if plan_id:
        stmt = stmt.where(Invoice.plan_id == plan_id)
    return paginate(session, stmt, Invoice.id, limit=limit, after=after)


def invoice_payload(session: Session, invoice: Invoice) -> str:
    """The VietQR for what is still due, the reference inside (what banks copy)."""
    if invoice.status not in PAYABLE or invoice.balance <= 0:
        raise Conflict(f"invoice {invoice.reference} has nothing due")
    school = session.get(School, invoice.school_id)
    return qr.dynamic_payload(
        bank_bin=school.bank_bin,
        account_number=school.account_number,
        amount=invoice.balance,
        reference=invoice.reference,
        description=transfer_text(invoice).removeprefix(invoice.reference).strip(),
    )


def transfer_text(invoice: Invoice) -> str:
    """The transfer text of an invoice: its reference first (how the payment is matched),
    then what its charged lines are for ("HP… TIEN AN BH"); the QR carries the same."""
    kinds = [line.kind for line in invoice.lines if line.amount > 0]
    room = qr.PURPOSE_LIMIT - len(invoice.reference) - 1
    return f"{invoice.reference} {transfer_words(kinds, room)}"


def record_cash(
    session: Session, *, actor: User, reference: str, amount: int, note: str | None = None
) -> object:
    """Cash the accountant received for an invoice, recorded as a payment (method cash)."""
    invoice = get_invoice(session, actor=actor, reference=reference, lock=True)
    if invoice.status == "void":
        raise Conflict(f"invoice {invoice.reference} is void")
    return cash.record_cash(
        session,
        actor=actor,
        payee=school_payee(invoice.school_id),
        target=_target(session, invoice),
        amount=amount,
        note=note or f"Tiền mặt {invoice.reference}",
    )


def assign_invoice(session: Session, actor: User, value: str) -> tuple[Payee, Target]:
    """An unmatched transfer given to an invoice of the actor's school."""
    invoice = get_invoice(session, actor=actor, reference=value.strip(), lock=True)
    if invoice.status == "void":
        raise Conflict(f"invoice {invoice.reference} is void")
    target = _target(session, invoice)
    return target.payee, target


def void_invoice(session: Session, *, actor: User, reference: str, reason: str) -> Invoice:
    """Cancel an invoice nothing was paid on (a paid one is reversed payment by payment), in
    one conditional statement: a payment landing at the same instant either counts first
    (and the void is refused) or finds the invoice void."""
    invoice = get_invoice(session, actor=actor, reference=reference)
    voided = session.execute(
        update(Invoice)
        .where(Invoice.id == invoice.id, Invoice.status != "void", Invoice.paid_amount == 0)
        .values(status="void", voided_at=utcnow(), void_reason=reason)
        .returning(Invoice.id)
    ).scalar_one_or_none()
    session.refresh(invoice)
    if voided is None:
        if invoice.status == "void":
            raise Conflict(f"invoice {invoice.reference} is already void")
        raise Conflict("an invoice with payments cannot be voided; reverse the payments first")
    return invoice


def receipt_for(session: Session, *, actor: User, payment_id: int) -> Receipt:
    """The receipt of a payment to a school the actor may act on."""
    receipt = session.execute(
        select(Receipt).where(Receipt.payment_id == payment_id)
    ).scalar_one_or_none()
    if receipt is None or not (
        actor.role == "admin"
        or (actor.role == "school_admin" and actor.school_id == receipt.school_id)
    ):
        raise NotFound(f"no receipt for payment {payment_id}")
    return receipt


def school_admin_scope(user: User, type_column, id_column):
    """A school admin sees its school's money."""
    return and_(type_column == "school", id_column == user.school_id)
