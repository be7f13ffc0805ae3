"""Invoices on pages: by class and status; one invoice with its lines, payments and balance;
cash received with its receipt at once; voiding an unpaid one; what is still owed."""

from flask import flash, redirect, render_template, request, url_for

from market.auth import caller
from market.db import get_session
from market.errors import Conflict, ValidationFailed
from market.web import PageBlueprint, page
from tuition import invoice_reads, invoices, page_forms, reports, schools, students
from tuition.models import INVOICE_STATUSES, School
from tuition.page_words import say, say_errors
from tuition.student_pages import SCHOOL_STAFF, after_cursor

bp = PageBlueprint("invoice_pages", __name__, template_folder="templates")


def _filters() -> dict:
    status = request.args.get("status", "")
    plan = request.args.get("plan", "")
    return {
        "class_name": students.class_filter(request.args.get("class", "")[:20]),
        "status": status if status in INVOICE_STATUSES else None,
        "plan_id": int(plan) if plan.isdigit() and len(plan) < 18 else None,
    }


def _school(session):
    code = request.args.get("school", "")[:30]
    if not code and caller().school_id:
        return session.get(School, caller().school_id)
    return schools.get_school(session, actor=caller(), code=code) if code else None


@bp.get("/invoices")
@page(*SCHOOL_STAFF)
def invoices_list():
    """Invoices of the school by class and status; a class's notices to print."""
    session = get_session()
    school, query = _school(session), _filters()
    found = invoices.list_invoices(
        session, actor=caller(), school=school, after=after_cursor(), **query
    )
    classes = students.class_counts(session, school=school) if school else []
    shown = {"school": school, "found": found, "query": query, "classes": classes}
    return render_template("school/invoices.html", statuses=INVOICE_STATUSES, **shown)


def _invoice_page(invoice, errors: dict, status: int = 200, problem: str = ""):
    shown = {"file": invoice_reads.invoice_file(get_session(), invoice=invoice)}
    shown |= {"errors": errors, "problem": problem, "receipt_of": request.args.get("receipt")}
    return render_template("school/invoice.html", **shown), status


@bp.get("/invoices/<reference>")
@page(*SCHOOL_STAFF)
def invoice(reference: str):
    """One invoice: lines, payments with their receipts, the balance; cash; void."""
    found = invoices.get_invoice(get_session(), actor=caller(), reference=reference)
    return _invoice_page(found, {})


@bp.post("/invoices/<reference>/cash")
@page(*SCHOOL_STAFF)
def record_cash(reference: str):
    """Record cash received; the page then opens its receipt."""
    session = get_session()
    found = invoices.get_invoice(session, actor=caller(), reference=reference)
    amount = page_forms.amount(request.form.get("amount", "")[:30])
    note = " ".join(request.form.get("note", "").split())[:200] or None
    if not isinstance(amount, int) or amount < 1:
        return _invoice_page(found, {"amount": ["Nhập số tiền đã thu, ví dụ 500.000."]}, 422)
    try:
        paid = invoices.record_cash(
            session, actor=caller(), reference=reference, amount=amount, note=note
        )
    except (Conflict, ValidationFailed) as error:
        return _invoice_page(found, say_errors(error.errors), 409, problem=say(error.detail))
    flash("Đã ghi nhận tiền mặt và lập biên lai.", "ok")
    return redirect(url_for("invoice_pages.invoice", reference=reference, receipt=paid.id))


@bp.post("/invoices/<reference>/void")
@page(*SCHOOL_STAFF)
def void(reference: str):
    """Cancel an invoice nothing was paid on, with a reason."""
    session = get_session()
    found = invoices.get_invoice(session, actor=caller(), reference=reference)
    reason = " ".join(request.form.get("reason", "").split())[:300]
    if not reason:
        return _invoice_page(found, {"reason": ["Ghi lý do hủy hóa đơn."]}, 422)
    try:
        invoices.void_invoice(session, actor=caller(), reference=reference, reason=reason)
    except Conflict as error:
        return _invoice_page(found, {}, 409, problem=say(error.detail))
    flash(f"Đã hủy hóa đơn {found.reference}.", "ok")
    return redirect(url_for("invoice_pages.invoice", reference=reference))


@bp.get("/schools/<code>/outstanding")
@page(*SCHOOL_STAFF)
def outstanding(code: str):
    """What is still owed, by class and by student, with CSV and XLSX downloads."""
    session = get_session()
    school = schools.get_school(session, actor=caller(), code=code)
    rows = reports.outstanding(session, school=school)
    shown = {"school": school, "rows": rows, "by_class": reports.by_class(rows)}
    return render_template("school/outstanding.html", **shown)
