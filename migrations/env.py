"""Alembic environment: the metadata of every domain, the URL from the application."""

from alembic import context
from sqlalchemy import engine_from_config, pool

import market.audit  # noqa: F401  (models register on import)
import market.idempotency  # noqa: F401
import market.markets.models  # noqa: F401
import market.ratelimit  # noqa: F401
import market.users  # noqa: F401
import payments.ingest.models  # noqa: F401
import payments.ledger.models  # noqa: F401
import payments.qr.models  # noqa: F401
import payments.reconciliation.models  # noqa: F401
import payments.rollups.models  # noqa: F401
import payments.settlement.models  # noqa: F401
import tuition.models  # noqa: F401
import vendors.models  # noqa: F401
from market.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
