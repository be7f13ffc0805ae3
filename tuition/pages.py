"""The parents' page: find a child's open invoices with a QR to scan (`tuition.parents`)."""

from flask import Blueprint, Flask, Response, render_template, request

from market.db import get_session
from tuition import parents

bp = Blueprint("pay", __name__, template_folder="templates")


@bp.route("/pay", methods=["GET", "POST"])
def pay():
    """The form, and what it finds."""
    if request.method == "GET":
        return render_template("pay.html", form={})
    question = parents.pay_question(request.form)
    answer = parents.find_open_invoices(question=question, client=request.remote_addr)
    return render_template("pay.html", form=question, **answer.shown), answer.status


@bp.get("/pay/qr/<reference>.png")
def invoice_qr(reference: str):
    """The QR of an open invoice's balance."""
    png = parents.invoice_qr(get_session(), reference=reference)
    return Response(png, mimetype="image/png") if png else Response("", status=404)


def init_app(app: Flask) -> None:
    """Register the parents' page."""
    app.register_blueprint(bp)
