"""Registering, finding, changing and moving vendors through their states."""

import unicodedata

import pytest
from sqlalchemy import func, select

from market.audit import AuditEntry
from tests.factories import bearer, make_market, make_user, make_vendor
from vendors.models import Vendor

NEW = {
    "stall": " b - 12 ",
    "full_name": "  Trần  Ngọc Hạnh ",
    "phone": "+84 912 345 678",
    "national_id": "0834 0275 2223",
    "category": "Gia vị",
    "bank": "Sacombank",
    "account_number": "5537 1931596485",
}


@pytest.fixture
def market(session):
    return make_market(session)


@pytest.fixture
def headers(session, market):
    return bearer(make_user(session, "market_manager", market_id=market.id)[1])


def test_register_normalises_and_answers_the_contract_shape(client, market, headers):
    response = client.post(f"/api/v1/markets/{market.code}/vendors", json=NEW, headers=headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["stall"] == "B-12" and body["full_name"] == "Trần Ngọc Hạnh"
    assert body["phone"] == "0912345678" and body["national_id"] == "••••••••2223"
    assert body["status"] == "pending" and body["market"] == market.code
    assert body["payout"] == {
        "bank_bin": "970403",
        "bank_name": "Sacombank",
        "account_number": "55371931596485",
        "account_name": "TRAN NGOC HANH",
    }
    assert body["created_at"].endswith("+00:00")


def test_a_taken_stall_is_a_conflict(client, session, market, headers):
    make_vendor(session, market, stall="B-12")
    response = client.post(f"/api/v1/markets/{market.code}/vendors", json=NEW, headers=headers)
    assert response.status_code == 409 and "stall" in response.json["errors"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "0212345678"),
        ("national_id", "123456789"),
        ("bank", "Ngân hàng ABC"),
        ("account_number", "12#4"),
        ("full_name", "Robert'); DROP TABLE vendors;--"),
        ("stall", "<script>"),
        ("full_name", "   "),
    ],
)
def test_bad_details_are_422_on_their_field_and_write_nothing(
    client, session, market, headers, field, value
):
    response = client.post(
        f"/api/v1/markets/{market.code}/vendors", json=NEW | {field: value}, headers=headers
    )
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert session.scalar(select(func.count()).select_from(Vendor)) == 0


@pytest.mark.parametrize(
    "body",
    [
        NEW | {"phone": 912345678},
        NEW | {"full_name": ["x"]},
        NEW | {"stall": None},
        NEW | {"nickname": "x"},
        NEW | {"full_name": "x" * 5000},
        NEW | {"category": "a\x00b"},
        [NEW],
        "just a string",
    ],
)
def test_wrong_types_unknown_and_huge_fields_are_422(client, session, market, headers, body):
    response = client.post(f"/api/v1/markets/{market.code}/vendors", json=body, headers=headers)
    assert response.status_code == 422, response.json
    assert response.json["errors"]
    assert session.scalar(select(func.count()).select_from(Vendor)) == 0


def test_malformed_json_is_400_problem(client, market, headers):
    response = client.post(
        f"/api/v1/markets/{market.code}/vendors",
        data='{"stall": ',
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_search_is_accent_insensitive_and_safe_from_injection(client, session, market, headers):
    make_vendor(session, market, full_name="Nguyễn Thị Hoa")
    make_vendor(session, market, full_name="Đỗ Văn Đức")
    make_vendor(session, market, full_name="Lê Văn Tám")

    def names(q):
        response = client.get("/api/v1/vendors", query_string={"q": q}, headers=headers)
        assert response.status_code == 200, response.json
        return sorted(v["full_name"] for v in response.json["items"])

    assert names("nguyen thi hoa") == ["Nguyễn Thị Hoa"]
    assert names("NGUYỄN") == ["Nguyễn Thị Hoa"]
    assert names(unicodedata.normalize("NFD", "Đức")) == ["Đỗ Văn Đức"]
    assert names("do van duc") == ["Đỗ Văn Đức"]
    assert names("%") == [] and names("_") == []
    assert names("' OR '1'='1") == []
    assert names("'; DROP TABLE vendors; --") == []
    assert session.scalar(select(func.count()).select_from(Vendor)) == 3


def test_pagination_walks_every_vendor_once(client, session, market, headers):
    made = {make_vendor(session, market).id for _ in range(7)}
    seen, cursor = [], None
    while True:
        query = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/vendors", query_string=query, headers=headers).json
        seen += [v["id"] for v in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made)


@pytest.mark.parametrize(
    "query",
    [
        {"limit": 0},
        {"limit": 201},
        {"limit": "ten"},
        {"cursor": "garbage!"},
        {"status": "deleted"},
        {"q": "x" * 500},
    ],
)
def test_bad_list_queries_are_422(client, headers, query):
    response = client.get("/api/v1/vendors", query_string=query, headers=headers)
    assert response.status_code == 422


def test_update_changes_only_what_is_given_and_is_audited(client, session, market, headers):
    vendor = make_vendor(session, market, full_name="Lê Thị Mai")
    response = client.patch(
        f"/api/v1/vendors/{vendor.id}",
        headers=headers,
        json={"phone": "0987 654 321", "bank": "TCB"},
    )
    assert response.status_code == 200
    assert response.json["phone"] == "0987654321"
    assert response.json["payout"]["bank_bin"] == "970407"
    assert response.json["full_name"] == "Lê Thị Mai"
    history = client.get(f"/api/v1/vendors/{vendor.id}/history", headers=headers).json
    assert history[-1]["action"] == "update"
    assert history[-1]["changes"]["phone"][1] == "0987654321"
    assert set(history[-1]["changes"]) == {"phone", "bank_bin"}


def test_status_moves_forward_with_reasons_and_history(client, session, market, headers):
    vendor = make_vendor(session, market)
    path = f"/api/v1/vendors/{vendor.id}"
    assert client.post(f"{path}/suspend", json={}, headers=headers).status_code == 409
    assert client.post(f"{path}/activate", json={}, headers=headers).json["status"] == "active"
    # The API's reason is optional (the board's page asks for one); too long is refused.
    long_reason = client.post(f"{path}/suspend", json={"reason": "x" * 501}, headers=headers)
    assert long_reason.status_code == 422 and list(long_reason.json["errors"]) == ["reason"]
    suspended = client.post(f"{path}/suspend", json={"reason": "Nợ phí"}, headers=headers).json
    assert (suspended["status"], suspended["status_reason"]) == ("suspended", "Nợ phí")
    assert client.post(f"{path}/activate", json={}, headers=headers).json["status"] == "active"
    assert (
        client.post(f"{path}/close", json={"reason": "Nghỉ bán"}, headers=headers).json["status"]
        == "closed"
    )
    assert client.post(f"{path}/activate", json={}, headers=headers).status_code == 409
    assert client.patch(path, json={"category": "x"}, headers=headers).status_code == 409
    actions = [e["action"] for e in client.get(f"{path}/history", headers=headers).json]
    assert actions == ["activate", "suspend", "activate", "close"]
    closes = session.scalars(select(AuditEntry).where(AuditEntry.action == "close")).one()
    assert closes.reason == "Nghỉ bán" and closes.changes == {"status": ["active", "closed"]}


def test_a_closed_vendor_frees_the_stall(client, session, market, headers):
    vendor = make_vendor(session, market, stall="B-12")
    client.post(f"/api/v1/vendors/{vendor.id}/close", json={"reason": "Nghỉ"}, headers=headers)
    response = client.post(f"/api/v1/markets/{market.code}/vendors", json=NEW, headers=headers)
    assert response.status_code == 201


def test_the_database_refuses_two_open_vendors_on_one_stall(session, market):
    from sqlalchemy.exc import IntegrityError

    make_vendor(session, market, stall="C-1")
    with pytest.raises(IntegrityError), session.begin_nested():
        make_vendor(session, market, stall="C-1")


def test_an_unknown_vendor_is_404(client, headers):
    assert client.get("/api/v1/vendors/999999", headers=headers).status_code == 404
    assert client.get("/api/v1/vendors/abc", headers=headers).status_code == 404
