"""The dashboard for bank and programme staff: tiles, charts, a table by the chosen grouping,
filters by name in the URL, and the table as CSV or XLSX."""

from flask import Flask, Response, render_template, request

from market.db import get_session
from market.stats.page import dashboard_page
from market.stats.periods import business_today
from market.stats.service import Download
from market.web import PageBlueprint, page

bp = PageBlueprint("dashboard", __name__, template_folder="../templates")


def _file(download: Download) -> Response:
    response = Response(download.data, mimetype=download.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response


@bp.get("/dashboard")
@page("admin", "bank_staff")
def dashboard():
    """The dashboard page; with ?format=csv or xlsx, the table it shows as a file."""
    shown = dashboard_page(get_session(), args=request.args, today=business_today())
    if isinstance(shown, Download):
        return _file(shown)
    return render_template("dashboard.html", **shown)


def init_app(app: Flask) -> None:
    """Register the dashboard."""
    app.register_blueprint(bp)
