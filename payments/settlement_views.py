"""Settlements and reconciliations over HTTP."""

from datetime import timedelta

from flask import Response, current_app
from flask_smorest import Blueprint

from market.auth import caller, require
from market.db import get_session, utcnow
from market.openapi import file_formats
from payments import ledger, reconciliation, settlement
from payments.ledger_views import payer_key
from payments.schemas import (
    CloseDaySchema,
    FormatQuerySchema,
    ImportMissingSchema,
    ReconciliationFormSchema,
    ReconciliationSchema,
    SettlementPageSchema,
    SettlementQuerySchema,
    SettlementSchema,
    UploadSchema,
)

blp = Blueprint(
    "settlements", __name__, url_prefix="/api/v1", description="Settlements and reconciliations"
)


def _csv(text: str, name: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blp.post("/settlements/close")
@require("admin")
@blp.arguments(CloseDaySchema)
@blp.response(200, SettlementSchema(many=True))
def close_day(body):
    """Close a business day into settlements (idempotent; after the grace period)."""
    grace = timedelta(minutes=current_app.config["SETTLEMENT_GRACE_MINUTES"])
    return settlement.close_business_day(
        get_session(),
        business_date=body["business_date"],
        actor=caller(),
        now=utcnow(),
        grace=grace,
    )


@blp.get("/settlements")
@require(*ledger.READERS)
@blp.arguments(SettlementQuerySchema, location="query")
@blp.response(200, SettlementPageSchema)
@blp.doc(**file_formats("csv"))
def list_settlements(query):
    """Settlements of the payees the caller may see; ?format=csv for a spreadsheet."""
    as_csv = query.pop("format") == "csv"
    if as_csv:
        query["limit"] = 100_000
    page = settlement.list_settlements(
        get_session(), actor=caller(), after=query.pop("cursor"), **query
    )
    if as_csv:
        return _csv(settlement.to_csv(page.items, settlement.SETTLEMENT_COLUMNS), "settlements.csv")
    return page


@blp.get("/settlements/<int:settlement_id>")
@require(*ledger.READERS)
@blp.arguments(FormatQuerySchema, location="query")
@blp.response(200, SettlementSchema)
@blp.doc(**file_formats("csv"))
def get_settlement(query, settlement_id):
    """One settlement; ?format=csv lists the exact payments it covers."""
    session = get_session()
    found = settlement.get_settlement(session, actor=caller(), settlement_id=settlement_id)
    if query["format"] == "csv":
        return _csv(
            settlement.to_csv(
                settlement.settled_payments(session, found), settlement.PAYMENT_COLUMNS
            ),
            f"settlement-{settlement_id}.csv",
        )
    return found


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
    return {
        "id": run.id,
        "filename": run.filename,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "created_at": run.created_at,
        **reconciliation.bucket_names(counts),
    }


@blp.get("/reconciliations/<int:run_id>")
@require("admin")
@blp.arguments(FormatQuerySchema, location="query")
@blp.response(200, ReconciliationSchema)
@blp.doc(**file_formats("csv"))
def get_reconciliation(query, run_id):
    """A kept run with every finding; ?format=csv to export it."""
    run, lines = reconciliation.get_run(get_session(), actor=caller(), run_id=run_id)
    if query["format"] == "csv":
        return _csv(
            settlement.to_csv(lines, reconciliation.LINE_COLUMNS), f"reconciliation-{run_id}.csv"
        )
    return {
        "id": run.id,
        "filename": run.filename,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "created_at": run.created_at,
        "lines": lines,
        **reconciliation.run_summary(lines),
    }


@blp.post("/reconciliations/<int:run_id>/import-missing")
@require("admin")
@blp.response(200, ImportMissingSchema)
def import_missing(run_id):
    """Record the statement lines the ledger missed, exactly once, as any notification."""
    results = reconciliation.import_missing(
        get_session(), actor=caller(), run_id=run_id, payer_key=payer_key()
    )
    return {"results": results}
