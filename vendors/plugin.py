"""How the vendors domain plugs into the application."""

from flask import Flask
from flask_smorest import Api

from market import plugins
from payments import domains
from vendors import (
    board_pages,
    import_pages,  # noqa: F401 - its routes join the market's pages
    pages,
    payees,
    placard_pages,
    service,
    sign_in_pages,
    stall_pages,
)
from vendors.cli import vendors_cli
from vendors.qr_views import blp as qr_blp
from vendors.sign_in_views import blp as sign_in_blp
from vendors.views import blp


def init_app(app: Flask, api: Api) -> None:
    """Register the blueprint, the market vendor counts and the vendor user scope."""
    api.register_blueprint(blp)
    api.register_blueprint(qr_blp)
    api.register_blueprint(sign_in_blp)
    sign_in_pages.init_app(app)
    stall_pages.init_app(app)
    app.cli.add_command(vendors_cli)
    app.register_blueprint(board_pages.bp)
    pages.init_app(app)
    placard_pages.init_app(app)
    plugins.plug_in(
        app,
        vendor_counter=service.count_by_status,
        user_bindings={"vendor": service.vendor_scope},
    )
    domains.plug_in(
        app,
        holders=payees.HOLDERS,
        assigners={"vendor_id": payees.assign_to_vendor},
        searches={"vendor_id": payees.search_vendors},
        namers={"vendor": payees.name_vendors},
        account_scopes={"market_manager": payees.manager_accounts},
        scopes={"market_manager": payees.manager_scope, "vendor": payees.vendor_scope},
    )
