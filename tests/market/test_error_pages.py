"""A browser gets Vietnamese error pages in the site's look; API clients, and anything under
/api/, keep problem+json exactly as before."""

import pytest
from flask import abort
from sqlalchemy import text
from werkzeug.exceptions import TooManyRequests

from market.db import get_session
from tests.factories import make_user
from tests.pages import HTML, signed_in, text_of

PROBLEM = "application/problem+json"


def assert_page(response, status: int, heading: str) -> str:
    """The site's error page: its status, its Vietnamese heading, the layout around it."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html and 'class="top"' in html and "site.css" in html
    assert heading in text_of(response)
    return html


def test_a_browser_gets_the_404_page_an_api_client_the_problem(client):
    assert_page(client.get("/khong-co-trang-nay", headers=HTML), 404, "Không tìm thấy trang")
    assert client.get("/khong-co-trang-nay").mimetype == PROBLEM
    assert client.get("/khong-co-trang-nay", headers={"Accept": "*/*"}).mimetype == PROBLEM
    api = client.get("/api/v1/nothing-here", headers=HTML)
    assert api.status_code == 404 and api.mimetype == PROBLEM
    assert api.json["title"] == "Not Found"


def test_a_wrong_method_is_the_405_page_and_still_says_what_is_allowed(client):
    response = client.get("/logout", headers=HTML)
    assert_page(response, 405, "Thao tác không được hỗ trợ")
    assert "POST" in response.headers["Allow"]


def test_an_oversized_upload_is_the_413_page(make_app, database_url):
    app = make_app(DATABASE_URL=database_url, MAX_CONTENT_LENGTH=2048)
    response = app.test_client().post("/login", headers=HTML, data={"username": "x" * 4096})
    assert_page(response, 413, "Tệp quá lớn")


@pytest.fixture
def failing_app(make_app, database_url):
    """The app with pages that fail on purpose."""
    app = make_app(DATABASE_URL=database_url)

    @app.get("/_test/busy")
    def _busy():
        raise TooManyRequests(retry_after=120)

    @app.get("/_test/boom")
    def _boom():
        raise RuntimeError("secret internals")

    @app.get("/_test/broken-database")
    def _broken():
        get_session().execute(text("SELECT nothing FROM no_such_table"))

    @app.get("/_test/teapot")
    def _teapot():
        abort(418)

    return app


def test_too_many_requests_is_the_429_page_with_its_retry_after(failing_app):
    response = failing_app.test_client().get("/_test/busy", headers=HTML)
    assert_page(response, 429, "Thao tác quá nhiều lần")
    assert response.headers["Retry-After"] == "120"


def test_an_unexpected_error_is_the_500_page_with_a_reference_and_no_internals(failing_app):
    response = failing_app.test_client().get(
        "/_test/boom", headers=HTML | {"X-Request-ID": "req-42"}
    )
    html = assert_page(response, 500, "Đã có lỗi xảy ra")
    assert "req-42" in html
    assert "secret" not in html and "Traceback" not in html
    assert response.headers["Cache-Control"] == "no-store"
    api = failing_app.test_client().get("/_test/boom")
    assert api.mimetype == PROBLEM and api.json["title"] == "Internal server error"


def test_the_500_page_of_a_failed_query_is_drawn_without_asking_the_database(failing_app, session):
    # On PostgreSQL a failed statement aborts the transaction: a layout asking who is signed
    # in would fail in turn and the browser would get a bare page.
    user = make_user(session, "admin")[0]
    browser = signed_in(failing_app, session, user)
    assert_page(browser.get("/_test/broken-database", headers=HTML), 500, "Đã có lỗi xảy ra")


def test_a_status_without_words_of_its_own_gets_a_general_page(failing_app):
    assert_page(failing_app.test_client().get("/_test/teapot", headers=HTML), 418, "không hợp lệ")


def test_a_bad_authorization_header_sends_a_browser_to_sign_in(client):
    response = client.get("/users", headers=HTML | {"Authorization": "Basic eDp5"})
    assert response.status_code == 302
    assert response.location == "/login?next=/users"
    api = client.get("/api/v1/markets", headers=HTML | {"Authorization": "Basic eDp5"})
    assert api.status_code == 401 and api.mimetype == PROBLEM


def test_an_unmigrated_database_is_the_503_page_for_a_browser(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    assert_page(app.test_client().get("/", headers=HTML), 503, "Hệ thống đang tạm ngừng")
    assert "db upgrade" in app.test_client().get("/api/v1/markets").json["detail"]


def test_the_form_expired_page_leads_back_to_the_form(client, session):
    admin = make_user(session, "admin")[0]
    browser = signed_in(client.application, session, admin)
    referrer = {"Referer": "http://localhost/users/new"}
    response = browser.post("/users", headers=HTML | referrer, data={"username": "hoa.nt"})
    html = assert_page(response, 400, "Biểu mẫu đã hết hạn")
    assert 'href="/users/new"' in html
    outside = browser.post("/users", headers=HTML | {"Referer": "https://evil.example/x"})
    assert "evil.example" not in outside.get_data(as_text=True)
