"""Idempotency-Key replays the first answer; a different request with the key is 409."""

import io

from sqlalchemy import func, select

from market.markets.models import Market
from market.users import revoke_token
from tests.factories import bearer, make_market, make_user
from vendors.models import Vendor


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_the_same_key_and_body_replays_the_first_answer(client, session):
    headers = bearer(make_user(session, "admin")[1]) | {"Idempotency-Key": "k-1"}
    body = {"code": "CHO-IDEM", "name": "Chợ Một Lần"}
    first = client.post("/api/v1/markets", json=body, headers=headers)
    again = client.post("/api/v1/markets", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(session, Market) == 1


def test_the_same_key_with_another_body_is_409(client, session):
    headers = bearer(make_user(session, "admin")[1]) | {"Idempotency-Key": "k-2"}
    client.post("/api/v1/markets", json={"code": "CHO-A", "name": "A"}, headers=headers)
    other = client.post("/api/v1/markets", json={"code": "CHO-B", "name": "B"}, headers=headers)
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json["errors"]
    assert count(session, Market) == 1


def test_a_failed_request_keeps_no_key_so_the_fixed_retry_goes_through(client, session):
    headers = bearer(make_user(session, "admin")[1]) | {"Idempotency-Key": "k-3"}
    bad = client.post("/api/v1/markets", json={"code": "bad code", "name": "A"}, headers=headers)
    assert bad.status_code == 422
    good = client.post("/api/v1/markets", json={"code": "CHO-A", "name": "A"}, headers=headers)
    assert good.status_code == 201


def test_keys_belong_to_their_caller(client, session):
    body = {"code": "CHO-A", "name": "A"}
    one = bearer(make_user(session, "admin")[1]) | {"Idempotency-Key": "shared"}
    two = bearer(make_user(session, "admin")[1]) | {"Idempotency-Key": "shared"}
    assert client.post("/api/v1/markets", json=body, headers=one).status_code == 201
    assert client.post("/api/v1/markets", json=body, headers=two).status_code == 409
    assert "already exists" in str(client.post("/api/v1/markets", json=body, headers=two).json)


def test_an_import_retried_with_its_key_is_not_imported_twice(client, session):
    market = make_market(session)
    headers = bearer(make_user(session, "admin")[1]) | {"Idempotency-Key": "roster-2026-11"}
    roster = "Sạp,Họ và tên,SĐT,Ngân hàng,STK\nA-1,Lê Thị Mai,0912345678,VCB,1\n".encode()

    def send():
        return client.post(
            f"/api/v1/markets/{market.code}/vendors/import",
            headers=headers,
            data={"file": (io.BytesIO(roster), "r.csv")},
            content_type="multipart/form-data",
        )

    assert send().json["created"] == 1
    assert send().json["created"] == 1  # the first answer, replayed
    assert count(session, Vendor) == 1


def test_a_silly_key_is_422(client, session):
    headers = bearer(make_user(session, "admin")[1]) | {"Idempotency-Key": "x" * 300}
    response = client.post("/api/v1/markets", json={"code": "CHO-A", "name": "A"}, headers=headers)
    assert response.status_code == 422 and "Idempotency-Key" in response.json["errors"]


def test_a_revoked_token_replaying_its_key_gets_401_not_the_stored_answer(client, session):
    user, token = make_user(session, "admin")
    headers = bearer(token) | {"Idempotency-Key": "k-revoked"}
    body = {"code": "CHO-IDEM", "name": "Chợ Một Lần"}
    assert client.post("/api/v1/markets", json=body, headers=headers).status_code == 201
    revoke_token(session, actor=None, token_id=user.tokens[0].id)
    again = client.post("/api/v1/markets", json=body, headers=headers)
    assert again.status_code == 401
    assert "Idempotent-Replayed" not in again.headers and "CHO-IDEM" not in again.text


def test_a_deactivated_users_key_is_not_replayed_either(client, session):
    user, token = make_user(session, "admin")
    headers = bearer(token) | {"Idempotency-Key": "k-gone"}
    body = {"code": "CHO-IDEM", "name": "Chợ Một Lần"}
    assert client.post("/api/v1/markets", json=body, headers=headers).status_code == 201
    user.active = False
    session.flush()
    assert client.post("/api/v1/markets", json=body, headers=headers).status_code == 401
