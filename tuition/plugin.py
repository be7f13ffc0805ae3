"""How the tuition domain plugs into the application."""

from flask import Flask
from flask_smorest import Api

from market import people
from payments.registry import registry
from tuition import invoice_views, invoices, pages, schools, staff, views


def init_app(app: Flask, api: Api) -> None:
    """Blueprints, the parents' page, and schools and invoices as payees and targets."""
    api.register_blueprint(views.blp)
    api.register_blueprint(invoice_views.blp)
    pages.init_app(app)
    app.extensions.setdefault("user_scopes", {})["school"] = schools.school_scope
    people.register_bound_kind("school", column="school_id", records=staff.school_records)
    registry.add_payee_query(invoices.HOLDERS)
    registry.target_finders["HP"] = invoices.find_invoice
    registry.target_appliers["invoice"] = invoices.apply_to_invoice
    registry.assigners["invoice_reference"] = invoices.assign_invoice
    registry.scopes["school_admin"] = invoices.school_admin_scope
