"""The vendor's phone: /stall (today's takings, live; charge an amount; placard; settlements)
and /stall/events (the live channel). The same services as the API."""

from flask import Flask, render_template

from market.auth import caller
from market.db import get_session
from market.web import PageBlueprint, page
from vendors.service import get_vendor

bp = PageBlueprint("stall", __name__, template_folder="templates")


@bp.get("/stall")
@page("vendor")
def today():
    """Today at the stall: the takings so far, live."""
    vendor = get_vendor(get_session(), actor=caller(), vendor_id=caller().vendor_id)
    return render_template("stall/today.html", vendor=vendor)


def init_app(app: Flask) -> None:
    """Register the vendor's pages."""
    app.register_blueprint(bp)
