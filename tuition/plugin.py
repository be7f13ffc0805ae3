"""How the tuition domain plugs into the application."""

from flask import Flask
from flask_smorest import Api

from payments.domains import registry
from tuition import invoice_views, invoices, pages, schools, views


def init_app(app: Flask, api: Api) -> None:
    """Blueprints, the parents' page, and schools and invoices as payees and targets."""
    api.register_blueprint(views.blp)
    api.register_blueprint(invoice_views.blp)
    pages.init_app(app)
    app.extensions.setdefault("user_scopes", {})["school"] = schools.school_scope
    registry.add_payee_query(invoices.HOLDERS)
    registry.target_finders["HP"] = invoices.find_invoice
    registry.target_appliers["invoice"] = invoices.apply_to_invoice
    registry.assigners["invoice_reference"] = invoices.assign_invoice
    registry.scopes["school_admin"] = invoices.school_admin_scope
