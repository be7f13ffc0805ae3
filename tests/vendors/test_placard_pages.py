"""The placards page: the market board chooses 1, 2 or 4 a page and new or all vendors and
gets one PDF whose every QR decodes to its vendor; without JavaScript at once, with it through
a build whose progress the page polls (in a thread outside tests)."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from market import create_app
from market.db import get_db, utcnow
from market.migrate import upgrade
from payments.qr.vietqr import parse
from tests.factories import make_market, make_user, make_vendor
from tests.pages import FORM_TOKEN, HTML, signed_in, text_of
from tests.payments.qr.test_placard import pdf_pages
from vendors.models import PlacardBuild, PlacardPrint

JSON = {"Accept": "application/json"}


@pytest.fixture
def market(session):
    return make_market(session, code="CHO-VL", name="Chợ Vĩnh Long")


@pytest.fixture
def board(app, session, market):
    """The market manager's browser."""
    return signed_in(app, session, make_user(session, "market_manager", market_id=market.id)[0])


def accounts_in(data: bytes) -> list[list[str]]:
    """The vendors' account numbers of each page's QR codes."""
    return [[parse(code).account_number for code in codes] for codes, _ in pdf_pages(data)]


def printed(session) -> int:
    return session.scalar(select(func.count()).select_from(PlacardPrint))


def test_the_page_counts_active_and_never_printed_vendors(session, board, market):
    for stall in ("A-1", "A-2", "A-3"):
        make_vendor(session, market, stall=stall, status="active")
    make_vendor(session, market, stall="A-4")  # pending: no placard
    page = board.get("/markets/CHO-VL/placards", headers=HTML)
    assert page.status_code == 200
    words = text_of(page)
    assert "3 tiểu thương đang hoạt động; 3 trong số đó chưa được in" in words
    assert 'value="2" checked' in page.text and 'value="new" checked' in page.text


def test_without_javascript_the_form_answers_the_pdf_two_a_page_by_stall(session, board, market):
    vendors = [
        make_vendor(session, market, stall=s, status="active") for s in ("B-2", "A-9", "A-1")
    ]
    form = {"csrf": FORM_TOKEN, "per_page": "2", "which": "all"}
    answer = board.post("/markets/CHO-VL/placards", headers=HTML, data=form)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="placards-CHO-VL.pdf"'
    by_stall = {v.stall: v.account_number for v in vendors}
    assert accounts_in(answer.data) == [[by_stall["A-1"], by_stall["A-9"]], [by_stall["B-2"]]]
    assert printed(session) == 3


def test_only_new_prints_those_never_printed_and_then_says_there_is_none(session, board, market):
    old = make_vendor(session, market, stall="A-1", status="active")
    form = {"csrf": FORM_TOKEN, "per_page": "4", "which": "new"}
    assert board.post("/markets/CHO-VL/placards", headers=HTML, data=form).status_code == 200
    new = make_vendor(session, market, stall="A-2", status="active")
    answer = board.post("/markets/CHO-VL/placards", headers=HTML, data=form)
    assert accounts_in(answer.data) == [[new.account_number]]
    none_left = board.post("/markets/CHO-VL/placards", headers=HTML, data=form)
    assert none_left.status_code == 404
    assert "Không có tiểu thương nào để in" in text_of(none_left)
    # The page's script, refused, sends the form itself: the page above says why.
    refused = board.post("/markets/CHO-VL/placards/builds", headers=JSON, data=form)
    assert refused.status_code == 404 and refused.json["errors"] == {
        "which": ["no vendor to print"]
    }
    again = board.post("/markets/CHO-VL/placards", headers=HTML, data=form | {"which": "all"})
    assert accounts_in(again.data) == [[old.account_number, new.account_number]]


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"per_page": "3", "which": "all"}, "per_page", "Chọn 1, 2 hoặc 4 placard một trang."),
        ({"per_page": "2"}, "which", "Chọn in cho tiểu thương chưa in, hay cho tất cả."),
    ],
)
def test_a_bad_choice_is_a_vietnamese_form_error(session, board, market, form, field, message):
    make_vendor(session, market, status="active")
    answer = board.post("/markets/CHO-VL/placards", headers=HTML, data={"csrf": FORM_TOKEN} | form)
    assert answer.status_code == 422 and message in text_of(answer)
    assert f'aria-describedby="{field}-error"' in answer.text
    started = board.post(
        "/markets/CHO-VL/placards/builds", headers=JSON, data={"csrf": FORM_TOKEN} | form
    )
    assert started.status_code == 422 and started.json["errors"][field]
    assert printed(session) == 0


def test_a_build_draws_the_pdf_then_offers_it(session, board, market):
    vendors = [make_vendor(session, market, status="active") for _ in range(5)]
    form = {"csrf": FORM_TOKEN, "per_page": "4", "which": "new"}
    started = board.post("/markets/CHO-VL/placards/builds", headers=JSON, data=form)
    assert started.status_code == 202, started.json
    build = started.json
    # Under test the build runs within the request: it is done when the answer comes.
    assert (build["status"], build["done"], build["total"]) == ("done", 5, 5)
    polled = board.get(build["progress"], headers=JSON)
    assert polled.json == build and polled.headers["Cache-Control"] == "no-store"
    pdf = board.get(build["download"], headers=HTML)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    assert accounts_in(pdf.data) == [
        [v.account_number for v in vendors[:4]],
        [vendors[4].account_number],
    ]
    pdf.close()
    assert printed(session) == 5


def test_a_build_that_stopped_progressing_reads_as_failed_and_has_no_file(session, board, market):
    make_vendor(session, market, status="active")
    manager = make_user(session, "admin")[0]
    build = PlacardBuild(
        market_id=market.id,
        requested_by=manager.id,
        per_page=2,
        only_new=False,
        total=1,
        file_name="placards-CHO-VL-gone.pdf",
        updated_at=utcnow() - timedelta(minutes=10),
    )
    session.add(build)
    session.flush()
    path = f"/markets/CHO-VL/placards/builds/{build.id}"
    assert board.get(path, headers=JSON).json["status"] == "failed"
    assert board.get(f"{path}.pdf", headers=HTML).status_code == 404


def test_another_markets_board_gets_the_403_page_and_never_a_build(app, session, market):
    other = make_user(session, "market_manager", market_id=make_market(session).id)[0]
    browser = signed_in(app, session, other)
    make_vendor(session, market, status="active")
    form = {"csrf": FORM_TOKEN, "per_page": "2", "which": "all"}
    assert browser.get("/markets/CHO-VL/placards", headers=HTML).status_code == 403
    assert browser.post("/markets/CHO-VL/placards", headers=HTML, data=form).status_code == 403
    assert browser.post("/markets/CHO-VL/placards/builds", data=form).status_code == 403
    assert browser.get("/markets/CHO-VL/placards/builds/1", headers=HTML).status_code == 403
    assert browser.get("/markets/NO-SUCH/placards", headers=HTML).status_code == 404
    assert printed(session) == 0


def test_a_build_of_another_market_is_not_found_here(app, session, board, market):
    make_vendor(session, market, status="active")
    form = {"csrf": FORM_TOKEN, "per_page": "2", "which": "all"}
    build = board.post("/markets/CHO-VL/placards/builds", data=form).json
    admin = signed_in(app, session, make_user(session, "admin")[0])
    other = make_market(session)
    path = f"/markets/{other.code}/placards/builds/{build['id']}"
    assert admin.get(path, headers=JSON).status_code == 404
    assert admin.get(f"{path}.pdf", headers=HTML).status_code == 404


@pytest.fixture
def committed_url(request, tmp_path, database_url) -> str:
    """A database of its own whose writes really commit: a fresh PostgreSQL one when the
    suite runs on PostgreSQL, else a SQLite file."""
    if database_url.startswith("postgresql"):
        return request.getfixturevalue("live_database")
    url = f"sqlite:///{tmp_path / 'builds.db'}"
    upgrade(url)
    return url


def test_outside_tests_a_thread_draws_and_the_progress_is_read_from_the_database(
    tmp_path, committed_url
):
    """The real path: committed data, the build in a thread after the answer, polling."""
    url = committed_url
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "threads",
            "DATABASE_URL": url,
            "PLACARD_BUILD_IN_THREAD": True,
            "PLACARD_FOLDER": str(tmp_path / "placards"),
        }
    )
    try:
        with app.app_context(), get_db().session_scope() as session:
            market = make_market(session, code="CHO-LON")
            accounts = [
                make_vendor(session, market, status="active").account_number for _ in range(45)
            ]
            manager = make_user(session, "market_manager", market_id=market.id)[0]
        with app.app_context(), get_db().session_scope() as session:
            browser = signed_in(app, session, manager)
        form = {"csrf": FORM_TOKEN, "per_page": "4", "which": "new"}
        started = browser.post("/markets/CHO-LON/placards/builds", data=form)
        assert started.status_code == 202 and started.json["status"] == "running"
        started.close()  # the server closes the answer: the thread starts
        seen, deadline = [], time.monotonic() + 60
        while time.monotonic() < deadline:
            build = browser.get(started.json["progress"], headers=JSON).json
            seen.append(build["done"])
            if build["status"] != "running":
                break
            time.sleep(0.05)
        assert build["status"] == "done" and build["done"] == build["total"] == 45
        assert seen == sorted(seen)
        pdf = browser.get(build["download"])
        assert [a for page in accounts_in(pdf.data) for a in page] == accounts
        pdf.close()
        with app.app_context(), get_db().session_scope() as session:
            assert session.scalar(select(func.count()).select_from(PlacardPrint)) == 45
    finally:
        app.extensions["db"].engine.dispose()
