"""The vendor page (/vendors/<id>) for the market board: details, status actions, history in
words, last payments and settlements, the placard. The same services as the API."""

from flask import Flask, flash, redirect, render_template, request, url_for

from market.auth import caller
from market.db import get_session
from market.errors import Conflict, ValidationFailed
from market.web import PageBlueprint, page
from market.web.forms import form_errors
from vendors import activity, service
from vendors.rules import ACTIONS

bp = PageBlueprint("vendor_pages", __name__, template_folder="templates")
DONE = {  # action → the flash after it
    "activate": "Đã kích hoạt tiểu thương {name} (sạp {stall}).",
    "suspend": "Đã tạm ngưng tiểu thương {name} (sạp {stall}).",
    "close": "Đã cho tiểu thương {name} (sạp {stall}) ngừng kinh doanh.",
}


def _shown(vendor_id: int, form: dict, errors: dict, status: int = 200):
    shown = activity.vendor_page(get_session(), actor=caller(), vendor_id=vendor_id)
    return render_template("vendors/detail.html", shown=shown, form=form, errors=errors), status


@bp.get("/vendors/<int:vendor_id>")
@page(*service.MANAGERS)
def vendor_detail(vendor_id: int):
    """One vendor: details, status and its actions, history, payments, settlements, placard."""
    return _shown(vendor_id, form={}, errors={})


@bp.post("/vendors/<int:vendor_id>/status")
@page(*service.MANAGERS)
def change_status(vendor_id: int):
    """Activate, suspend or close the vendor (suspend and close with a reason)."""
    form = {k: request.form.get(k, "").strip() for k in ("action", "reason")}
    try:
        if form["action"] not in ACTIONS:
            raise ValidationFailed.on("action", "choose an action")
        vendor = service.change_status(
            get_session(), actor=caller(), vendor_id=vendor_id, reason_required=True, **form
        )
    except (ValidationFailed, Conflict) as error:
        return _shown(vendor_id, form, form_errors(error), error.status)
    flash(DONE[form["action"]].format(name=vendor.full_name, stall=vendor.stall), "ok")
    return redirect(url_for(".vendor_detail", vendor_id=vendor_id))


def init_app(app: Flask) -> None:
    """Register the vendor pages."""
    app.register_blueprint(bp)
