"""Fixtures: a migrated database per run, each test inside a transaction that is rolled back.

SQLite by default; PYTEST_DATABASE_URL=postgresql+psycopg://... runs the same suite on a fresh
PostgreSQL database created next to the one named."""

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from market import create_app
from market.migrate import upgrade

# Copies of the shared test material (VietQR vectors, the NAPAS list, the messy roster): a
# fresh clone of this repository alone runs the whole suite.
DATA = Path(__file__).resolve().parent / "data"


def _database_name() -> str:
    # One test database per checkout, so that several checkouts may run the suite at once on
    # one server (PYTEST_DB_NAME overrides).
    checkout = re.sub(r"\W", "_", Path(__file__).resolve().parents[1].name.lower())
    return os.environ.get("PYTEST_DB_NAME") or f"cho40_pytest_{checkout}"[:50]


TEST_DB = _database_name()


def _fresh_postgres(url: str) -> str:
    target = make_url(url).set(database=TEST_DB)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEST_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{TEST_DB}"'))
    admin.dispose()
    return target.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A freshly migrated database for this test run."""
    given = os.environ.get("PYTEST_DATABASE_URL")
    if given:
        url = _fresh_postgres(given)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def app(database_url):
    """The application, configured for tests."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
            # Providers are made afresh in every (rolled back) test: no cache across them.
            "PROVIDER_CACHE_SECONDS": 0,
        }
    )
    yield app
    app.extensions["db"].engine.dispose()


@pytest.fixture
def make_app():
    """Build extra applications (other databases, extra routes); their engines are disposed."""
    made = []

    def build(**config):
        base = {"TESTING": True, "SECRET_KEY": "test-secret", "PROVIDER_CACHE_SECONDS": 0}
        made.append(create_app(base | config))
        return made[-1]

    yield build
    for extra in made:
        extra.extensions["db"].engine.dispose()


@pytest.fixture
def session(app):
    """A session inside a transaction that is rolled back after the test, requests included."""
    db = app.extensions["db"]
    connection = db.engine.connect()
    outer = connection.begin()
    db.bind_to(connection)
    session = db.factory()
    try:
        yield session
    finally:
        session.close()
        db.bind_to(None)
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app, session):
    """A test client whose requests run inside the test's transaction."""
    return app.test_client()


@pytest.fixture
def is_postgres(database_url) -> bool:
    """True when the suite runs on PostgreSQL."""
    return database_url.startswith("postgresql")


@pytest.fixture
def live_database(database_url):
    """A fresh PostgreSQL database whose writes really commit (concurrency and durability
    tests); skipped on SQLite."""
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrency and durability tests run on PostgreSQL")
    admin_url = make_url(database_url).set(database="postgres")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEST_DB}_live" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{TEST_DB}_live"'))
    url = (
        make_url(database_url).set(database=f"{TEST_DB}_live").render_as_string(hide_password=False)
    )
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEST_DB}_live" WITH (FORCE)'))
    admin.dispose()


def pytest_sessionfinish(session, exitstatus):
    """In CI (CI=1) the PostgreSQL pass must run everything: a skipped test fails the run."""
    if not (os.environ.get("CI") and os.environ.get("PYTEST_DATABASE_URL")):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and exitstatus == 0:
        for report in skipped:
            reporter.write_line(f"skipped in CI: {report.nodeid}", red=True)
        session.exitstatus = 1
