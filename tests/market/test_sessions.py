"""Sessions and tokens can be ended: logout, a new password and deactivation end login sessions
(a captured cookie replayed afterwards signs nobody in); tokens are revoked one by one or all
at once, from the shell or by an admin over the API."""

import re

import pytest
from sqlalchemy import select

from market.audit import AuditEntry
from market.users import ApiToken, LoginSession, User, create_user, hash_token, issue_token
from tests.factories import bearer, make_user

PASSWORD = "mat-khau-dai-1"


@pytest.fixture
def staff(session):
    return create_user(session, username="banbql", role="admin", password=PASSWORD)


def csrf_of(browser) -> str:
    """The form token of the login page, as this browser sees it."""
    page = browser.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def log_in(app, username="banbql", password=PASSWORD):
    """A fresh browser that signs in; (its client, the session cookie it holds)."""
    browser = app.test_client()
    form = {"username": username, "password": password, "csrf": csrf_of(browser)}
    answer = browser.post("/login", data=form)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return browser, browser.get_cookie("session").value


def replay(app, cookie: str) -> int:
    """What another browser holding a copy of cookie gets from a staff read."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/api/v1/markets").status_code


def test_a_cookie_captured_before_logout_no_longer_signs_in(app, client, session, staff):
    browser, captured = log_in(app)
    assert replay(app, captured) == 200
    assert browser.post("/logout", data={"csrf": csrf_of(browser)}).status_code == 302
    assert replay(app, captured) == 401
    assert browser.get("/api/v1/markets").status_code == 401
    ended = session.scalars(select(LoginSession).where(LoginSession.user_id == staff.id)).one()
    assert ended.ended_at is not None


def test_logging_out_one_browser_leaves_the_others_signed_in(app, client, session, staff):
    laptop, _ = log_in(app)
    _, phone = log_in(app)
    laptop.post("/logout", data={"csrf": csrf_of(laptop)})
    assert replay(app, phone) == 200


def test_the_cookie_holds_a_session_key_not_the_user_id(app, client, session, staff):
    _, captured = log_in(app)
    stored = session.scalars(select(LoginSession.key_hash)).one()
    opened = app.session_interface.get_signing_serializer(app).loads(captured)
    assert "user_id" not in opened and hash_token(opened["login"]) == stored


def test_a_new_password_ends_the_sessions_signed_in_with_the_old_one(app, client, session, staff):
    _, captured = log_in(app)
    result = app.test_cli_runner().invoke(
        args=["users", "set-password", "--username", "banbql"],
        input="mat-khau-moi-2\nmat-khau-moi-2\n",
    )
    assert result.exit_code == 0, result.output
    assert replay(app, captured) == 401
    _, fresh = log_in(app, password="mat-khau-moi-2")
    assert replay(app, fresh) == 200


def test_deactivating_a_user_ends_its_sessions_and_revokes_its_tokens(app, client, session, staff):
    _, captured = log_in(app)
    token = issue_token(session, user=staff)
    admin = bearer(make_user(session, "admin")[1])
    answer = client.post(f"/api/v1/users/{staff.id}/deactivate", headers=admin)
    assert answer.status_code == 200 and answer.json["active"] is False
    assert replay(app, captured) == 401
    assert client.get("/api/v1/markets", headers=bearer(token)).status_code == 401
    # ended, not merely refused while inactive: turning the account on again revives nothing
    staff.active = True
    session.flush()
    assert replay(app, captured) == 401
    assert client.get("/api/v1/markets", headers=bearer(token)).status_code == 401
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "user")).one()
    assert (entry.entity_id, entry.action) == (staff.id, "deactivate")


def test_an_admin_cannot_deactivate_itself(client, session):
    admin, token = make_user(session, "admin")
    answer = client.post(f"/api/v1/users/{admin.id}/deactivate", headers=bearer(token))
    assert answer.status_code == 409
    assert client.get("/api/v1/markets", headers=bearer(token)).status_code == 200


def test_users_deactivate_from_the_shell(app, client, session, staff):
    _, captured = log_in(app)
    token = issue_token(session, user=staff)
    result = app.test_cli_runner().invoke(args=["users", "deactivate", "--username", "banbql"])
    assert result.exit_code == 0, result.output
    assert replay(app, captured) == 401
    assert client.get("/api/v1/markets", headers=bearer(token)).status_code == 401
    assert session.scalar(select(User.active).where(User.id == staff.id)) is False
    unknown = app.test_cli_runner().invoke(args=["users", "deactivate", "--username", "ai-do"])
    assert unknown.exit_code != 0 and "no user" in unknown.output


def test_users_revoke_ends_one_token_and_leaves_the_others(app, client, session, staff):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["users", "token", "--username", "banbql"]).output.splitlines()
    second = runner.invoke(args=["users", "token", "--username", "banbql"]).output.splitlines()
    token_id = int(first[-2].removeprefix("token id "))
    listed = runner.invoke(args=["users", "tokens", "--username", "banbql"]).output
    assert f"{token_id}\tcli\t" in listed and "revoked" not in listed
    result = runner.invoke(args=["users", "revoke", "--token-id", str(token_id)])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/markets", headers=bearer(first[-1])).status_code == 401
    assert client.get("/api/v1/markets", headers=bearer(second[-1])).status_code == 200
    assert "revoked" in runner.invoke(args=["users", "tokens", "--username", "banbql"]).output
    assert runner.invoke(args=["users", "revoke", "--token-id", "999999"]).exit_code != 0


def test_an_admin_revokes_any_token_over_the_api(client, session):
    holder, holder_token = make_user(session, "bank_staff")
    admin = bearer(make_user(session, "admin")[1])
    users = client.get("/api/v1/users?limit=200", headers=admin).json["items"]
    assert {"id": holder.id, "role": "bank_staff", "active": True}.items() <= next(
        u for u in users if u["id"] == holder.id
    ).items()
    listed = client.get(f"/api/v1/users/{holder.id}/tokens", headers=admin).json["items"]
    assert [t["user_id"] for t in listed] == [holder.id] and "token_hash" not in listed[0]
    assert client.delete(f"/api/v1/tokens/{listed[0]['id']}", headers=admin).status_code == 204
    assert client.get("/api/v1/markets", headers=bearer(holder_token)).status_code == 401
    assert client.delete(f"/api/v1/tokens/{listed[0]['id']}", headers=admin).status_code == 204
    assert client.delete("/api/v1/tokens/999999", headers=admin).status_code == 404


def test_anyone_may_revoke_their_own_token_but_not_anothers(client, session):
    mine, my_token = make_user(session, "bank_staff")
    spare = issue_token(session, user=mine)
    other = make_user(session, "bank_staff")[0]
    other_id = session.scalars(select(ApiToken.id).where(ApiToken.user_id == other.id)).one()
    headers = bearer(my_token)
    assert client.delete(f"/api/v1/tokens/{other_id}", headers=headers).status_code == 404
    own = client.get("/api/v1/tokens", headers=headers).json["items"]
    assert {t["user_id"] for t in own} == {mine.id} and len(own) == 2
    spare_id = session.scalars(select(ApiToken.id).where(ApiToken.token_hash == hash_token(spare)))
    assert client.delete(f"/api/v1/tokens/{spare_id.one()}", headers=headers).status_code == 204
    assert client.get("/api/v1/markets", headers=bearer(spare)).status_code == 401
    assert client.get("/api/v1/markets", headers=headers).status_code == 200


def test_the_user_and_token_endpoints_are_documented_with_schemas(client):
    spec = client.get("/api/v1/openapi.json").json
    deactivate = spec["paths"]["/api/v1/users/{user_id}/deactivate"]["post"]
    assert deactivate["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/User"
    }
    assert "204" in spec["paths"]["/api/v1/tokens/{token_id}"]["delete"]["responses"]
    token_fields = spec["components"]["schemas"]["Token"]["properties"]
    assert set(token_fields) == {"id", "user_id", "label", "created_at", "revoked_at"}


def test_signing_in_again_ends_the_browsers_previous_session(app, client, session, staff):
    browser, first = log_in(app)
    form = {"username": "banbql", "password": PASSWORD, "csrf": csrf_of(browser)}
    assert browser.post("/login", data=form).status_code == 302
    assert replay(app, first) == 401
    assert browser.get("/api/v1/markets").status_code == 200
