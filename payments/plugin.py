"""How the payments domain plugs into the application."""

from flask import Flask
from flask_smorest import Api

from market.errors import Conflict, NotFound
from payments import ledger_views, settlement_views
from payments.cli import providers_cli, qr_cli, settlements_cli, stats_cli
from payments.registry import registry
from payments.targets import apply_to_payment_request, find_payment_request
from payments.views import blp


def _assign_payment_request(session, _actor, value: str):
    target = find_payment_request(session, value.strip().upper())
    if target is None:
        raise NotFound(f"no payment request {value}")
    if target.paid:  # a person may still decide a late transfer pays an expired one
        raise Conflict(
            f"payment request {target.reference} is already paid",
            errors={"reference": ["already paid"]},
        )
    return target.payee, target


def init_app(app: Flask, api: Api) -> None:
    """Register the blueprints, the commands, and payment requests as a kind of target."""
    for blueprint in (blp, ledger_views.blp, settlement_views.blp):
        api.register_blueprint(blueprint)
    for group in (qr_cli, providers_cli, settlements_cli, stats_cli):
        app.cli.add_command(group)
    registry.target_finders["CH"] = find_payment_request
    registry.target_appliers["payment_request"] = apply_to_payment_request
    registry.assigners["reference"] = _assign_payment_request
