"""The outstanding report and receipts as documents."""

from datetime import datetime

from flask import Response, jsonify
from sqlalchemy import select
from sqlalchemy.orm import Session

from market.clock import VIETNAM, business_date_of
from market.exports import Column, to_csv, to_xlsx
from market.users import User
from payments.ledger.models import Payment
from tuition.invoices import receipt_for
from tuition.models import FeePlan, Invoice, Receipt, School, Student
from tuition.receipt import Receipt as ReceiptDocument
from tuition.receipt import render_receipt

COLUMNS = [
    Column("class_name", "Lớp"),
    Column("student_code", "Mã học sinh"),
    Column("student_name", "Họ và tên"),
    Column("plan", "Khoản thu"),
    Column("reference", "Mã thanh toán"),
    Column("due_date", "Hạn nộp", "date"),
    Column("total_amount", "Phải nộp", "money"),
    Column("paid_amount", "Đã nộp", "money"),
    Column("balance", "Còn nợ", "money"),
    Column("days_overdue", "Số ngày quá hạn", "int"),
]


def outstanding(session: Session, *, school: School, today=None) -> list[dict]:
    """Every open or partly paid invoice of the school, by class and student."""
    today = today or business_date_of(datetime.now(VIETNAM))
    rows = session.execute(
        select(Invoice, Student, FeePlan)
        .join(Student, Student.id == Invoice.student_id)
        .join(FeePlan, FeePlan.id == Invoice.plan_id)
        .where(Invoice.school_id == school.id, Invoice.status.in_(("open", "partially_paid")))
        .order_by(Student.class_name, Student.name_folded, Invoice.due_date)
    ).all()
    return [
        {
            "class_name": s.class_name,
            "student_code": s.student_code,
            "student_name": s.full_name,
            "plan": p.name,
            "reference": i.reference,
            "due_date": i.due_date,
            "total_amount": i.total_amount,
            "paid_amount": i.paid_amount,
            "balance": i.balance,
            "days_overdue": max((today - i.due_date).days, 0),
        }
        for i, s, p in rows
    ]


def by_class(rows: list[dict]) -> list[dict]:
    """{class, invoices, balance} of each class of the outstanding rows."""
    classes: dict[str, dict] = {}
    for row in rows:
        entry = classes.setdefault(
            row["class_name"], {"class": row["class_name"], "invoices": 0, "balance": 0}
        )
        entry["invoices"] += 1
        entry["balance"] += row["balance"]
    return list(classes.values())


def render(rows: list[dict], kind: str, school: School):
    """The report as JSON, CSV or XLSX (Vietnamese headers, numbers as numbers)."""
    if kind == "json":
        payload = [r | {"due_date": r["due_date"].isoformat()} for r in rows]
        return jsonify(
            items=payload, by_class=by_class(rows), total_balance=sum(r["balance"] for r in rows)
        )
    name = f"cong-no-{school.code}"
    if kind == "csv":
        response = Response(to_csv(rows, COLUMNS), mimetype="text/csv")
    else:
        data = to_xlsx(rows, COLUMNS, sheet="Công nợ", title=f"Công nợ học phí – {school.name}")
        response = Response(
            data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def _vietnam(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def receipt_pdf(session: Session, *, actor: User, payment_id: int) -> tuple[bytes, str]:
    """(PDF, number) of a payment's receipt."""
    return receipt_document(session, receipt_for(session, actor=actor, payment_id=payment_id))


def receipt_document(session: Session, receipt: Receipt) -> tuple[bytes, str]:
    """(PDF, number as a file name's part) of a receipt, for whoever was allowed to see it."""
    payment_id = receipt.payment_id
    invoice = session.get(Invoice, receipt.invoice_id)
    payment = session.get(Payment, payment_id)
    school = session.get(School, receipt.school_id)
    note = (
        f"Tiền mặt – {payment.description}"
        if payment.method == "cash"
        else payment.payer_account_masked
    )
    document = ReceiptDocument(
        number=receipt.label,
        school_name=school.name,
        school_address=school.address,
        student_name=invoice.student.full_name,
        student_code=invoice.student.student_code,
        class_name=invoice.student.class_name,
        invoice_reference=invoice.reference,
        plan_name=invoice.plan.name,
        lines=[(ln.item, ln.amount) for ln in invoice.lines],
        amount=receipt.amount,
        method=payment.method,
        paid_at=_vietnam(payment.occurred_at),
        payer_note=note,
        balance_after=receipt.balance_after,
        cashier=None,
        cancelled_at=_vietnam(receipt.cancelled_at) if receipt.cancelled_at else None,
        cancel_reason=receipt.cancel_reason,
    )
    return render_receipt(document), receipt.label.replace("/", "-")
