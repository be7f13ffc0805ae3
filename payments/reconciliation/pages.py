"""The reconciliation screens (admin): upload a provider's statement, see every line in its
bucket, import the lines the ledger missed in one click (the same services as the API)."""

from flask import flash, redirect, render_template, request, url_for

from market.auth import caller
from market.db import get_session
from market.errors import Conflict, NotFound, ValidationFailed
from market.formats import format_number
from market.web import PageBlueprint, page
from payments.ingest.views import payer_key
from payments.reconciliation import service as reconciliation
from payments.reconciliation.rules import BUCKETS
from payments.reconciliation.words import say_statement_error
from payments.settlement.views import csv_response

bp = PageBlueprint("reconciliation_pages", __name__, template_folder="../templates")
SHOWN_LINES = 200  # of each bucket on the page; the CSV has them all
NO_PROVIDER = "Chọn đơn vị cung cấp sao kê trong danh sách."
NO_FILE = "Chọn tệp sao kê (CSV) để tải lên."
PROVIDER_GONE = "Đơn vị cung cấp của sao kê này đã ngừng hoạt động: không ghi thêm được giao dịch."


def _runs_page(errors: dict | None = None, status: int = 200, provider: str = ""):
    session = get_session()
    shown = {
        "providers": reconciliation.statement_providers(session),
        "runs": reconciliation.list_runs(session, actor=caller()),
        "errors": errors or {},
        "provider": provider,
    }
    return render_template("payments/reconciliations.html", **shown), status


@bp.get("/reconciliations")
@page("admin")
def runs():
    """The upload form and the latest runs."""
    return _runs_page()


@bp.post("/reconciliations")
@page("admin")
def upload():
    """Reconcile the statement uploaded; a bad file is said line by line in Vietnamese."""
    provider, upload = request.form.get("provider", "")[:40], request.files.get("file")
    if not provider:
        return _runs_page({"provider": [NO_PROVIDER]}, 422)
    if upload is None or not upload.filename:
        return _runs_page({"file": [NO_FILE]}, 422, provider)
    try:
        run, _ = reconciliation.run_reconciliation(
            get_session(),
            actor=caller(),
            provider_name=provider,
            data=upload.read(),
            filename=upload.filename,
        )
    except NotFound:
        return _runs_page({"provider": [NO_PROVIDER]}, 422, provider)
    except ValidationFailed as error:
        said = [say_statement_error(m) for m in (error.errors or {}).get("file", [error.detail])]
        return _runs_page({"file": said}, 422, provider)
    return redirect(url_for(".run", run_id=run.id))


def _run_page(run_id: int, error: str = "", status: int = 200):
    found = reconciliation.run_with_findings(get_session(), actor=caller(), run_id=run_id)
    lines = {bucket: [] for bucket in BUCKETS}
    for line in found["lines"]:
        lines[line.bucket].append(line)
    shown = {"found": found, "lines": lines, "limit": SHOWN_LINES, "error": error}
    return render_template("payments/reconciliation.html", **shown), status


@bp.get("/reconciliations/<int:run_id>")
@page("admin")
def run(run_id: int):
    """A run: how many lines in each bucket, and the lines."""
    return _run_page(run_id)


@bp.get("/reconciliations/<int:run_id>.csv")
@page("admin")
def run_csv(run_id: int):
    """Every finding of a run, as a spreadsheet."""
    found = reconciliation.run_with_findings(get_session(), actor=caller(), run_id=run_id)
    name = f"reconciliation-{run_id}.csv"
    return csv_response(found["lines"], reconciliation.LINE_COLUMNS, name)


@bp.post("/reconciliations/<int:run_id>/import-missing")
@page("admin")
def import_missing(run_id: int):
    """Record the statement's lines the ledger missed, exactly once."""
    try:
        results = reconciliation.import_missing(
            get_session(), actor=caller(), run_id=run_id, payer_key=payer_key()
        )
    except Conflict:
        return _run_page(run_id, PROVIDER_GONE, 409)
    recorded = sum(1 for r in results if r["status"] == "recorded")
    known = format_number(len(results) - recorded)
    flash(f"Đã ghi {format_number(recorded)} giao dịch còn thiếu vào sổ; {known} đã có.", "ok")
    return redirect(url_for(".run", run_id=run_id))
