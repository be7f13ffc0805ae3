"""A market's roster import (/markets/<code>/import): upload the CSV or XLSX, read the preview
(counts, and every row error by sheet row and column with how to fix it, in Vietnamese),
then confirm (choosing to activate) or go back. The confirmation imports the bytes the
preview read, kept on the server (`market.roster.preview`)."""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from market.auth import caller, session_user
from market.db import get_session
from market.errors import (
    AppError,
    Conflict,
    NotFound,
    PayloadTooLarge,
    ValidationFailed,
    handle_app_error,
    handle_http_exception,
    wants_html,
)
from market.formats import format_number
from market.roster.messages import explain
from market.roster.preview import Preview
from market.web import page
from vendors import importer
from vendors.board_pages import bp, open_market
from vendors.rules import HEADER_ALIASES

KINDS = (".csv", ".xlsx", ".txt")  # what the import reads (a .txt is a CSV saved by Excel)
SAYS_FORM = {
    NotFound: "the upload expired",
    Conflict: "the roster changed since the preview",
}


def _upload() -> dict:
    """The uploaded file's bytes and name, or the refusal the form shows."""
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge as exc:
        raise PayloadTooLarge("the file is too large", errors={"file": ["too large"]}) from exc
    if upload is None or not upload.filename:
        raise ValidationFailed.on("file", "choose a file")
    if not upload.filename.lower().endswith(KINDS):
        raise ValidationFailed.on("file", "not a CSV or XLSX file")
    return {"data": upload.read(), "filename": upload.filename}


def file_errors(error: AppError) -> dict[str, list[str]]:
    """A refusal of the file as the form shows it, in Vietnamese."""
    messages = (error.errors or {}).get("file") or [error.detail]
    return {"file": [explain(m) for m in messages]}


def error_rows(preview: Preview) -> list[dict]:
    """Each row error: its sheet row, its column (letter and header) and how to fix it."""
    rows = []
    for error in preview.results["plain"].errors:
        named = HEADER_ALIASES.get(error["field"], (error["field"],))[0]
        letter, header = preview.columns.get(error["field"], ("", named))
        column = f"{letter} – {header}" if letter else header
        rows.append({"row": error["row"], "column": column, "fix": explain(error["message"])})
    return rows


def _form(market, errors: dict, status: int):
    return render_template("board/import.html", market=market, errors=errors), status


@bp.get("/markets/<market_code>/import")
@page("admin", "market_manager")
def import_form(market_code: str):
    """Choose the roster file."""
    return _form(open_market(market_code), {}, 200)


@bp.post("/markets/<market_code>/import")
@page("admin", "market_manager")
def import_preview(market_code: str):
    """What the file would do; nothing is imported yet (the file is kept for the confirmation)."""
    market = open_market(market_code)
    try:
        preview = importer.preview_vendor_import(
            get_session(), actor=caller(), market=market, **_upload()
        )
    except (ValidationFailed, PayloadTooLarge) as error:
        return _form(market, file_errors(error), error.status)
    shown = {"preview": preview, "errors": error_rows(preview), "plain": preview.results["plain"]}
    return render_template("board/preview.html", market=market, **shown)


@bp.post("/markets/<market_code>/import/confirm")
@page("admin", "market_manager")
def import_confirm(market_code: str):
    """Import the previewed file as previewed, then back to the market's vendors."""
    market, activate = open_market(market_code), request.form.get("activate") == "1"
    try:
        result = importer.confirm_vendor_import(
            get_session(),
            actor=caller(),
            market=market,
            key=request.form.get("key", ""),
            activate=activate,
        )
    except (NotFound, Conflict) as error:
        return _form(market, {"file": [explain(SAYS_FORM[type(error)])]}, error.status)
    flash(imported(result, activate), "ok")
    return redirect(url_for("board.market_page", market_code=market.code))


@page("admin", "market_manager")
def _too_large_form(market_code: str):
    megabytes = format_number(current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))
    said = (
        f"Tệp lớn hơn {megabytes} MB nên không tải lên được. Hãy chép riêng trang danh sách "
        "sang một tệp mới, hoặc lưu thành CSV UTF-8, rồi tải lại."
    )
    return _form(open_market(market_code), {"file": [said]}, 413)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """A roster over the upload limit (refused before the form token is read): the import
    form again, saying so beside the file field, to whoever may open it."""
    if request.endpoint != "board.import_preview" or not wants_html():
        return handle_http_exception(error)
    if "Authorization" not in request.headers:
        # The body was refused unread, so nothing can be written: the login cookie counts
        # as it does when the form is opened.
        user = session_user()
        g.user = None if user is None or user.must_change_password else user
    try:
        return _too_large_form(request.view_args["market_code"])
    except AppError as refused:  # another market's manager, a market that is not there
        return handle_app_error(refused)


def imported(result, activate: bool) -> str:
    """What the flash says after an import."""
    said = (
        f"Đã nhập {'và kích hoạt ' if activate else ''}danh sách: "
        f"{format_number(result.created)} tiểu thương mới, "
        f"{format_number(result.updated)} cập nhật, {format_number(result.unchanged)} không đổi"
    )
    if result.errors:
        said += f"; {format_number(len(result.errors))} dòng lỗi được bỏ qua"
    return said + "."
