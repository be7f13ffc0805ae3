"""Settlements over HTTP."""

from datetime import timedelta

from flask import Response, current_app
from flask_smorest import Blueprint

from market.auth import caller, require
from market.db import get_session, utcnow
from market.exports import Column, to_csv
from market.openapi import file_formats
from payments.ledger.service import READERS
from payments.settlement import service as settlement
from payments.settlement.schemas import (
    CloseDaySchema,
    FormatQuerySchema,
    SettlementPageSchema,
    SettlementQuerySchema,
    SettlementSchema,
)

blp = Blueprint(
    "settlements", __name__, url_prefix="/api/v1", description="Settlements and reconciliations"
)


def csv_response(rows: list, columns: list[Column], name: str) -> Response:
    """rows as a CSV attachment called name."""
    response = Response(to_csv(rows, columns), mimetype="text/csv")
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
@require(*READERS)
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
        return csv_response(page.items, settlement.SETTLEMENT_COLUMNS, "settlements.csv")
    return page


@blp.get("/settlements/<int:settlement_id>")
@require(*READERS)
@blp.arguments(FormatQuerySchema, location="query")
@blp.response(200, SettlementSchema)
@blp.doc(**file_formats("csv"))
def get_settlement(query, settlement_id):
    """One settlement; ?format=csv lists the exact payments it covers."""
    session = get_session()
    found = settlement.get_settlement(session, actor=caller(), settlement_id=settlement_id)
    if query["format"] == "csv":
        return csv_response(
            settlement.settled_payments(session, found),
            settlement.PAYMENT_COLUMNS,
            f"settlement-{settlement_id}.csv",
        )
    return found
