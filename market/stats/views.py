"""Statistics over HTTP: JSON, CSV and XLSX (Vietnamese headers, numbers as numbers)."""

from flask import Response
from flask_smorest import Blueprint

from market.auth import require
from market.db import get_session
from market.openapi import file_formats
from market.stats import service
from market.stats.periods import business_today
from market.stats.schemas import (
    AdoptionQuerySchema,
    AdoptionReportSchema,
    TuitionQuerySchema,
    TuitionReportSchema,
)
from market.stats.service import Download

blp = Blueprint("stats", __name__, url_prefix="/api/v1/stats", description="Statistics")
READERS = ("admin", "bank_staff")


def _answer(figures: dict | Download):
    if isinstance(figures, dict):
        return figures
    response = Response(figures.data, mimetype=figures.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{figures.filename}"'
    return response


@blp.get("/adoption")
@require(*READERS)
@blp.arguments(AdoptionQuerySchema, location="query")
@blp.response(200, AdoptionReportSchema)
@blp.doc(**file_formats("csv", "xlsx", description="JSON, or with ?format= a CSV or XLSX file"))
def adoption_stats(query):
    """Acceptance points, activity, transactions and payers, against a year earlier."""
    figures = service.adoption_figures(get_session(), query=query, today=business_today())
    return _answer(figures)


@blp.get("/tuition")
@require(*READERS)
@blp.arguments(TuitionQuerySchema, location="query")
@blp.response(200, TuitionReportSchema)
@blp.doc(**file_formats("csv", "xlsx", description="JSON, or with ?format= a CSV or XLSX file"))
def tuition_stats(query):
    """Per school: billed, collected, collection rate, cashless share, outstanding."""
    figures = service.tuition_figures(get_session(), query=query, today=business_today())
    return _answer(figures)
