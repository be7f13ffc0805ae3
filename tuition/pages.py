"""The parents' page: a school code, a student code and the last four digits of the guardian's
phone give that student's open invoices with a QR to scan — and nothing else."""

from flask import Blueprint, Flask, Response, render_template, request
from sqlalchemy import select

from market.db import get_db, get_session
from market.money import format_vnd
from market.ratelimit import count_attempt, forgive
from payments.qr.image import qr_png
from tuition.invoices import PAYABLE, invoice_payload
from tuition.models import Invoice, School, Student

bp = Blueprint("pay", __name__, template_folder="templates")
WINDOW = 15 * 60
MAX_PER_STUDENT = 5  # wrong tries on one student code in 15 minutes
MAX_PER_CLIENT = 20  # wrong tries from one address in 15 minutes


def _lookup(session, school_code: str, student_code: str, last4: str) -> Student | None:
    student = session.execute(
        select(Student)
        .join(School, School.id == Student.school_id)
        .where(School.code == school_code, Student.student_code == student_code)
    ).scalar_one_or_none()
    if student is None or len(last4) != 4 or student.guardian_phone[-4:] != last4:
        return None
    return student


def _open_invoices(session, student: Student) -> list[dict]:
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


@bp.route("/pay", methods=["GET", "POST"])
def pay():
    """The form, and what it finds."""
    if request.method == "GET":
        return render_template("pay.html", form={})
    form = {
        k: (request.form.get(k) or "").strip().upper()[:30] for k in ("school", "student", "phone")
    }
    attempt = count_attempt(
        {
            f"pay:student:{form['school']}:{form['student']}": MAX_PER_STUDENT,
            f"pay:client:{request.remote_addr}": MAX_PER_CLIENT,
        },
        seconds=WINDOW,
    )
    if attempt is None:
        return render_template("pay.html", form=form, error="too_many"), 429
    # Read in a session of its own, so that no request holds two pooled connections at once.
    with get_db().session_scope() as session:
        student = _lookup(session, form["school"], form["student"], form["phone"])
        found = _open_invoices(session, student) if student else None
    if student is None:
        return render_template("pay.html", form=form, error="not_found"), 404
    forgive(attempt)  # only wrong answers count towards the limit
    return render_template("pay.html", form=form, invoices=found, student_code=form["student"])


@bp.get("/pay/qr/<reference>.png")
def invoice_qr(reference: str):
    """The QR of an open invoice's balance (the reference itself is the secret)."""
    session = get_session()
    invoice = session.execute(
        select(Invoice).where(Invoice.reference == reference.upper())
    ).scalar_one_or_none()
    if invoice is None or invoice.status not in PAYABLE:
        return Response("", status=404)
    return Response(qr_png(invoice_payload(session, invoice), size=480), mimetype="image/png")


def init_app(app: Flask) -> None:
    """Register the parents' page."""
    app.register_blueprint(bp)
