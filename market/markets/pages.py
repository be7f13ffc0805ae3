"""Markets (/markets): an admin's list of the markets with their vendors by status, and the
form that registers a market. The same services as the API."""

from flask import flash, redirect, render_template, request, url_for

from market.db import get_session
from market.errors import Conflict, ValidationFailed
from market.markets import service
from market.markets.schemas import MarketCreateSchema
from market.web import PageBlueprint, page
from market.web.forms import form_errors, load_form

bp = PageBlueprint("markets_pages", __name__, template_folder="templates")
FIELDS = ("code", "name", "ward_code", "ward_name", "legacy_district", "address")
STATUSES = ("active", "pending", "suspended", "closed")


def _render(form: dict, errors: dict, status: int = 200):
    session = get_session()
    markets = service.all_markets(session)
    counts = service.vendor_counts(session, markets)
    shown = render_template(
        "markets/list.html",
        markets=markets,
        counts=counts,
        statuses=STATUSES,
        form=form,
        errors=errors,
    )
    return shown, status


@bp.get("/markets")
@page("admin")
def market_list():
    """Every market with its vendors by status; the form for a new market."""
    return _render({}, {})


@bp.post("/markets")
@page("admin")
def create_market():
    """Register a market (the form's errors in Vietnamese beside their fields)."""
    form = {k: request.form.get(k, "")[:300] for k in FIELDS}
    try:
        market = service.create_market(get_session(), **load_form(MarketCreateSchema(), form))
    except (ValidationFailed, Conflict) as error:
        return _render(form, form_errors(error), error.status)
    flash(f"Đã thêm {market.name} ({market.code}).", "ok")
    return redirect(url_for("markets_pages.market_list"))
