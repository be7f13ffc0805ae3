"""Outside development the app refuses the public development secrets; a session cookie is only
as good as the server-side session it names, and it is Secure over HTTPS."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask.sessions import SecureCookieSessionInterface

from market import create_app
from market.config import DEVELOPMENT_SECRET_KEY, UnsafeConfiguration
from market.users import create_user
from tests.factories import make_market, make_vendor

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ("SECRET_KEY", "PAYER_HASH_KEY", "FLASK_SECRET_KEY", "FLASK_PAYER_HASH_KEY")
DEVELOPMENT_SIGNS = ("FLASK_ENV", "FLASK_DEBUG", "FLASK_TESTING")


@pytest.fixture
def production(monkeypatch, tmp_path):
    """An environment that says nothing about secrets or development."""
    for name in SETTINGS + DEVELOPMENT_SIGNS:
        monkeypatch.delenv(name, raising=False)
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}"}


def _clean_env(tmp_path, **settings) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS + DEVELOPMENT_SIGNS}
    return env | {"DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}"} | settings


def test_a_production_app_with_the_public_secret_key_refuses_to_start(production):
    for secret in (None, DEVELOPMENT_SECRET_KEY, ""):
        config = production | ({} if secret is None else {"SECRET_KEY": secret})
        with pytest.raises(UnsafeConfiguration, match="set SECRET_KEY"):
            create_app(config | {"PAYER_HASH_KEY": "a-long-random-payer-key"})


def test_a_production_app_without_its_own_payer_hash_key_refuses_to_start(production):
    with pytest.raises(UnsafeConfiguration, match="PAYER_HASH_KEY"):
        create_app(production | {"SECRET_KEY": "a-long-random-secret"})


def test_a_production_app_with_both_secrets_set_starts(production):
    app = create_app(production | {"SECRET_KEY": "s" * 64, "PAYER_HASH_KEY": "p" * 64})
    app.extensions["db"].engine.dispose()


@pytest.mark.parametrize("sign", ["FLASK_ENV=development", "FLASK_DEBUG=1", "FLASK_TESTING=true"])
def test_development_and_tests_may_run_on_the_development_defaults(production, monkeypatch, sign):
    name, value = sign.split("=")
    monkeypatch.setenv(name, value)
    app = create_app(production)
    assert app.config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY
    app.extensions["db"].engine.dispose()


def test_the_flask_cli_refuses_in_one_line_naming_the_variable(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "check"],
        cwd=ROOT,
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("refusing to start: SECRET_KEY") and "FLASK_ENV=development" in line


def test_gunicorn_stops_rather_than_serving_with_the_public_secret(tmp_path):
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", "127.0.0.1:0"]
    process = subprocess.Popen(
        [*command, "wsgi:app"],
        cwd=ROOT,
        env=_clean_env(tmp_path, PAYER_HASH_KEY="a-long-random-payer-key"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        pytest.fail(f"gunicorn kept running:\n{output}")
    assert process.returncode != 0
    assert "refusing to start: SECRET_KEY is unset" in output
    assert "Traceback" not in output


def test_a_cookie_forged_with_the_signing_key_names_nobody(app, client, session):
    """Whoever knows the signing key (the public default, once) can sign any cookie: the old
    cookie named a user id and was believed; now it must name a live server-side session."""
    admin = create_user(session, username="banbql", role="admin", password="mat-khau-dai-1")
    make_vendor(session, make_market(session), status="active")
    signer = SecureCookieSessionInterface().get_signing_serializer(app)
    for forged in ({"user_id": admin.id}, {"login": "guessed-key"}, {"login": admin.id}):
        client.set_cookie("session", signer.dumps(forged))
        assert client.get("/api/v1/vendors").status_code == 401, forged
        assert client.get("/dashboard").status_code == 302


def _session_cookie(response) -> str:
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def test_the_session_cookie_is_secure_over_https_only(client):
    assert "Secure" in _session_cookie(client.get("/login", base_url="https://cho40.example"))
    assert "Secure" not in _session_cookie(client.get("/login", base_url="http://localhost"))


def test_behind_a_trusted_proxy_the_forwarded_scheme_decides(make_app, database_url):
    proxied = make_app(DATABASE_URL=database_url, TRUSTED_PROXIES=1).test_client()
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    assert "Secure" in _session_cookie(proxied.get("/login", headers=https))
    direct = make_app(DATABASE_URL=database_url).test_client()
    assert "Secure" not in _session_cookie(direct.get("/login", headers=https))
