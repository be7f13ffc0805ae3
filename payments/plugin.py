"""How the payments domain plugs into the application."""

from flask import Flask
from flask_smorest import Api

from market.errors import Conflict, NotFound
from payments.domains import registry
from payments.ingest import views as ingest_views
from payments.ingest.cli import providers_cli
from payments.ledger import views as ledger_views
from payments.qr import views as qr_views
from payments.qr.cli import qr_cli
from payments.qr.service import apply_to_payment_request, find_payment_request
from payments.reconciliation import views as reconciliation_views
from payments.rollups.cli import stats_cli
from payments.settlement import views as settlement_views
from payments.settlement.cli import settlements_cli


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
    for views in (qr_views, ingest_views, ledger_views, settlement_views, reconciliation_views):
        api.register_blueprint(views.blp)
    for group in (qr_cli, providers_cli, settlements_cli, stats_cli):
        app.cli.add_command(group)
    registry.target_finders["CH"] = find_payment_request
    registry.target_appliers["payment_request"] = apply_to_payment_request
    registry.assigners["reference"] = _assign_payment_request
