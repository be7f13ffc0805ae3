"""The dashboard for bank and programme staff: tiles, charts, tables; filters in the URL."""

from flask import Blueprint, Flask, redirect, render_template, request, url_for

from market.auth import current_user
from market.db import get_session
from market.money import format_money_short, format_number, format_ratio
from market.stats.overview import dashboard_overview
from market.stats.periods import business_today

bp = Blueprint("dashboard", __name__, template_folder="../templates")
ROLES = ("admin", "bank_staff")
FORMATS = {
    "fmt": format_number,
    "money": format_money_short,
    "ratio": lambda v: format_ratio(v) if v is not None else "—",
}


def _refusal():
    """The answer to a browser that may not see the dashboard; None when it may."""
    user = current_user()
    if user is None:
        return redirect(url_for("pages.login", next=request.full_path))
    if user.role not in ROLES:
        return render_template("dashboard.html", forbidden=True), 403
    return None


@bp.get("/dashboard")
def dashboard():
    """The dashboard page (login: bank staff or admin)."""
    if refused := _refusal():
        return refused
    shown = dashboard_overview(get_session(), query=request.args, today=business_today())
    return render_template("dashboard.html", **shown, **FORMATS)


def init_app(app: Flask) -> None:
    """Register the dashboard."""
    app.register_blueprint(bp)
