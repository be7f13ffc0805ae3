"""Every page of the app × every role, signed in by a login cookie as a browser is: from the
app's own URL map, held against the table below. A page the table does not list fails, so a
new screen cannot arrive without saying who may open it."""

import re
from urllib.parse import urlsplit

import pytest

from market import create_app
from market.users import ROLES
from tests.factories import make_market, make_school, make_user, make_vendor
from tests.pages import FORM_TOKEN, HTML, menu_of, signed_in, text_of

PUBLIC = None  # anyone, signed in or not
STAFF = frozenset({"admin", "market_manager", "school_admin", "bank_staff"})
ADMIN = frozenset({"admin"})
FIGURES = frozenset({"admin", "bank_staff"})
BOARD = frozenset({"admin", "market_manager"})  # a market manager: of that market only
CORRECTORS = frozenset({"admin", "market_manager", "school_admin"})
SCHOOL = frozenset({"admin", "school_admin"})
VENDOR = frozenset({"vendor"})
VISITOR = "signed out"

PAGES = {
    ("GET", "/"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/password"): STAFF,
    ("POST", "/password"): STAFF,
    ("GET", "/pay"): PUBLIC,
    ("POST", "/pay"): PUBLIC,
    ("GET", "/pay/qr/<reference>.png"): PUBLIC,
    ("GET", "/pay/status"): PUBLIC,
    ("GET", "/pay/receipt.pdf"): PUBLIC,
    ("GET", "/dashboard"): FIGURES,
    ("GET", "/users"): ADMIN,
    ("GET", "/users/new"): ADMIN,
    ("POST", "/users"): ADMIN,
    ("GET", "/users/<int:user_id>"): ADMIN,
    ("POST", "/users/<int:user_id>/password-reset"): ADMIN,
    ("POST", "/users/<int:user_id>/deactivate"): ADMIN,
    ("GET", "/markets"): ADMIN,
    ("POST", "/markets"): ADMIN,
    ("GET", "/markets/<market_code>"): BOARD,
    ("GET", "/markets/<market_code>/import"): BOARD,
    ("POST", "/markets/<market_code>/import"): BOARD,
    ("POST", "/markets/<market_code>/import/confirm"): BOARD,
    ("GET", "/schools"): ADMIN,
    ("POST", "/schools"): ADMIN,
    ("GET", "/vendors/<int:vendor_id>"): frozenset({"admin", "market_manager"}),
    ("POST", "/vendors/<int:vendor_id>/status"): frozenset({"admin", "market_manager"}),
    ("GET", "/markets/<code>/placards"): frozenset({"admin", "market_manager"}),
    ("POST", "/markets/<code>/placards"): frozenset({"admin", "market_manager"}),
    ("POST", "/markets/<code>/placards/builds"): frozenset({"admin", "market_manager"}),
    ("GET", "/markets/<code>/placards/builds/<int:build_id>"): frozenset(
        {"admin", "market_manager"}
    ),
    ("GET", "/markets/<code>/placards/builds/<int:build_id>.pdf"): frozenset(
        {"admin", "market_manager"}
    ),
    ("GET", "/payments/unmatched"): CORRECTORS,
    ("GET", "/payments/<int:payment_id>"): CORRECTORS,
    ("POST", "/payments/<int:payment_id>/assign"): CORRECTORS,
    ("GET", "/settlements"): CORRECTORS,
    ("POST", "/settlements/close"): ADMIN,
    ("GET", "/settlements/days/<day>"): CORRECTORS,
    ("GET", "/settlements/days/<day>.csv"): CORRECTORS,
    ("GET", "/settlements/<int:settlement_id>"): CORRECTORS,
    ("GET", "/settlements/<int:settlement_id>.csv"): CORRECTORS,
    ("GET", "/reconciliations"): ADMIN,
    ("POST", "/reconciliations"): ADMIN,
    ("GET", "/reconciliations/<int:run_id>"): ADMIN,
    ("GET", "/reconciliations/<int:run_id>.csv"): ADMIN,
    ("POST", "/reconciliations/<int:run_id>/import-missing"): ADMIN,
    ("GET", "/schools/<code>"): SCHOOL,
    ("GET", "/schools/<code>/students/import"): SCHOOL,
    ("POST", "/schools/<code>/students/import"): SCHOOL,
    ("POST", "/schools/<code>/students/import/confirm"): SCHOOL,
    ("GET", "/students/<int:student_id>"): SCHOOL,
    ("POST", "/students/<int:student_id>/exemptions"): SCHOOL,
    ("POST", "/students/<int:student_id>/exemptions/<int:exemption_id>/end"): SCHOOL,
    ("GET", "/schools/<code>/fee-plans"): SCHOOL,
    ("GET", "/schools/<code>/fee-plans/new"): SCHOOL,
    ("POST", "/schools/<code>/fee-plans"): SCHOOL,
    ("GET", "/fee-plans/<int:plan_id>"): SCHOOL,
    ("GET", "/fee-plans/<int:plan_id>/edit"): SCHOOL,
    ("POST", "/fee-plans/<int:plan_id>"): SCHOOL,
    ("POST", "/fee-plans/<int:plan_id>/issue"): SCHOOL,
    ("POST", "/fee-plans/<int:plan_id>/reissue"): SCHOOL,
    ("GET", "/invoices"): SCHOOL,
    ("GET", "/invoices/<reference>"): SCHOOL,
    ("POST", "/invoices/<reference>/cash"): SCHOOL,
    ("POST", "/invoices/<reference>/void"): SCHOOL,
    ("GET", "/schools/<code>/outstanding"): SCHOOL,
    ("GET", "/vendors/<int:vendor_id>/sign-in"): BOARD,
    ("POST", "/vendors/<int:vendor_id>/sign-in-links"): BOARD,
    ("POST", "/vendors/<int:vendor_id>/devices/<int:device_id>/sign-out"): BOARD,
    ("GET", "/stall/login/<token>"): PUBLIC,
    ("POST", "/stall/login/<token>"): PUBLIC,
    ("GET", "/stall"): VENDOR,
    ("POST", "/stall/charge"): VENDOR,
    ("GET", "/stall/charge/<reference>"): VENDOR,
    ("GET", "/stall/settlements"): VENDOR,
    ("GET", "/stall/events"): VENDOR,
}
# Writes that need no form token, and why.
WITHOUT_FORM_TOKEN = {
    ("POST", "/pay"): "a parent's lookup: it signs nobody in and changes nothing",
}


def _page_routes() -> list[tuple[str, str]]:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "routes"})
    try:
        return sorted(
            (method, rule.rule)
            for rule in app.url_map.iter_rules()
            if not rule.rule.startswith("/api/") and rule.endpoint != "static"
            for method in rule.methods - {"HEAD", "OPTIONS"}
        )
    finally:
        app.extensions["db"].engine.dispose()


ROUTES = _page_routes()


def test_the_table_lists_no_page_the_app_does_not_serve():
    assert sorted(set(PAGES) - set(ROUTES)) == []


@pytest.fixture
def people(session):
    """One user of each role, bound to its market, vendor or school, and another admin."""
    market = make_market(session)
    vendor = make_vendor(session, market, status="active")
    school = make_school(session)
    scope = {
        "market_manager": {"market_id": market.id},
        "vendor": {"vendor_id": vendor.id, "market_id": market.id},
        "school_admin": {"school_id": school.id},
    }
    users = {role: make_user(session, role, **scope.get(role, {}))[0] for role in ROLES}
    users[VISITOR] = None
    values = {"user_id": make_user(session, "bank_staff")[0].id, "reference": "HPNOSUCH1"}
    values["market_code"] = market.code
    values["vendor_id"] = vendor.id
    values["build_id"] = 999999
    values |= {"payment_id": 987654, "settlement_id": 987654, "run_id": 987654, "day": "2026-11-20"}
    # The school's pages: its code; a student, plan and exemption that are not there (404).
    values |= {"student_id": 0, "plan_id": 0, "exemption_id": 0}
    values["code"] = {"markets": market.code, "schools": school.code}  # by the path's first part
    values |= {"device_id": 999999, "token": "no-such-link"}
    return users, values


def _path(rule: str, values: dict) -> str:
    def value(match) -> str:
        found = values[match.group(1)]
        return str(found[rule.split("/")[1]] if isinstance(found, dict) else found)

    return re.sub(r"<(?:\w+:)?(\w+)>", value, rule)


def _ask(app, session, user, method: str, path: str, token: str | None = FORM_TOKEN):
    browser = signed_in(app, session, user)
    data = {"csrf": token} if token and method == "POST" else {}
    return browser.open(path, method=method, headers=HTML, data=data)


def assert_forbidden_page(response, seen) -> None:
    """The Vietnamese 403 page in the site's look."""
    assert response.status_code == 403, seen
    assert response.mimetype == "text/html", seen
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html and "Không có quyền" in text_of(response), seen


@pytest.mark.parametrize(("method", "rule"), ROUTES)
def test_each_role_gets_the_page_or_the_403_page_and_never_a_500(
    app, session, people, method, rule
):
    assert (method, rule) in PAGES, f"{method} {rule}: add it to PAGES (who may open it?)"
    allowed = PAGES[(method, rule)]
    users, values = people
    path = _path(rule, values)
    for role, user in users.items():
        response = _ask(app, session, user, method, path)
        seen = (method, path, role, response.status_code, response.location)
        assert response.status_code < 500, seen
        to_login = response.status_code == 302 and urlsplit(response.location).path == "/login"
        if allowed is PUBLIC:  # (logging out leads to /login; a wrong password is a 401)
            assert response.status_code != 403, seen
        elif user is None:
            assert to_login, seen
        elif role in allowed:
            assert not to_login and response.status_code not in (401, 403), seen
        else:
            assert_forbidden_page(response, seen)


@pytest.mark.parametrize(
    ("method", "rule"),
    [r for r in ROUTES if r[0] != "GET" and r not in WITHOUT_FORM_TOKEN],
)
def test_a_write_without_the_form_token_gets_the_form_expired_page(
    app, session, people, method, rule
):
    allowed = PAGES[(method, rule)]
    users, values = people
    role = "signed out" if allowed is PUBLIC else sorted(allowed)[0]
    response = _ask(app, session, users[role], method, _path(rule, values), token=None)
    assert response.status_code == 400, (rule, response.status_code)
    assert "Biểu mẫu đã hết hạn" in text_of(response)
    forged = _ask(app, session, users[role], method, _path(rule, values), token="forged")
    assert forged.status_code == 400 and "Biểu mẫu đã hết hạn" in text_of(forged)


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_link_opens_for_the_role_that_sees_it(app, session, people, role):
    users, _ = people
    home = signed_in(app, session, users[role]).get("/", headers=HTML, follow_redirects=True)
    links = re.findall(r'<li><a href="([^"]+)"', menu_of(home))
    for link in links:
        response = signed_in(app, session, users[role]).get(link, headers=HTML)
        assert response.status_code in (200, 302), (role, link, response.status_code)
        assert urlsplit(response.location or "").path != "/login", (role, link)
