"""Database: declarative base, engine, one session per request committed at the edge."""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app, g
from psycopg import RawCursor
from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit key.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: times are stored in UTC with a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every model."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime}


def _sqlite_pragmas(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and SERIALIZABLE semantics; take
    # control of BEGIN ourselves (SQLAlchemy docs, "Serializable isolation / Savepoints").
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for url; SQLite gets foreign keys and real transactions."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        _sqlite_pragmas(engine)
        return engine
    # No pre-ping: it costs a round trip per request; after a database restart the first
    # request on a dead connection fails once (and is retried by whoever sent it).
    # JIT compiling a query costs more than running these short ones; the statistics queries
    # crossed its threshold and paid for it on every request. Parallel workers likewise:
    # starting two for a query of a few milliseconds (a report's one statement) costs more
    # than they save, most of all on a small machine.
    return create_engine(
        url,
        pool_size=10,
        max_overflow=10,
        pool_recycle=1800,
        connect_args={"options": "-c jit=off -c max_parallel_workers_per_gather=0"},
    )


class Database:
    """The engine and session factory of one application."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        # What the app's parts keep on every session it opens (session.info), so that a
        # service given only a session finds them: the payments hub, the plug-ins.
        self.shared: dict = {}
        self.factory = sessionmaker(bind=self.engine, expire_on_commit=False, info=self.shared)
        self._outer: Connection | None = None

    def bind_to(self, connection: Connection | None) -> None:
        """Make sessions join an outer transaction (tests), or use the engine again."""
        self._outer = connection
        if connection is None:
            self.factory.configure(bind=self.engine, join_transaction_mode="conservative_savepoint")
        else:
            self.factory.configure(bind=connection, join_transaction_mode="create_savepoint")

    @property
    def bound(self) -> bool:
        """True while sessions join an outer transaction (tests)."""
        return self._outer is not None

    @contextmanager
    def direct(self):
        """A PostgreSQL driver connection of the pool's, in autocommit mode: each statement
        commits as it runs, `with connection.transaction()` groups several. No session, no
        BEGIN round trip: for the one path that runs thousands of times a second.

        Bound to an outer transaction (tests), that transaction's connection, in a savepoint."""
        if self._outer is not None:
            driver = self._outer.connection.driver_connection
            with driver.transaction():
                yield driver
            return
        pooled = self.engine.raw_connection()
        driver = pooled.driver_connection
        try:
            driver.autocommit = True
            yield driver
        finally:
            if driver.closed or driver.broken:
                pooled.invalidate()  # the server went away: never hand this one out again
            else:
                driver.autocommit = False
            pooled.close()

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error (CLI, scripts)."""
        session = self.factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def get_db() -> Database:
    """The current application's database."""
    return current_app.extensions["db"]


def get_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = get_db().factory()
    return g.db_session


def session_scope():
    """A committed-on-success session for CLI commands."""
    return get_db().session_scope()


def _finish_request(response):
    session = g.pop("db_session", None)
    if session is not None:
        try:
            if response.status_code < 400:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()
    return response


def _close_on_teardown(_exc):
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()


def init_app(app: Flask) -> None:
    """Create the engine and commit each request's session once, at the edge."""
    app.extensions["db"] = Database(app.config["DATABASE_URL"])
    app.after_request(_finish_request)
    app.teardown_appcontext(_close_on_teardown)


def bulk_insert(session: Session, table, rows: list[dict]) -> None:
    """Insert many rows in one go: COPY on PostgreSQL, one executemany elsewhere.

    Rows carry final values: COPY bypasses column type processing, so JSON columns are
    serialised here and datetimes must be timezone-aware."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in as_json else row[c] for c in columns])


@dataclass(frozen=True)
class DriverSQL:
    """A statement compiled once for PostgreSQL's own $1, $2… parameters: run it with rows()
    on a psycopg connection, and nothing parses it again."""

    sql: str
    names: tuple[str, ...]  # the parameter each $n stands for
    constants: dict  # values the statement binds itself

    def params(self, values: dict) -> tuple:
        """The parameters in $n order, from values and the statement's own."""
        merged = self.constants | values if self.constants else values
        return tuple(merged[name] for name in self.names)

    def rows(self, connection, values: dict) -> list[tuple]:
        """Its rows, run with values on a psycopg connection, prepared: the connection parses
        it once and, after five runs, PostgreSQL may keep one plan for it."""
        with RawCursor(connection) as cursor:
            cursor.execute(self.sql, self.params(values), prepare=True)
            return cursor.fetchall()


def driver_sql(statement) -> DriverSQL:
    """Compile a SQLAlchemy statement once for the PostgreSQL driver's own $n parameters."""
    from sqlalchemy.dialects.postgresql.psycopg import dialect

    compiled = statement.compile(dialect=dialect(paramstyle="numeric_dollar"))
    given = {k for k, bind in compiled.binds.items() if not bind.required}
    constants = {k: v for k, v in compiled.params.items() if k in given}
    return DriverSQL(compiled.string, tuple(compiled.positiontup), constants)


def upsert_insert(session: Session):
    """The dialect's INSERT construct, which knows ON CONFLICT (PostgreSQL and SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def insert_or_ignore(
    session: Session, table, values: dict, conflict: list[str] | None
) -> int | None:
    """Insert one row unless it collides on the unique columns `conflict` (None: on any
    unique constraint or index); the new id or None.

    Under concurrency the database decides: of simultaneous inserts of one key exactly one
    returns an id, the others wait for it and get None."""
    dialect_insert = upsert_insert(session)
    stmt = (
        dialect_insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=conflict)
        .returning(table.c.id)
    )
    return session.execute(stmt).scalar()
