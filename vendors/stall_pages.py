"""The vendor's phone: /stall (today's takings, live; charge an amount; placard; settlements)
and /stall/events (the live channel, Server-Sent Events). The same services as the API."""

from flask import Flask, Response, current_app, redirect, render_template, request, url_for

from market.auth import caller
from market.banks import bank_by_bin
from market.db import get_session
from market.errors import ValidationFailed
from market.web import PageBlueprint, page
from market.web.forms import form_errors
from payments import live
from vendors import stall

bp = PageBlueprint("stall", __name__, template_folder="templates")
HEARTBEAT_SECONDS = 15  # a comment this often keeps proxies and phones from closing the line
STREAM_SECONDS = 600  # then the browser reconnects (with Last-Event-ID): workers rebalance
EVENT_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


@bp.get("/stall")
@page("vendor")
def today():
    """Today at the stall: the takings so far, live, and the charge form."""
    takings = stall.takings_today(get_session(), actor=caller())
    return render_template("stall/today.html", takings=takings, errors={}, form={})


@bp.post("/stall/charge")
@page("vendor")
def charge():
    """Charge an amount: a QR with it, then the page that waits for the transfer."""
    form = {"amount": request.form.get("amount", "")[:40]}
    try:
        amount = stall.parse_amount(form["amount"])
        made = stall.charge(get_session(), actor=caller(), amount=amount)
    except ValidationFailed as error:
        takings = stall.takings_today(get_session(), actor=caller())
        shown = render_template(
            "stall/today.html", takings=takings, errors=form_errors(error), form=form
        )
        return shown, 422
    return redirect(url_for(".charged", reference=made.reference))


@bp.get("/stall/charge/<reference>")
@page("vendor")
def charged(reference: str):
    """The full-screen QR of a charge, or "Đã nhận …" once it is paid."""
    request_ = stall.my_charge(get_session(), actor=caller(), reference=reference)
    return render_template("stall/charge.html", charge=request_)


@bp.get("/stall/settlements")
@page("vendor")
def settlements():
    """The stall's settled days, each with its payments."""
    days = stall.settled_days(get_session(), actor=caller())
    return render_template("stall/settlements.html", days=days)


def _resume_after(vendor_id: int) -> int:
    """Where the stream starts: after Last-Event-ID (a reconnect), ?after= (the page's last
    row), else after the stall's latest payment."""
    for given in (request.headers.get("Last-Event-ID"), request.args.get("after")):
        if given and given.strip().isdigit() and len(given.strip()) < 19:
            return int(given)
    return live.last_payment_id(get_session(), ("vendor", vendor_id))


def _spoken(event: dict) -> dict:
    return {"spoken": stall.spoken(event["amount"])} if event["kind"] == "payment" else {}


@bp.get("/stall/events")
@page("vendor")
def events():
    """The stall's payments as they land: `event: payment` / `reversal`, `id:` the payment id."""
    vendor = stall.my_stall(get_session(), actor=caller())
    config = current_app.config
    body = live.stream(
        live.hub_of_app(current_app),
        ("vendor", vendor.id),
        _resume_after(vendor.id),
        heartbeat=config.get("LIVE_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS),
        lifetime=config.get("LIVE_STREAM_SECONDS", STREAM_SECONDS),
        extra=_spoken,
    )
    return Response(body, mimetype="text/event-stream", headers=EVENT_HEADERS)


def _payer_bank(bin_: str | None) -> str:
    bank = bank_by_bin(bin_) if bin_ else None
    return bank.short_name if bank else "—"


def init_app(app: Flask) -> None:
    """Register the vendor's pages."""
    app.register_blueprint(bp)
    app.jinja_env.filters["payer_bank"] = _payer_bank
