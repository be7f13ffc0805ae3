"""How the tuition domain plugs into the application."""

from flask import Flask
from flask_smorest import Api

from market import plugins
from payments import domains
from tuition import (
    invoice_pages,
    invoice_reads,
    invoice_views,
    invoices,
    pages,
    plan_pages,
    school_list_pages,
    schools,
    staff,
    student_pages,
    views,
)


def init_app(app: Flask, api: Api) -> None:
    """Blueprints, the parents' page, and schools and invoices as payees and targets."""
    api.register_blueprint(views.blp)
    api.register_blueprint(invoice_views.blp)
    pages.init_app(app)
    app.register_blueprint(school_list_pages.bp)
    for blueprint in (student_pages.bp, plan_pages.bp, invoice_pages.bp):
        app.register_blueprint(blueprint)
    plugins.plug_in(
        app,
        user_bindings={"school": schools.school_scope},
        bound_kinds={"school": ("school_id", staff.school_records)},
    )
    domains.plug_in(
        app,
        holders=invoices.HOLDERS,
        targets={
            "HP": domains.TargetKind("invoice", invoices.find_invoice, invoices.apply_to_invoice)
        },
        assigners={"invoice_reference": invoices.assign_invoice},
        scopes={"school_admin": invoices.school_admin_scope},
        searches={"invoice_reference": invoice_reads.search_invoices},
    )
    domains.plug_in(app, namers={"school": schools.name_schools})
