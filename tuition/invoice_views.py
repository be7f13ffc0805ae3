"""Invoices, their QR codes, cash, receipts and the outstanding report over HTTP."""

from flask import Response
from flask_smorest import Blueprint

from market.auth import caller, require
from market.db import get_session
from market.openapi import file_formats
from payments.ledger.schemas import PaymentDetailSchema
from payments.qr.image import qr_png
from tuition import invoice_reads, invoices, reports, schools
from tuition.invoice_sheet import render_notices
from tuition.schemas import (
    CashSchema,
    ClassQuerySchema,
    InvoiceDetailSchema,
    InvoicePageSchema,
    InvoiceQuerySchema,
    OutstandingSchema,
    ReceiptSchema,
    ReportQuerySchema,
    VoidSchema,
)

blp = Blueprint("invoices", __name__, url_prefix="/api/v1", description="Invoices")


@blp.get("/invoices")
@require(*schools.STAFF)
@blp.arguments(InvoiceQuerySchema, location="query")
@blp.response(200, InvoicePageSchema)
def list_invoices(query):
    """Invoices by school, class and status."""
    session = get_session()
    code = query.pop("school", None)
    school = schools.get_school(session, actor=caller(), code=code) if code else None
    return invoices.list_invoices(
        session, actor=caller(), school=school, after=query.pop("cursor"), **query
    )


@blp.get("/invoices/<reference>")
@require(*schools.STAFF)
@blp.response(200, InvoiceDetailSchema)
def get_invoice(reference):
    """An invoice with its lines, what was paid, the balance and its receipts."""
    return invoices.get_invoice(get_session(), actor=caller(), reference=reference)


@blp.get("/invoices/<reference>/qr.png")
@require(*schools.STAFF)
@blp.response(200)
@blp.doc(**file_formats("png"))
def invoice_qr(reference):
    """A QR for the balance due, the reference inside."""
    session = get_session()
    invoice = invoices.get_invoice(session, actor=caller(), reference=reference)
    return Response(qr_png(invoices.invoice_payload(session, invoice)), mimetype="image/png")


@blp.post("/invoices/<reference>/cash-payments")
@require(*schools.STAFF)
@blp.arguments(CashSchema)
@blp.response(201, PaymentDetailSchema)
def record_cash(body, reference):
    """Cash received by the accountant, recorded as a payment (method cash)."""
    from payments.ledger.service import annotate

    session = get_session()
    payment = invoices.record_cash(session, actor=caller(), reference=reference, **body)
    return annotate(session, [payment])[0]


@blp.post("/invoices/<reference>/void")
@require(*schools.STAFF)
@blp.arguments(VoidSchema)
@blp.response(200, InvoiceDetailSchema)
def void_invoice(body, reference):
    """Cancel an invoice on which nothing was paid."""
    return invoices.void_invoice(get_session(), actor=caller(), reference=reference, **body)


@blp.get("/payments/<int:payment_id>/receipt")
@require(*schools.STAFF)
@blp.response(200, ReceiptSchema)
def receipt_details(payment_id):
    """A payment's receipt: its number, and whether it was cancelled (payment reversed)."""
    return invoices.receipt_for(get_session(), actor=caller(), payment_id=payment_id)


@blp.get("/payments/<int:payment_id>/receipt.pdf")
@require(*schools.STAFF)
@blp.response(200)
@blp.doc(**file_formats("pdf"))
def receipt(payment_id):
    """The numbered receipt of a payment to a school."""
    data, number = reports.receipt_pdf(get_session(), actor=caller(), payment_id=payment_id)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="bien-lai-{number}.pdf"'
    return response


@blp.get("/schools/<code>/outstanding")
@require(*schools.STAFF)
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, OutstandingSchema)
@blp.doc(**file_formats("csv", "xlsx"))
def outstanding(query, code):
    """What is still due, by class and student, with days overdue (json, csv or xlsx)."""
    session = get_session()
    school = schools.get_school(session, actor=caller(), code=code)
    rows = reports.outstanding(session, school=school)
    return reports.render(rows, query["format"], school)


@blp.get("/schools/<code>/invoices.pdf")
@require(*schools.STAFF)
@blp.arguments(ClassQuerySchema, location="query")
@blp.response(200)
@blp.doc(**file_formats("pdf"))
def class_notices(query, code):
    """A class's payment notices to hand to parents: one A5 page per invoice with its QR."""
    session = get_session()
    school = schools.get_school(session, actor=caller(), code=code)
    notices = invoice_reads.class_notices(session, school=school, **query)
    response = Response(render_notices(notices), mimetype="application/pdf")
    name = f"thong-bao-{school.code}-{notices[0].class_name if notices else 'lop'}"
    response.headers["Content-Disposition"] = f'inline; filename="{name.replace("/", "-")}.pdf"'
    return response
