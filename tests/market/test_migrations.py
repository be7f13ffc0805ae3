"""The migrations build exactly the schema the models describe, and unwind cleanly."""

import warnings
from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, inspect, text

from market.db import Base, make_engine
from market.migrate import alembic_config, upgrade
from payments.ingest.providers.base import Transfer
from payments.ingest.record import record_transfer
from payments.ledger.reversal import reverse
from payments.rollups.service import agrees
from tests.factories import make_market, make_provider, make_user, make_vendor


def test_migrated_schema_matches_the_models(app):
    engine = app.extensions["db"].engine
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection, warnings.catch_warnings():
        if sqlite:
            # SQLite's reflection cannot read an index on an expression: those are compared
            # by their SQL below (on PostgreSQL, with everything else).
            warnings.filterwarnings("ignore", message=".*expression-based index")
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    if sqlite:
        with engine.connect() as connection:
            created = dict(
                connection.execute(
                    text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
                ).all()
            )
        expected = _expression_indexes(engine)
        assert expected, "the models hold indexes on expressions"
        for name, expressions in expected.items():
            assert all(expression in (created.get(name) or "") for expression in expressions), name


def _expression_indexes(engine) -> dict[str, list[str]]:
    """Each index of the models on an expression, with its expressions as SQL."""
    return {
        index.name: [str(e.compile(dialect=engine.dialect)) for e in index.expressions]
        for table in Base.metadata.tables.values()
        for index in table.indexes
        if any(not isinstance(e, Column) for e in index.expressions)
    }


def test_downgrade_to_nothing_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    engine = make_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(url)


def test_counters_are_refilled_when_their_shape_changes(request, database_url, tmp_path, make_app):
    """Migration 0007 reshapes payer counts and bank months and refills them from what they
    summarise: down and up again, they still agree with a rebuild from the ledger."""
    if database_url.startswith("postgresql"):
        url = request.getfixturevalue("live_database")
    else:
        url = f"sqlite:///{tmp_path / 'counters.db'}"
        upgrade(url)
    db = make_app(DATABASE_URL=url).extensions["db"]
    with db.session_scope() as session:
        provider = make_provider(session, name="p")
        market = make_market(session)
        vendors = [make_vendor(session, market, status="active") for _ in range(3)]
        admin = make_user(session, "admin")[0]
        ids = [
            record_transfer(
                session,
                provider=provider,
                transfer=Transfer(
                    provider_txn_id=f"T{n}",
                    amount=10_000 + n,
                    credit_account=vendors[n % 3].account_number,
                    credit_bin=None,
                    description="tien hang",
                    occurred_at=datetime(2026, 1 + n % 12, 5, 3, tzinfo=UTC),
                    debit_bin=("970422", "970436", None)[n % 3],
                    debit_account=f"PAYER{n % 5}" if n % 4 else None,
                ),
                source="notification",
                payer_key=b"k",
            )[1]
            for n in range(40)
        ]
        reverse(session, actor=admin, payment_id=ids[7], reason="wrong stall")
        counts = _counters(session)
        assert counts["payer_counts"] and counts["bank_months"]
    command.downgrade(alembic_config(url), "0006")
    upgrade(url)
    with db.session_scope() as session:
        assert _counters(session) == counts
        assert agrees(session)


def _counters(session) -> dict:
    """The non-zero counter rows (a reversal leaves a row at zero; a refill writes none)."""
    return {
        table: sorted(
            tuple(row) for row in session.execute(text(f"SELECT * FROM {table}")) if row[-1]
        )
        for table in ("payer_counts", "bank_months")
    }
