"""Every endpoint of the app × every role: generated from the app's own URL map, held against
the README's "Who may do what" written out below. An endpoint the table does not list fails."""

import io
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from market import create_app
from market.users import ROLES, ApiToken
from tests.factories import (
    bearer,
    generic_notification,
    make_market,
    make_provider,
    make_school,
    make_user,
    make_vendor,
)
from tests.market.test_page_access import PAGES
from tuition.models import Invoice, Student

SECRET = "s3cret-s3cret-s3cret"
ROSTER = (
    "Mã học sinh,Họ và tên,Lớp,Phụ huynh,SĐT phụ huynh\nHS001,Lê Văn An,6A1,Lê Văn Ba,0912345678\n"
)


@dataclass(frozen=True)
class Access:
    """Who may call an endpoint: roles (None: anyone, no sign-in); a page sends strangers to
    /login instead of answering 401."""

    roles: frozenset | None
    page: bool = False
    signed: bool = False  # a provider's signature, not a role: every caller without one is 401


def api(*roles: str) -> Access:
    return Access(frozenset(roles))


PUBLIC = Access(None)
EVERYONE = api(*ROLES)
BOARD = api("admin", "market_manager")
VENDOR_READERS = api("admin", "market_manager", "vendor")
MARKET_READERS = api("admin", "market_manager", "vendor", "bank_staff")
SCHOOL_STAFF = api("admin", "school_admin")
FIGURES = api("admin", "bank_staff")
ADMIN = api("admin")
STAFF = api("admin", "market_manager", "school_admin", "bank_staff")  # who has a password

# The README's table, with the world below: the market manager and the vendor belong to its
# market and vendor, the school admin to its school; the payment and settlement are the
# vendor's, so that a school admin is a stranger to them (404), and the user and token are
# someone else's.
ACCESS = {
    ("GET", "/"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/pay"): PUBLIC,
    ("POST", "/pay"): PUBLIC,
    ("GET", "/pay/qr/<reference>.png"): PUBLIC,
    ("GET", "/pay/status"): PUBLIC,
    ("GET", "/pay/receipt.pdf"): PUBLIC,
    ("GET", "/dashboard"): Access(FIGURES.roles, page=True),
    ("GET", "/password"): Access(STAFF.roles, page=True),
    ("POST", "/password"): Access(STAFF.roles, page=True),
    ("GET", "/users"): Access(ADMIN.roles, page=True),
    ("GET", "/users/new"): Access(ADMIN.roles, page=True),
    ("POST", "/users"): Access(ADMIN.roles, page=True),
    ("GET", "/users/<int:user_id>"): Access(ADMIN.roles, page=True),
    ("POST", "/users/<int:user_id>/password-reset"): Access(ADMIN.roles, page=True),
    ("POST", "/users/<int:user_id>/deactivate"): Access(ADMIN.roles, page=True),
    ("POST", "/api/v1/vendors/<int:vendor_id>/login-links"): BOARD,
    ("GET", "/static/<path:filename>"): PUBLIC,
    ("GET", "/api/docs"): PUBLIC,
    ("GET", "/api/docs/static/<path:filename>"): PUBLIC,
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/api/v1/health"): PUBLIC,
    ("GET", "/api/v1/health/ready"): PUBLIC,
    ("POST", "/api/v1/notifications/<provider>"): Access(None, signed=True),
    ("GET", "/api/v1/payment-requests/<reference>/qr.<any(png, svg):kind>"): PUBLIC,
    ("GET", "/api/v1/payment-requests/<reference>"): api(
        "admin", "market_manager", "vendor", "school_admin"
    ),
    ("POST", "/api/v1/markets"): ADMIN,
    ("GET", "/api/v1/markets"): MARKET_READERS,
    ("GET", "/api/v1/markets/<code>"): MARKET_READERS,
    ("POST", "/api/v1/markets/<code>/vendors"): BOARD,
    ("POST", "/api/v1/markets/<code>/vendors/import"): BOARD,
    ("GET", "/api/v1/markets/<code>/placards.pdf"): BOARD,
    ("GET", "/api/v1/vendors"): VENDOR_READERS,
    ("GET", "/api/v1/vendors/<int:vendor_id>"): VENDOR_READERS,
    ("PATCH", "/api/v1/vendors/<int:vendor_id>"): BOARD,
    ("POST", "/api/v1/vendors/<int:vendor_id>/<any(activate, suspend, close):action>"): BOARD,
    ("GET", "/api/v1/vendors/<int:vendor_id>/history"): BOARD,
    ("GET", "/api/v1/vendors/<int:vendor_id>/qr"): VENDOR_READERS,
    ("GET", "/api/v1/vendors/<int:vendor_id>/placard.<any(png, pdf):kind>"): VENDOR_READERS,
    ("POST", "/api/v1/vendors/<int:vendor_id>/payment-requests"): VENDOR_READERS,
    ("POST", "/api/v1/qr/decode"): EVERYONE,
    ("GET", "/api/v1/payments"): api("admin", "market_manager", "vendor", "school_admin"),
    ("GET", "/api/v1/payments/<int:payment_id>"): VENDOR_READERS,
    ("POST", "/api/v1/payments/<int:payment_id>/assign"): BOARD,
    ("POST", "/api/v1/payments/<int:payment_id>/reverse"): BOARD,
    ("GET", "/api/v1/payments/<int:payment_id>/receipt.pdf"): SCHOOL_STAFF,
    ("GET", "/api/v1/payments/<int:payment_id>/receipt"): SCHOOL_STAFF,
    ("POST", "/api/v1/settlements/close"): ADMIN,
    ("GET", "/api/v1/settlements"): api("admin", "market_manager", "vendor", "school_admin"),
    ("GET", "/api/v1/settlements/<int:settlement_id>"): VENDOR_READERS,
    ("POST", "/api/v1/reconciliations"): ADMIN,
    ("GET", "/api/v1/reconciliations/<int:run_id>"): ADMIN,
    ("POST", "/api/v1/reconciliations/<int:run_id>/import-missing"): ADMIN,
    ("POST", "/api/v1/schools"): ADMIN,
    ("GET", "/api/v1/schools"): api("admin", "school_admin", "bank_staff"),
    ("POST", "/api/v1/schools/<code>/students/import"): SCHOOL_STAFF,
    ("POST", "/api/v1/schools/<code>/fee-plans"): SCHOOL_STAFF,
    ("GET", "/api/v1/schools/<code>/outstanding"): SCHOOL_STAFF,
    ("GET", "/api/v1/fee-plans/<int:plan_id>"): SCHOOL_STAFF,
    ("PATCH", "/api/v1/fee-plans/<int:plan_id>"): SCHOOL_STAFF,
    ("POST", "/api/v1/fee-plans/<int:plan_id>/issue"): SCHOOL_STAFF,
    ("POST", "/api/v1/fee-plans/<int:plan_id>/reissue"): SCHOOL_STAFF,
    ("POST", "/api/v1/students/<int:student_id>/exemptions"): SCHOOL_STAFF,
    ("GET", "/api/v1/schools/<code>/students"): SCHOOL_STAFF,
    ("GET", "/api/v1/students/<int:student_id>"): SCHOOL_STAFF,
    ("POST", "/api/v1/students/<int:student_id>/exemptions/<int:exemption_id>/end"): SCHOOL_STAFF,
    ("GET", "/api/v1/schools/<code>/invoices.pdf"): SCHOOL_STAFF,
    ("GET", "/api/v1/invoices"): SCHOOL_STAFF,
    ("GET", "/api/v1/invoices/<reference>"): SCHOOL_STAFF,
    ("GET", "/api/v1/invoices/<reference>/qr.png"): SCHOOL_STAFF,
    ("POST", "/api/v1/invoices/<reference>/cash-payments"): SCHOOL_STAFF,
    ("POST", "/api/v1/invoices/<reference>/void"): SCHOOL_STAFF,
    ("GET", "/api/v1/stats/adoption"): FIGURES,
    ("GET", "/api/v1/stats/tuition"): FIGURES,
    ("GET", "/api/v1/users"): ADMIN,
    ("POST", "/api/v1/users"): ADMIN,
    ("POST", "/api/v1/users/<int:user_id>/password-reset"): ADMIN,
    ("POST", "/api/v1/users/<int:user_id>/deactivate"): ADMIN,
    ("GET", "/api/v1/users/<int:user_id>/tokens"): ADMIN,
    ("GET", "/api/v1/tokens"): EVERYONE,
    ("DELETE", "/api/v1/tokens/<int:token_id>"): ADMIN,  # anyone's own; another's is 404
}
# Pages: who may open them is said once, in the page table (signed in by cookie there; here
# by an API token, which a page never takes as a sign-in: it sends the caller to /login).
for _key, _roles in PAGES.items():
    ACCESS.setdefault(_key, PUBLIC if _roles is None else Access(frozenset(_roles), page=True))


def _routes() -> list[tuple[str, str]]:
    """(method, rule) of every route the application serves."""
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "routes"})
    try:
        return sorted(
            (method, rule.rule)
            for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}
        )
    finally:
        app.extensions["db"].engine.dispose()


ROUTES = _routes()


def test_the_table_lists_no_endpoint_the_app_does_not_serve():
    assert sorted(set(ACCESS) - set(ROUTES)) == []


@pytest.fixture
def world(client, session):
    """One of everything, each bound to the callers' market, vendor or school."""
    make_provider(session)
    market = make_market(session)
    vendor = make_vendor(session, market, status="active")
    school = make_school(session)
    admin_user, admin_token = make_user(session, "admin")
    admin = bearer(admin_token)
    staff_token = make_user(session, "school_admin", school_id=school.id)[1]
    tokens = {
        "admin": admin_token,
        "market_manager": make_user(session, "market_manager", market_id=market.id)[1],
        "vendor": make_user(session, "vendor", vendor_id=vendor.id, market_id=market.id)[1],
        "school_admin": staff_token,
        "bank_staff": make_user(session, "bank_staff")[1],
    }
    body, headers = generic_notification(
        SECRET,
        txn="FT-MATRIX",
        amount=50000,
        account=vendor.account_number,
        occurred_at="2025-03-10T09:30:00+07:00",
    )
    payment_id = client.post("/api/v1/notifications/vqr-generic", data=body, headers=headers).json[
        "payment_id"
    ]
    closed = client.post(
        "/api/v1/settlements/close", json={"business_date": "2025-03-10"}, headers=admin
    )
    statement = (
        "transaction_id,amount,credit_bin,credit_account,description,occurred_at\n"
        f"FT-MATRIX,50000,970436,{vendor.account_number},x,2025-03-10T09:30:00+07:00\n"
    )
    run = client.post(
        "/api/v1/reconciliations",
        headers=admin,
        data={"provider": "vqr-generic", "file": (io.BytesIO(statement.encode()), "s.csv")},
        content_type="multipart/form-data",
    )
    request = client.post(
        f"/api/v1/vendors/{vendor.id}/payment-requests", json={"amount": 10000}, headers=admin
    )
    staff = bearer(staff_token)
    client.post(
        f"/api/v1/schools/{school.code}/students/import",
        headers=staff,
        data={"file": (io.BytesIO(ROSTER.encode()), "r.csv")},
        content_type="multipart/form-data",
    )
    plan = client.post(
        f"/api/v1/schools/{school.code}/fee-plans",
        headers=staff,
        json={
            "name": "Học kỳ I",
            "school_year": "2025-2026",
            "due_date": "2025-10-15",
            "classes": ["6A1"],
            "lines": [{"item": "Tiền ăn", "kind": "meals", "amount": 700000}],
        },
    ).json
    client.post(f"/api/v1/fee-plans/{plan['id']}/issue", headers=staff)
    invoice = session.scalars(select(Invoice)).one()
    cash = client.post(
        f"/api/v1/invoices/{invoice.reference}/cash-payments", json={"amount": 1000}, headers=staff
    )
    stranger = make_user(session, "admin")[0]
    make_user(session, "market_manager", market_id=market.id)  # whose token is revoked below
    values = {
        "market": market.code,
        "school": school.code,
        "vendor_id": vendor.id,
        "student_id": session.scalars(select(Student.id)).one(),
        "plan_id": plan["id"],
        "exemption_id": 0,
        "invoice": invoice.reference,
        "payment_request": request.json["reference"],
        "payment_id": payment_id,
        "cash_payment_id": cash.json["id"],
        "settlement_id": closed.json[0]["id"],
        "run_id": run.json["id"],
        "provider": "vqr-generic",
        "user_id": stranger.id,
        "token_id": session.scalars(select(ApiToken.id).order_by(ApiToken.id.desc())).first(),
        "device_id": 999999,
        "token": "no-such-link",
    }
    assert admin_user.id != stranger.id
    return values, tokens


def _value(name: str, rule: str, world: dict) -> str:
    if name == "code":
        return world["school" if rule.startswith(("/api/v1/schools", "/schools")) else "market"]
    if name == "reference":
        return world["payment_request" if "payment-requests" in rule else "invoice"]
    if name == "payment_id" and rule.endswith(("receipt.pdf", "receipt")):
        return str(world["cash_payment_id"])
    if name == "market_code":
        return world["market"]
    if name in ("build_id", "day"):
        return {"build_id": "999999", "day": "2025-03-10"}[name]
    if name == "filename":
        return "swagger-ui.css" if rule.startswith("/api/docs") else "site.css"
    return str(world[name])


def _paths(rule: str, world: dict) -> list[str]:
    """The rule with the world's values, once for each choice of an any() converter."""
    paths = [rule]
    for found in re.finditer(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>", rule):
        converter, choices, name = found.groups()
        options = (
            [c.strip() for c in choices.split(",")]
            if converter == "any"
            else [_value(name, rule, world)]
        )
        paths = [p.replace(found.group(0), option) for p in paths for option in options]
    return paths


@dataclass
class Answer:
    status_code: int
    location: str | None
    text: str


# Where a role may call an endpoint for its own records only, a body that passes validation
# lets the test see the refusal of someone else's record.
BODIES = {
    "/api/v1/payments/<int:payment_id>/reverse": {"reason": "Nhầm sạp"},
    "/api/v1/payments/<int:payment_id>/assign": {"reference": "CHAAAAAAAA"},
}


def _call(client, method: str, path: str, token: str | None, body=None) -> Answer:
    headers = bearer(token) if token else {}
    body = body if body is not None else {} if method in ("POST", "PATCH") else None
    with client.open(path, method=method, headers=headers, json=body) as response:
        text = response.get_data(as_text=True)[:300] if response.is_json else ""
        return Answer(response.status_code, response.location, text)


@pytest.mark.parametrize(("method", "rule"), ROUTES)
def test_each_role_gets_what_the_table_says_and_never_a_500(client, world, method, rule):
    assert (method, rule) in ACCESS, f"{method} {rule} is missing from the access table"
    access = ACCESS[(method, rule)]
    values, tokens = world
    body = BODIES.get(rule)
    for path in _paths(rule, values):
        anonymous = _call(client, method, path, None, body)
        assert anonymous.status_code < 500, (path, anonymous.text)
        if access.roles is not None or access.signed:
            if access.page:
                assert anonymous.status_code == 302 and "/login" in anonymous.location, path
            else:
                assert anonymous.status_code == 401, (path, anonymous.status_code)
        for role in ROLES:
            response = _call(client, method, path, tokens[role], body)
            seen = (path, role, response.status_code, response.text)
            assert response.status_code < 500, seen
            if access.signed:
                assert response.status_code == 401, seen
            elif access.roles is None or role in access.roles:
                assert response.status_code not in (401, 403), seen
            else:
                assert response.status_code in (403, 404), seen
