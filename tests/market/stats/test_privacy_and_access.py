"""Bank staff see aggregates only: no name, phone, national ID or account anywhere."""

import io
import re

import pytest
from openpyxl import load_workbook

from market.users import create_user
from tests.factories import bearer, make_user
from tests.market.stats.test_adoption import history  # noqa: F401  (the known history)

ENDPOINTS = [
    "/api/v1/stats/adoption?from=2025-11-01&to=2025-11-30&group_by={g}&format={f}",
    "/api/v1/stats/tuition?from=2025-01-01&to=2026-12-31&format={f}",
]


def personal_values(session) -> set[str]:
    from sqlalchemy import select

    from payments.ledger.models import Payment
    from vendors.models import Vendor

    found = set()
    for v in session.scalars(select(Vendor)):
        found |= {
            v.full_name,
            v.phone,
            v.account_number,
            v.account_name,
            *(x for x in (v.national_id,) if x),
        }
    for p in session.scalars(select(Payment)):
        found |= {x for x in (p.payer_hash, p.payer_name, p.credit_account) if x}
    return found


def texts(response) -> str:
    if response.mimetype.endswith("sheet"):
        book = load_workbook(io.BytesIO(response.data))
        return " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row)
    return response.get_data(as_text=True)


def test_no_stats_answer_carries_personal_data(client, session, history):  # noqa: F811
    token = make_user(session, "bank_staff")[1]
    secrets = personal_values(session)
    assert secrets
    pages = []
    for template in ENDPOINTS:
        for group in ("market", "ward", "legacy_district", "provider", "category", "month", "day"):
            for kind in ("json", "csv", "xlsx"):
                response = client.get(template.format(g=group, f=kind), headers=bearer(token))
                assert response.status_code == 200, response.json
                pages.append(texts(response))
    create_user(session, username="nganhang.test", role="bank_staff", password="mat-khau-dai-1")
    csrf = re.search(
        r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)
    ).group(1)
    client.post(
        "/login", data={"username": "nganhang.test", "password": "mat-khau-dai-1", "csrf": csrf}
    )
    dashboard = client.get("/dashboard?from=2025-11-01&to=2025-11-30")
    assert dashboard.status_code == 200
    pages.append(dashboard.get_data(as_text=True))
    for page in pages:
        leaked = {s for s in secrets if s in page}
        assert not leaked, leaked


@pytest.mark.parametrize("role", ["market_manager", "vendor", "school_admin"])
def test_other_roles_get_no_statistics(client, session, role):
    from tests.factories import make_market, make_school, make_vendor

    scope = {}
    if role == "school_admin":
        scope = {"school_id": make_school(session).id}
    else:
        market = make_market(session)
        scope = {"market_id": market.id}
        if role == "vendor":
            scope["vendor_id"] = make_vendor(session, market).id
    token = bearer(make_user(session, role, **scope)[1])
    assert client.get("/api/v1/stats/adoption", headers=token).status_code == 403
    assert client.get("/api/v1/stats/tuition", headers=token).status_code == 403
    assert client.get("/api/v1/stats/adoption").status_code == 401
    assert client.get("/dashboard").status_code == 302  # to the login page


@pytest.mark.parametrize(
    "query",
    [
        "group_by=street",
        "from=2025-13-01",
        "from=2026-01-01&to=2025-01-01",
        "format=pdf",
        "from=2020-01-01&to=2025-01-01",
        "payee_type=bank",
    ],
)
def test_bad_stats_queries_are_422(client, session, query):
    token = bearer(make_user(session, "bank_staff")[1])
    assert client.get(f"/api/v1/stats/adoption?{query}", headers=token).status_code == 422
