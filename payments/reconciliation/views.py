"""Reconciliations over HTTP."""

from flask_smorest import Blueprint

from market.auth import caller, require
from market.db import get_session
from market.openapi import file_formats
from payments.ingest.views import payer_key
from payments.reconciliation import service as reconciliation
from payments.reconciliation.schemas import (
    ImportMissingSchema,
    ReconciliationFormSchema,
    ReconciliationSchema,
    UploadSchema,
)
from payments.settlement.schemas import FormatQuerySchema
from payments.settlement.views import csv_response

blp = Blueprint("reconciliations", __name__, url_prefix="/api/v1", description="Reconciliations")


@blp.post("/reconciliations")
@require("admin")
@blp.arguments(ReconciliationFormSchema, location="form")
@blp.arguments(UploadSchema, location="files")
@blp.response(201, ReconciliationSchema)
def reconcile(form, files):
    """Hold a provider statement (CSV) against the ledger; the run is kept."""
    upload = files["file"]
    run, counts = reconciliation.run_reconciliation(
        get_session(),
        actor=caller(),
        provider_name=form["provider"],
        data=upload.read(),
        filename=upload.filename,
    )
    return reconciliation.described(run, counts)


@blp.get("/reconciliations/<int:run_id>")
@require("admin")
@blp.arguments(FormatQuerySchema, location="query")
@blp.response(200, ReconciliationSchema)
@blp.doc(**file_formats("csv"))
def get_reconciliation(query, run_id):
    """A kept run with every finding; ?format=csv to export it."""
    found = reconciliation.run_with_findings(get_session(), actor=caller(), run_id=run_id)
    if query["format"] == "csv":
        name = f"reconciliation-{run_id}.csv"
        return csv_response(found["lines"], reconciliation.LINE_COLUMNS, name)
    return found


@blp.post("/reconciliations/<int:run_id>/import-missing")
@require("admin")
@blp.response(200, ImportMissingSchema)
def import_missing(run_id):
    """Record the statement lines the ledger missed, exactly once, as any notification."""
    results = reconciliation.import_missing(
        get_session(), actor=caller(), run_id=run_id, payer_key=payer_key()
    )
    return {"results": results}
