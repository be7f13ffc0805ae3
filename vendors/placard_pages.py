"""The placards page (/markets/<code>/placards): choose 1, 2 or 4 a page and new or all
vendors, get the PDF. Without JavaScript the form answers the PDF itself; with it, the page
starts a build, shows its progress and then offers the file (vendors.placard_builds)."""

import threading
from contextlib import nullcontext
from pathlib import Path

from flask import (
    Flask,
    Response,
    current_app,
    make_response,
    render_template,
    request,
    send_file,
    url_for,
)

from market.auth import caller
from market.db import get_db, get_session
from market.errors import ValidationFailed
from market.markets.service import get_market
from market.web import PageBlueprint, page
from market.web.forms import form_errors
from vendors import placard_builds, placards
from vendors.models import PlacardBuild

bp = PageBlueprint("placard_pages", __name__, template_folder="templates")
BOARD = ("admin", "market_manager")
PER_PAGE = {"1": 1, "2": 2, "4": 4}
ONLY_NEW = {"new": True, "all": False}


def choice(form) -> dict:
    """{per_page, only_new} from the form, or a ValidationFailed naming the field."""
    errors = {}
    if form.get("per_page") not in PER_PAGE:
        errors["per_page"] = ["choose 1, 2 or 4 a page"]
    if form.get("which") not in ONLY_NEW:
        errors["which"] = ["choose new or all vendors"]
    if errors:
        raise ValidationFailed("choose how to print the placards", errors=errors)
    return {"per_page": PER_PAGE[form["per_page"]], "only_new": ONLY_NEW[form["which"]]}


def _shown(code: str, form: dict, errors: dict, status: int = 200):
    session = get_session()
    market = get_market(session, code)
    placards.check_may_print(caller(), market)
    counts = placards.printable_count(session, market=market)
    if not form:
        form = {"per_page": "2", "which": "new" if counts["new"] else "all"}
    shown = render_template(
        "vendors/placards.html", market=market, counts=counts, form=form, errors=errors
    )
    return shown, status


@bp.get("/markets/<code>/placards")
@page(*BOARD)
def placards_page(code: str):
    """The choice: how many a page, new or all vendors."""
    return _shown(code, form={}, errors={})


@bp.post("/markets/<code>/placards")
@page(*BOARD)
def placards_pdf(code: str):
    """The PDF at once (the form without JavaScript)."""
    session, form = get_session(), request.form.to_dict()
    try:
        data = placards.market_placards(
            session, actor=caller(), market=get_market(session, code), **choice(form)
        )
    except (ValidationFailed, placards.NothingToPrint) as error:
        return _shown(code, form, form_errors(error), error.status)
    return _attachment(Response(data, mimetype="application/pdf"), code)


def _attachment(response: Response, code: str) -> Response:
    name = f"placards-{code.upper()}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def folder() -> Path:
    """Where builds leave their files: PLACARD_FOLDER, else the instance folder's placards/."""
    configured = current_app.config.get("PLACARD_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "placards"


def progress_of(code: str, build: PlacardBuild) -> dict:
    """What the page's script reads of a build."""
    done = build.status == "done"
    return {
        "id": build.id,
        "status": build.status,
        "done": build.done,
        "total": build.total,
        "progress": url_for(".build_progress", code=code, build_id=build.id),
        "download": url_for(".build_file", code=code, build_id=build.id) if done else None,
    }


@bp.post("/markets/<code>/placards/builds")
@page(*BOARD)
def start_build(code: str):
    """Start drawing the PDF; answers 202 and where to follow its progress."""
    session = get_session()
    market = get_market(session, code)
    build = placard_builds.start_build(
        session, actor=caller(), market=market, **choice(request.form)
    )
    placard_builds.forget_old_files(folder())
    after = _launch(build)
    response = make_response(progress_of(code, build), 202)
    if after is not None:
        response.call_on_close(after)
    return response


def _launch(build: PlacardBuild):
    """Draw in a thread once the response is sent (the build is committed by then): the
    function that starts it. Under test, unless PLACARD_BUILD_IN_THREAD, draw right here in
    the request's transaction (tests roll it back) and return None."""
    app = current_app._get_current_object()
    in_thread = app.config.get("PLACARD_BUILD_IN_THREAD")
    if in_thread or (in_thread is None and not app.testing):
        args = (app, build.id, folder())
        return threading.Thread(target=_in_thread, args=args, daemon=True).start
    session = get_session()
    placard_builds.run_build(lambda: nullcontext(session), build.id, folder())
    session.refresh(build)
    return None


def _in_thread(app: Flask, build_id: int, into: Path) -> None:
    with app.app_context():
        placard_builds.run_build(get_db().session_scope, build_id, into)


@bp.get("/markets/<code>/placards/builds/<int:build_id>")
@page(*BOARD)
def build_progress(code: str, build_id: int):
    """How far the build is: {status, done, total, download}."""
    session = get_session()
    build = placard_builds.get_build(
        session, actor=caller(), market=get_market(session, code), build_id=build_id
    )
    return progress_of(code, build), 200, {"Cache-Control": "no-store"}


@bp.get("/markets/<code>/placards/builds/<int:build_id>.pdf")
@page(*BOARD)
def build_file(code: str, build_id: int):
    """The finished PDF."""
    session = get_session()
    build = placard_builds.get_build(
        session, actor=caller(), market=get_market(session, code), build_id=build_id
    )
    path = placard_builds.file_of(build, folder())
    name = f"placards-{code.upper()}.pdf"
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name)


def init_app(app: Flask) -> None:
    """Register the placards page."""
    app.register_blueprint(bp)
