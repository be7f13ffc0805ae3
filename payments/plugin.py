"""How the payments domain plugs into the application."""

from flask import Flask
from flask_smorest import Api

from payments import domains
from payments.ingest import views as ingest_views
from payments.ingest.cli import providers_cli
from payments.ledger import pages as ledger_pages
from payments.ledger import views as ledger_views
from payments.qr import service as qr
from payments.qr import views as qr_views
from payments.qr.cli import qr_cli
from payments.reconciliation import pages as reconciliation_pages
from payments.reconciliation import views as reconciliation_views
from payments.rollups.cli import stats_cli
from payments.settlement import pages as settlement_pages
from payments.settlement import views as settlement_views
from payments.settlement.cli import settlements_cli


def init_app(app: Flask, api: Api) -> None:
    """The hub other domains plug into, the blueprints, the commands, and payment requests
    as a kind of target."""
    domains.init_app(app)
    for views in (qr_views, ingest_views, ledger_views, settlement_views, reconciliation_views):
        api.register_blueprint(views.blp)
    for pages in (ledger_pages, settlement_pages, reconciliation_pages):
        app.register_blueprint(pages.bp)
    for group in (qr_cli, providers_cli, settlements_cli, stats_cli):
        app.cli.add_command(group)
    domains.plug_in(
        app,
        targets={
            "CH": domains.TargetKind(
                "payment_request", qr.find_payment_request, qr.apply_to_payment_request
            )
        },
        assigners={"reference": qr.assign_payment_request},
        searches={"reference": qr.search_payment_requests},
    )
