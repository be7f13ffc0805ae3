"""The one write path: every payment — a notified, imported or seeded transfer, cash, an
assignment, a reversal — is written here with everything that goes with it.

A write is a head statement that produces the payment rows it touched (`p`), followed by
steps that each read `p`: the settlement-queue row (matched transfers), the raw notification,
and every rollup rule (`payments/rollups/rules.py`). On PostgreSQL head and steps are one
statement (data-modifying WITH clauses), compiled once per application and run as a
prepared statement on the driver connection; on SQLite the same steps run one after another
in the transaction."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Text, and_, bindparam, case, cast, func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import FromClause

from market.db import DriverSQL, bulk_insert, driver_sql
from payments.ingest.models import Notification
from payments.ledger.models import Payment
from payments.rollups.rules import dialect_insert, rule_ctes, rules
from payments.settlement.models import UnsettledPayment

TABLE = Payment.__table__
# The columns a new payment is written with (the id and nothing else is left to defaults).
COLUMNS = tuple(c.name for c in TABLE.c if c.name != "id")
# What the steps read of the rows a head wrote.
RETURNED = (
    "id",
    "kind",
    "business_date",
    "match_status",
    "method",
    "provider_id",
    "received_at",
    "payee_type",
    "payee_id",
    "amount",
    "payer_hash",
    "payer_bin",
    "reverses_id",
    # and what a live screen is told of the payment (live_notice)
    "occurred_at",
    "description",
    "payer_account_masked",
    "target_reference",
)


# Payments to one account commit in the order of their ids: a transaction-long lock on the
# account (this class of advisory lock, keyed by the account's hash) is taken in the statement
# that writes the payment, before its id is drawn, so that a screen resuming after the last
# id it saw never skips one that committed late. No account (cash): no lock.
LIVE_ORDER = literal_column("1279874629")


def param(column: str):
    """The bound parameter of a payments column, named after it."""
    return bindparam(column, type_=TABLE.c[column].type)


def live_order(dialect: str):
    """What a new payment's row is selected from, so that the account's live-order lock is
    taken before the payment's id is drawn (LIVE_ORDER); None where there is no such lock."""
    if dialect != "postgresql":
        return None
    key = func.hashtext(param("credit_account"))
    return select(func.pg_advisory_xact_lock(LIVE_ORDER, key).label("locked")).subquery("order")


def new_payment(dialect: str, *, known_is_fine: bool = True):
    """Head: insert one payment from its column values; with known_is_fine, a transfer known
    already (by either key: provider and transaction id, or account and bank reference)
    writes nothing."""
    insert = dialect_insert(dialect)(TABLE)
    order = live_order(dialect)
    if order is None:
        stmt = insert.values({c: param(c) for c in COLUMNS})
    else:
        stmt = insert.from_select(COLUMNS, select(*(param(c) for c in COLUMNS)).select_from(order))
    if known_is_fine:
        stmt = stmt.on_conflict_do_nothing()
    return stmt.returning(*(TABLE.c[c] for c in RETURNED))


def queue_step(dialect: str, p: FromClause):
    """Step: a matched transfer (or its reversal) waits for the close of its business day;
    cash is never settled with a provider."""
    rows = select(p.c.id, p.c.business_date).where(
        p.c.match_status == literal_column("'matched'"),
        p.c.method == literal_column("'transfer'"),
    )
    return dialect_insert(dialect)(UnsettledPayment.__table__).from_select(
        ["payment_id", "business_date"], rows
    )


def raw_step(dialect: str, p: FromClause):
    """Step: the notification as it arrived, kept with the payment it recorded."""
    rows = select(
        p.c.provider_id,
        p.c.received_at,
        bindparam("raw_body", type_=Notification.__table__.c.body.type),
        literal_column("'recorded'"),
        p.c.id,
    )
    return dialect_insert(dialect)(Notification.__table__).from_select(
        ["provider_id", "received_at", "body", "outcome", "payment_id"], rows
    )


@dataclass(frozen=True)
class Plan:
    """What one kind of write does: its head (built for a dialect and the application's
    statements), whether it keeps the raw notification, and which rows it counts in the
    rollups with which sign ('self': the rows written; 'reversed': the payments they
    reverse; None: nothing to count)."""

    name: str
    head: Callable[[str, "Statements"], object]
    raw: bool = False
    count: str | None = "self"
    sign: int = 1


def _counted(p: FromClause, plan: Plan) -> FromClause:
    if plan.count == "self":
        return p
    original = select(*TABLE.c).where(TABLE.c.id.in_(select(p.c.reverses_id)))
    return original.subquery("original")


def _steps(dialect: str, p: FromClause, plan: Plan) -> list:
    steps = [queue_step(dialect, p)]
    if plan.raw:
        steps.append(raw_step(dialect, p))
    return steps


# Live screens (a vendor's phone) learn of each payment to a payee at commit: the notice is
# "<payee_type>:<payee_id> <the payment as JSON>", so that a listener passes it on without
# reading the payment again (payments/live.py).
LIVE_CHANNEL = "payments_live"
NOTICE_FIELDS = {
    "payment_id": "id",
    "kind": "kind",
    "amount": "amount",
    "occurred_at": "occurred_at",
    "payer_bin": "payer_bin",
    "payer": "payer_account_masked",
    "description": "description",
    "reference": "target_reference",
    "reverses_id": "reverses_id",
}


def live_notice(p: FromClause):
    """pg_notify of each matched row of p, delivered when the transaction commits."""
    fields = [part for key, column in NOTICE_FIELDS.items() for part in (key, p.c[column])]
    body = cast(func.json_build_object(*fields), Text)
    notice = func.concat(p.c.payee_type, ":", p.c.payee_id, " ", body)
    sent = func.pg_notify(literal_column(f"'{LIVE_CHANNEL}'"), notice)
    return case((p.c.match_status == literal_column("'matched'"), sent)).label("live")


class Statements:
    """The statements of one application's writes, built and compiled once (kept on its
    payments hub): holders() is the query of every domain's holders of an account."""

    def __init__(self, holders: Callable[[], object]):
        self.holders = holders
        self._heads: dict[tuple[str, str], object] = {}
        self._compiled: dict[str, DriverSQL] = {}

    def head(self, plan: Plan, dialect: str):
        """The plan's head statement for dialect."""
        key = (plan.name, dialect)
        if key not in self._heads:
            self._heads[key] = plan.head(dialect, self)
        return self._heads[key]

    def composed(self, plan: Plan):
        """The plan as one PostgreSQL statement, answering the ids it wrote."""
        p = self.head(plan, "postgresql").cte("p")
        ctes = [s.cte(f"step_{n}") for n, s in enumerate(_steps("postgresql", p, plan))]
        if plan.count:
            ctes += rule_ctes(_counted(p, plan), plan.sign, one=True)
        return select(p.c.id, live_notice(p)).add_cte(*ctes)

    def compiled(self, name: str, build: Callable[[], object]) -> DriverSQL:
        """The statement called name, compiled once for the PostgreSQL driver."""
        if name not in self._compiled:
            self._compiled[name] = driver_sql(build())
        return self._compiled[name]

    def run(self, connection, plan: Plan, values: dict) -> list[int]:
        """Write by plan on a psycopg connection, as one prepared statement; the ids."""
        compiled = self.compiled(plan.name, lambda: self.composed(plan))
        return [row[0] for row in compiled.rows(connection, values)]

    def run_select(self, connection, statement, values: dict):
        """The first column of the first row a query answers, on a psycopg connection."""
        compiled = self.compiled(f"select {id(statement)}", lambda: statement)
        return compiled.rows(connection, values)[0][0]


def write(session: Session, statements: Statements, plan: Plan, values: dict) -> list[int]:
    """Write by plan with values in the session's transaction; the ids of the rows written
    (none: the head found nothing to write)."""
    if session.get_bind().dialect.name == "postgresql":
        session.flush()
        return statements.run(session.connection().connection.driver_connection, plan, values)
    rows = session.execute(statements.head(plan, "sqlite"), values).all()
    if not rows:
        return []
    ids = [row.id for row in rows]
    p = select(*TABLE.c).where(TABLE.c.id.in_(ids)).subquery("p")
    for step in _steps("sqlite", p, plan):
        session.execute(step, values)
    if plan.count:
        for rule in rules("sqlite", _counted(p, plan), plan.sign, one=True):
            session.execute(rule)
    return ids


def count_all(session: Session, source: FromClause) -> None:
    """Run every rollup rule over source (rows of payments), each counted once."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(select(literal_column("1")).add_cte(*rule_ctes(source, 1)))
        return
    for rule in rules(dialect, source, 1):
        session.execute(rule)


def write_many(session: Session, rows: list[dict]) -> None:
    """Write many payments at once (a seeded history): the rows in one go, then the same
    steps as any write, over all of them."""
    before = session.scalar(select(func.max(TABLE.c.id))) or 0
    bulk_insert(session, TABLE, rows)
    written = select(*TABLE.c).where(TABLE.c.id > before).subquery("p")
    session.execute(queue_step(session.get_bind().dialect.name, written))
    count_all(session, written)


# The payment a known transfer already made: the delivery's own, else the one another
# provider's report of the same transfer made.
KNOWN_BY = ("provider_id", "provider_txn_id", "credit_account", "bank_reference")
_SAME_DELIVERY = and_(
    TABLE.c.provider_id == bindparam("provider_id"),
    TABLE.c.provider_txn_id == bindparam("provider_txn_id"),
)
STORED_ID = (
    select(TABLE.c.id)
    .where(
        _SAME_DELIVERY
        | and_(
            TABLE.c.credit_account == bindparam("credit_account"),
            TABLE.c.bank_reference == bindparam("bank_reference"),
        )
    )
    .order_by(case((_SAME_DELIVERY, 0), else_=1), TABLE.c.id)
    .limit(1)
)
