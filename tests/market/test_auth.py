"""Tokens are stored hashed; staff log in with an Argon2-hashed password."""

import re

from sqlalchemy import select

from market.users import ApiToken, User, create_user, hash_token
from tests.factories import bearer, make_user


def test_tokens_are_stored_hashed_and_work_as_bearer(client, session):
    user, token = make_user(session, "admin")
    stored = session.scalars(select(ApiToken.token_hash).where(ApiToken.user_id == user.id)).one()
    assert stored == hash_token(token) and token not in stored
    assert client.get("/api/v1/markets", headers=bearer(token)).status_code == 200


def test_revoked_tokens_and_inactive_users_are_refused(client, session):
    user, token = make_user(session, "admin")
    user.active = False
    session.flush()
    assert client.get("/api/v1/markets", headers=bearer(token)).status_code == 401
    user.active = True
    session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id)
    ).one().revoked_at = user.created_at
    session.flush()
    assert client.get("/api/v1/markets", headers=bearer(token)).status_code == 401


def test_other_schemes_are_refused(client):
    assert client.get("/api/v1/markets", headers={"Authorization": "Basic eDp5"}).status_code == 401


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_login_with_a_password_then_read_with_the_cookie(client, session):
    create_user(session, username="banbql", role="admin", password="mat-khau-dai-1")
    hashed = session.scalars(select(User.password_hash).where(User.username == "banbql")).one()
    assert hashed.startswith("$argon2id$")
    page = client.get("/login")
    assert page.status_code == 200 and "Đăng nhập" in page.get_data(as_text=True)
    token = _csrf(page.get_data(as_text=True))
    bad = client.post("/login", data={"username": "banbql", "password": "sai", "csrf": token})
    assert bad.status_code == 401 and "Sai tên đăng nhập" in bad.get_data(as_text=True)
    good = client.post(
        "/login", data={"username": "banbql", "password": "mat-khau-dai-1", "csrf": token}
    )
    assert good.status_code == 302
    assert client.get("/api/v1/markets").status_code == 200
    # a cookie is never enough to write: writes need a bearer token
    assert client.post("/api/v1/markets", json={"code": "CHO-X", "name": "X"}).status_code == 401


def test_login_without_the_form_token_is_refused(client, session):
    create_user(session, username="banbql", role="admin", password="mat-khau-dai-1")
    response = client.post("/login", data={"username": "banbql", "password": "mat-khau-dai-1"})
    assert response.status_code == 400
    assert client.get("/api/v1/markets").status_code == 401


def test_login_does_not_redirect_off_site(client, session):
    create_user(session, username="banbql", role="admin", password="mat-khau-dai-1")
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=https://evil.example/",
        data={"username": "banbql", "password": "mat-khau-dai-1", "csrf": token},
    )
    assert response.headers["Location"] == "/"
