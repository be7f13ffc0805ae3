import pytest

from tests.factories import bearer, make_market, make_user, make_vendor


@pytest.fixture
def admin(session):
    return bearer(make_user(session, "admin")[1])


def test_create_and_get_a_market_with_vendor_counts(client, session, admin):
    body = {
        "code": "CHO-LONGHO",
        "name": "Chợ Long Hồ",
        "ward_code": "29002",
        "ward_name": "Xã Long Hồ",
        "legacy_district": "Huyện Long Hồ",
    }
    created = client.post("/api/v1/markets", json=body, headers=admin)
    assert created.status_code == 201, created.json
    assert created.json["vendor_counts"] == {}
    from market.markets.service import get_market

    market = get_market(session, "CHO-LONGHO")
    make_vendor(session, market, status="active")
    make_vendor(session, market, status="active")
    make_vendor(session, market)
    got = client.get("/api/v1/markets/cho-longho", headers=admin).json
    assert got["vendor_counts"] == {"active": 2, "pending": 1}
    assert got["legacy_district"] == "Huyện Long Hồ" and got["ward_code"] == "29002"


def test_a_duplicate_code_is_409(client, session, admin):
    make_market(session, code="CHO-A")
    response = client.post("/api/v1/markets", json={"code": "CHO-A", "name": "x"}, headers=admin)
    assert response.status_code == 409 and "code" in response.json["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Chợ"},
        {"code": "cho a", "name": "Chợ"},
        {"code": "CHO-A", "name": ""},
        {"code": "CHO-A", "name": "Chợ", "ward_code": "12"},
        {"code": "CHO-A", "name": 5},
        {"code": "CHO-A", "name": "Chợ", "province": "x"},
    ],
)
def test_bad_markets_are_422_naming_the_field(client, admin, body):
    response = client.post("/api/v1/markets", json=body, headers=admin)
    assert response.status_code == 422
    assert response.json["errors"]


def test_a_market_manager_lists_only_its_market(client, session):
    mine, other = make_market(session), make_market(session)
    headers = bearer(make_user(session, "market_manager", market_id=mine.id)[1])
    codes = [m["code"] for m in client.get("/api/v1/markets", headers=headers).json["items"]]
    assert codes == [mine.code]
    assert client.get(f"/api/v1/markets/{other.code}", headers=headers).status_code == 403
    assert client.get("/api/v1/markets/NOPE", headers=headers).status_code == 404
