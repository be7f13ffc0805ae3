"""The unmatched payments screens: money that came in but matched no one, why, and a person
assigning it (the same services as the API: list, get, assign)."""

from flask import flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from market.auth import caller
from market.db import get_session
from market.errors import AppError, NotFound
from market.fields import decode_cursor
from market.formats import format_vnd
from market.text import clean
from market.web import PageBlueprint, page
from market.web.access import safe_next
from payments.ledger import assignment, screens, service
from payments.ledger.service import CORRECTORS

bp = PageBlueprint("payment_pages", __name__, template_folder="../templates")
PAGE_SIZE = 50
bp.add_app_template_global(screens.payee_page, "payee_page")
bp.add_app_template_global(screens.target_page, "target_page")
NOT_YOURS = "Không tìm thấy nơi nhận này trong phạm vi bạn phụ trách."


def after() -> int | None:
    """The cursor of the page asked for; a cursor we did not make starts from the top."""
    try:
        return decode_cursor(request.args.get("after", ""))
    except ValidationError:
        return None


@bp.get("/payments/unmatched")
@page(*CORRECTORS)
def unmatched():
    """The unmatched payments the user may see, oldest first, each with why; what the
    search in one payment's row found to assign it to (as one types, or on submit)."""
    session = get_session()
    found = service.list_payments(
        session, actor=caller(), status="unmatched", limit=PAGE_SIZE, after=after()
    )
    chosen, q = request.args.get("for", type=int), request.args.get("q", "")
    groups = screens.assign_choices(session, caller(), q) if chosen and q.strip() else []
    shown = {"rows": screens.rows(session, found.items), "next_after": found.next_cursor}
    choosing = {"chosen": chosen, "q": q[: screens.SEARCH_LENGTH], "groups": groups}
    after_text = request.args.get("after", "")[:40]
    return render_template("payments/unmatched.html", after=after_text, **shown, **choosing)


def _payment_page(payment_id: int, q: str, errors: dict | None = None, status: int = 200):
    session = get_session()
    payment = service.get_payment(session, actor=caller(), payment_id=payment_id)
    row = screens.rows(session, service.annotate(session, [payment]))[0]
    groups = screens.assign_choices(session, caller(), q) if q.strip() else []
    shown = {"row": row, "q": q[: screens.SEARCH_LENGTH], "groups": groups, "errors": errors or {}}
    return render_template("payments/payment.html", **shown), status


@bp.get("/payments/<int:payment_id>")
@page(*CORRECTORS)
def payment(payment_id: int):
    """One payment, what it matched and why; when unmatched, search what to assign it to."""
    return _payment_page(payment_id, request.args.get("q", ""))


@bp.post("/payments/<int:payment_id>/assign")
@page(*CORRECTORS)
def assign(payment_id: int):
    """Assign the payment to the choice made; a refusal is said beside the form."""
    session, q = get_session(), request.form.get("q", "")
    service.get_payment(session, actor=caller(), payment_id=payment_id)  # else the 404 page
    try:
        field, value = screens.chosen(request.form.get("choice", ""))
        reason = clean(request.form.get("reason"))[:500] or None
        done = assignment.assign(
            session, actor=caller(), payment_id=payment_id, field=field, value=value, reason=reason
        )
    except NotFound:
        return _payment_page(payment_id, q, {"choice": [NOT_YOURS]}, 404)
    except AppError as error:
        return _payment_page(payment_id, q, {"choice": screens.refusal(error)}, error.status)
    payee = screens.rows(session, [done])[0].payee
    flash(f"Đã gán giao dịch {format_vnd(done.amount)} cho {payee.label}.", "ok")
    back = safe_next(request.form.get("next"))  # the list, when assigned from its row
    return redirect(back or url_for(".payment", payment_id=payment_id))
