"""Signing a vendor's phone in: the board's sign-in link (QR and card) and devices, and the
phone's confirm page. The same services as the API."""

import base64

from flask import Flask, redirect, render_template, request, session, url_for

from market.auth import SESSION_KEY, caller
from market.db import get_session
from market.users import end_session
from market.web import PageBlueprint, page
from market.web.access import safe_next
from payments.qr.image import qr_png
from vendors import sign_in
from vendors.service import get_vendor

bp = PageBlueprint("stall_sign_in", __name__, template_folder="templates")
BOARD = ("admin", "market_manager")
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def link_url(token: str) -> str:
    """The address a phone opens to sign in."""
    return url_for("stall_sign_in.confirm", token=token, _external=True)


@bp.get("/vendors/<int:vendor_id>/sign-in")
@page(*BOARD)
def devices(vendor_id: int):
    """A vendor's sign-in link and signed-in phones (also a part of the vendor's page)."""
    vendor = get_vendor(get_session(), actor=caller(), vendor_id=vendor_id)
    return render_template("vendors/sign_in.html", vendor=vendor)


@bp.post("/vendors/<int:vendor_id>/sign-in-links")
@page(*BOARD)
def create_link(vendor_id: int):
    """Make a one-time link: its QR and a card to print, shown once."""
    link = sign_in.create_login_link(get_session(), actor=caller(), vendor_id=vendor_id)
    url = link_url(link.token)
    qr = base64.b64encode(qr_png(url, size=480)).decode()
    return render_template("vendors/sign_in_link.html", link=link, url=url, qr=qr), 200, NO_STORE


@bp.post("/vendors/<int:vendor_id>/devices/<int:device_id>/sign-out")
@page(*BOARD)
def sign_out(vendor_id: int, device_id: int):
    """Sign one of the vendor's phones out, then back to where the board came from."""
    sign_in.sign_out_device(get_session(), actor=caller(), vendor_id=vendor_id, device_id=device_id)
    back = safe_next(request.form.get("back"))
    return redirect(back or url_for(".devices", vendor_id=vendor_id))


@bp.get("/stall/login/<token>")
def confirm(token: str):
    """The phone's confirm page: a bare GET (a messenger's preview robot) spends nothing."""
    try:
        vendor = sign_in.link_vendor(get_session(), token=token)
    except sign_in.LinkRefused:
        return render_template("stall/link_refused.html"), 410, NO_STORE
    return render_template("stall/confirm.html", vendor=vendor, token=token), 200, NO_STORE


@bp.post("/stall/login/<token>")
def use_link(token: str):
    """Spend the link: this phone is signed in as the vendor for 90 days."""
    db_session = get_session()
    agent = request.headers.get("User-Agent", "")
    try:
        key = sign_in.use_login_link(db_session, token=token, user_agent=agent)
    except sign_in.LinkRefused:
        return render_template("stall/link_refused.html"), 410, NO_STORE
    if isinstance(session.get(SESSION_KEY), str):
        end_session(db_session, key=session[SESSION_KEY])
    session.clear()
    session.permanent = True  # the cookie outlives the browser, as the device does
    session[SESSION_KEY] = key
    return redirect(url_for("stall.today"))


def _devices_of(vendor_id: int) -> list:
    return sign_in.vendor_devices(get_session(), actor=caller(), vendor_id=vendor_id)


def init_app(app: Flask) -> None:
    """Register the pages, and what the vendor page's sign-in section asks for."""
    app.register_blueprint(bp)
    app.jinja_env.globals["vendor_devices"] = _devices_of
    app.jinja_env.filters["browser"] = sign_in.browser_of
