"""The parents' page: find a child's invoices with the school's account, a QR to save and
texts to copy; receipts and the live status by signed links (`tuition.parents`)."""

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)

from market.db import get_session
from tuition import parents
from tuition.links import LinkRefused, Links

bp = Blueprint("pay", __name__, template_folder="templates")


def _links() -> Links:
    return Links(current_app.secret_key)


@bp.route("/pay", methods=["GET", "POST"])
def pay():
    """The form, and what it finds."""
    if request.method == "GET":
        return render_template("pay.html", form={})
    question = parents.pay_question(request.form)
    answer = parents.find_invoices(question=question, client=request.remote_addr, links=_links())
    return render_template("pay.html", form=question, **answer.shown), answer.status


@bp.get("/pay/qr/<reference>.png")
def invoice_qr(reference: str):
    """The QR of an open invoice's balance; with ?save=1, as a file to keep."""
    found = parents.invoice_qr(get_session(), reference=reference)
    if found is None:
        return Response("", status=404)
    png, name = found
    response = Response(png, mimetype="image/png")
    if request.args.get("save"):
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/pay/status")
def invoice_status():
    """The state of the invoice a status link names, as JSON (the page asks every 2.5 s)."""
    answer = parents.invoice_status(
        token=request.args.get("t"), client=request.remote_addr, links=_links()
    )
    for receipt in answer.shown.get("receipts", []):
        receipt["url"] = url_for("pay.receipt", t=receipt.pop("token"))
    return jsonify(answer.shown), answer.status


@bp.get("/pay/receipt.pdf")
def receipt():
    """The receipt PDF a receipt link names; a forged or expired link gets the form again."""
    try:
        data, name = parents.receipt_pdf(get_session(), token=request.args.get("t"), links=_links())
    except LinkRefused as refused:
        error = "link_expired" if refused.expired else "link_refused"
        return render_template("pay.html", form={}, error=error), 410 if refused.expired else 404
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def init_app(app: Flask) -> None:
    """Register the parents' page."""
    app.register_blueprint(bp)
