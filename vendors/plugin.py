"""How the vendors domain plugs into the application."""

from flask import Flask
from flask_smorest import Api

from market.markets.service import register_vendor_counter
from payments.domains import registry
from vendors import payees, service
from vendors.cli import vendors_cli
from vendors.qr_views import blp as qr_blp
from vendors.views import blp


def init_app(app: Flask, api: Api) -> None:
    """Register the blueprint, the market vendor counts and the vendor user scope."""
    api.register_blueprint(blp)
    api.register_blueprint(qr_blp)
    register_vendor_counter(service.count_by_status)
    app.cli.add_command(vendors_cli)
    app.extensions.setdefault("user_scopes", {})["vendor"] = service.vendor_scope
    registry.add_payee_query(payees.HOLDERS)
    registry.assigners["vendor_id"] = payees.assign_to_vendor
    registry.scopes["market_manager"] = payees.manager_scope
    registry.scopes["vendor"] = payees.vendor_scope
