"""Guessing passwords is limited per username and per client (the real client behind the
trusted proxies), counted atomically in the database: parallel guesses cannot slip through."""

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from market.db import get_db
from market.migrate import upgrade
from market.pages import MAX_PER_CLIENT, MAX_PER_USERNAME
from market.ratelimit import RateLimitHit
from market.users import create_user
from tests.browser import live_server

PASSWORD = "mat-khau-dai-1"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Argon2 at its lightest: these tests count attempts, they do not time them."""
    light = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr("market.users._hasher", light)


def attempt(browser, username: str, password: str, **headers):
    page = browser.get("/login", headers=headers).get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = {"username": username, "password": password, "csrf": csrf}
    return browser.post("/login", data=form, headers=headers)


@pytest.fixture
def staff(session):
    return create_user(session, username="banbql", role="admin", password=PASSWORD)


def test_ten_wrong_passwords_lock_the_username_for_the_window(client, staff):
    for _ in range(MAX_PER_USERNAME):
        assert attempt(client, "banbql", "doan-mo-sai").status_code == 401
    locked = attempt(client, "banbql", PASSWORD)  # even the right password waits
    assert locked.status_code == 429 and "30 phút" in locked.get_data(as_text=True)
    assert attempt(client, "BanBQL", PASSWORD).status_code == 429  # the same name, other case


def test_a_right_password_does_not_count_towards_the_limit(client, staff):
    for _ in range(MAX_PER_USERNAME + 5):
        assert attempt(client, "banbql", PASSWORD).status_code == 302
    for _ in range(MAX_PER_USERNAME - 1):
        assert attempt(client, "banbql", "doan-mo-sai").status_code == 401
    assert attempt(client, "banbql", PASSWORD).status_code == 302


def test_one_client_guessing_many_usernames_is_locked(client, staff):
    for n in range(MAX_PER_CLIENT):
        assert attempt(client, f"ai-do-{n}", "doan-mo-sai").status_code == 401
    assert attempt(client, "banbql", PASSWORD).status_code == 429


@pytest.fixture
def proxied(make_app, tmp_path):
    """A client of an app behind one trusted proxy (a database of its own, committed)."""
    url = f"sqlite:///{tmp_path / 'proxied.db'}"
    upgrade(url)
    app = make_app(DATABASE_URL=url, TRUSTED_PROXIES=1)
    with app.app_context(), get_db().session_scope() as session:
        create_user(session, username="banbql", role="admin", password=PASSWORD)
    return app.test_client()


def test_behind_a_trusted_proxy_each_client_is_counted_apart(proxied):
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    for n in range(MAX_PER_CLIENT):
        assert attempt(proxied, f"ai-do-{n}", "doan-mo-sai", **guesser).status_code == 401
    assert attempt(proxied, "ai-do-x", "doan-mo-sai", **guesser).status_code == 429
    neighbour = {"X-Forwarded-For": "198.51.100.20"}
    assert attempt(proxied, "banbql", PASSWORD, **neighbour).status_code == 302


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(client, staff):
    for n in range(MAX_PER_CLIENT):
        forged = {"X-Forwarded-For": f"198.51.100.{n}"}
        assert attempt(client, f"ai-do-{n}", "doan-mo-sai", **forged).status_code == 401
    assert attempt(client, "banbql", PASSWORD, **{"X-Forwarded-For": "10.9.9.9"}).status_code == 429


@pytest.fixture
def served(make_app, live_database):
    app = make_app(DATABASE_URL=live_database)
    with app.app_context(), get_db().session_scope() as session:
        create_user(session, username="banbql", role="admin", password=PASSWORD)
    with live_server(app) as base:
        yield app, base


def test_forty_parallel_wrong_passwords_let_at_most_the_limit_through(served):
    app, base = served
    with urllib.request.urlopen(f"{base}/login", timeout=30) as page:
        cookie = page.headers["Set-Cookie"].split(";")[0]
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.read().decode()).group(1)
    body = urllib.parse.urlencode(
        {"username": "banbql", "password": "doan-mo-sai", "csrf": csrf}
    ).encode()
    start = threading.Barrier(40)

    def guess(_):
        request = urllib.request.Request(f"{base}/login", data=body, headers={"Cookie": cookie})
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status
        except urllib.error.HTTPError as refused:
            return refused.code

    with ThreadPoolExecutor(40) as pool:
        statuses = list(pool.map(guess, range(40)))
    assert 500 not in statuses
    assert statuses.count(401) == MAX_PER_USERNAME
    assert statuses.count(429) == 40 - MAX_PER_USERNAME
    with app.app_context(), get_db().session_scope() as session:
        counted = session.scalar(
            select(RateLimitHit.count).where(RateLimitHit.key == "login:user:banbql")
        )
    assert counted == MAX_PER_USERNAME
