"""No input earns a 500, and every answer carries the security headers."""

import io
import json

import pytest

from market.db import get_db
from market.migrate import upgrade
from market.users import create_user
from tests.browser import live_server, phone_page
from tests.factories import bearer, make_market, make_user, make_vendor

PROBLEM = "application/problem+json"


@pytest.fixture
def admin(session):
    return bearer(make_user(session, "admin")[1])


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == PROBLEM
    return response.json


def test_a_nul_byte_in_a_path_is_a_404_problem(client, session, admin):
    make_market(session, code="CHO-NUL")
    assert_problem(client.get("/api/v1/markets/CHO-NUL%00", headers=admin), 404)
    assert_problem(client.get("/api/v1/markets/CHO%00NUL/vendors", headers=admin), 404)


def test_a_nul_byte_in_a_query_parameter_is_a_422_naming_it(client, session, admin):
    body = assert_problem(client.get("/api/v1/vendors?market=CHO%00", headers=admin), 422)
    assert body["errors"] == {"market": ["NUL bytes are not allowed."]}


def test_a_nul_byte_in_a_form_field_is_a_422_naming_it(client, session):
    body = assert_problem(
        client.post("/pay", data={"school": "TH\x00", "student": "HS1", "phone": "1234"}), 422
    )
    assert "school" in body["errors"]


def test_a_nul_byte_in_a_multipart_field_is_a_422_naming_it(client, session, admin):
    response = client.post(
        "/api/v1/reconciliations",
        headers=admin,
        data={"provider": "vqr\x00", "file": (io.BytesIO(b"x"), "s.csv")},
        content_type="multipart/form-data",
    )
    assert "provider" in assert_problem(response, 422)["errors"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/vendors/99999999999999999999",
        "/api/v1/vendors/9223372036854775808/qr",
        "/api/v1/payments/99999999999999999999",
        "/api/v1/fee-plans/99999999999999999999",
    ],
)
def test_an_id_beyond_64_bits_in_a_path_is_a_404(client, session, admin, path):
    assert_problem(client.get(path, headers=admin), 404)


def test_the_largest_64_bit_id_is_simply_not_found(client, session, admin):
    assert_problem(client.get("/api/v1/vendors/9223372036854775807", headers=admin), 404)


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/payments?payee_id=99999999999999999999", "payee_id"),
        ("/api/v1/settlements?payee_id=99999999999999999999", "payee_id"),
    ],
)
def test_an_id_beyond_64_bits_in_a_query_is_a_422_naming_it(client, session, admin, url, field):
    assert field in assert_problem(client.get(url, headers=admin), 422)["errors"]


def test_an_id_beyond_64_bits_in_a_body_is_a_422_naming_it(client, session, admin):
    response = client.post("/api/v1/payments/1/assign", headers=admin, json={"vendor_id": 2**64})
    assert "vendor_id" in assert_problem(response, 422)["errors"]


@pytest.mark.parametrize("url", ["/api/v1/markets", "/api/v1/qr/decode"])
def test_json_nested_1000_deep_is_a_400_problem(client, session, admin, url):
    body = "[" * 1000 + "]" * 1000
    response = client.post(url, headers=admin, data=body, content_type="application/json")
    assert assert_problem(response, 400)["errors"] == {"body": ["Nested deeper than 64 levels."]}


def test_json_with_brackets_inside_strings_is_not_mistaken_for_nesting(client, session, admin):
    name = "[" * 500
    response = client.post(
        "/api/v1/markets", headers=admin, json={"code": "CHO-NGOAC", "name": name[:200]}
    )
    assert response.status_code == 201, response.json
    assert json.loads(response.data)["name"] == name[:200]


def test_a_405_says_which_methods_are_allowed(client, session, admin):
    response = client.delete("/api/v1/markets", headers=admin)
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


@pytest.mark.parametrize(
    "path", ["/login", "/pay", "/api/v1/markets", "/api/v1/nowhere", "/static/site.css"]
)
def test_every_page_and_answer_carries_the_security_headers(client, session, admin, path):
    response = client.get(path, headers=admin)
    response.close()
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_an_error_answer_carries_the_security_headers_too(client, session, admin):
    make_vendor(session)
    response = client.get("/api/v1/vendors/99999999999999999999", headers=admin)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.fixture
def served(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'csp.db'}"
    upgrade(url)
    app = make_app(DATABASE_URL=url)
    with app.app_context(), get_db().session_scope() as session:
        create_user(session, username="nganhang.test", role="bank_staff", password="mat-khau-dai-1")
    with live_server(app) as base:
        yield base


def test_the_api_docs_and_the_pages_work_under_the_content_security_policy(served):
    with phone_page() as page:
        refused = []
        page.on(
            "console",
            lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{served}/api/docs")
        page.wait_for_selector(".opblock", timeout=20_000)
        assert page.locator(".opblock").count() >= 40
        page.goto(f"{served}/pay")
        page.goto(f"{served}/dashboard")
        page.wait_for_url("**/login**")
        page.fill("#username", "nganhang.test")
        page.fill("#password", "mat-khau-dai-1")
        page.click("button[type=submit]")
        page.wait_for_selector(".tile")
        assert refused == []
