"""How other domains plug into payments, so that a new kind of payee needs no change here.

When the app is created, vendors and tuition say in one call each how a credited account
resolves to one of their records (a payee), how a reference code resolves to something being
paid (a target) and how a payment counts on it, how a person assigns an unmatched payment,
and which payees a user may see. It is all kept on the application (`app.extensions` and
the sessions its database opens), never in module globals."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    cast,
    false,
    func,
    or_,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from market.users import User
from payments.ledger.write import Statements


@dataclass(frozen=True)
class Payee:
    type: str
    id: int
    needs_target: bool = False  # a school payment is matched only once an invoice is known


@dataclass(frozen=True)
class Target:
    """Something a payment pays: a payment request or an invoice."""

    type: str
    id: int
    reference: str
    payee: Payee
    bank_bin: str | None
    account_number: str
    expires_at: datetime | None = None  # a transfer made from this moment on does not pay it
    paid: bool = False  # takes no more payments (a payment request is paid once)


class Unpayable(Exception):
    """Raised by a target finder for a known reference that takes no payment (a void
    invoice); the message says why, and the transfer is left for a person to resolve."""


# The bank BIN (None when the provider does not say) and account number looked up, as the
# bound parameters of every payee query. Banks read an account's letters case-insensitively
# and payees register them as given: a payee query compares account_of(its column), indexed
# as such, with CREDIT_ACCOUNT.
CREDIT_BIN = cast(bindparam("holder_bin", type_=String), String)
CREDIT_ACCOUNT = func.upper(cast(bindparam("holder_account", type_=String), String))


def account_of(column: ColumnElement) -> ColumnElement:
    """A registered account as payee queries compare it (and its index holds it)."""
    return func.upper(column)


# (session, reference) -> the target with that reference, or None; raises Unpayable
TargetFinder = Callable[[Session, str], Target | None]
# (session, target id, signed amount, payment id) -> None: count a payment (or its reversal,
# with a negative amount) on the target; the payment id lets the target keep a receipt
TargetApplier = Callable[[Session, int, int, int], None]
# (session, user, value given) -> (payee, target or None); raises AppError when refused
Assigner = Callable[[Session, User, str], tuple[Payee, Target | None]]
# (user) -> SQL condition on (payee_type, payee_id) columns, or None when the role sees none
ScopeFilter = Callable[[User, ColumnElement, ColumnElement], ColumnElement | None]


@dataclass(frozen=True)
class Choice:
    """One thing a person can assign an unmatched payment to, as the assign screen lists it."""

    value: str  # what the assigner of the same field takes: a vendor id, an invoice reference
    label: str  # what the person recognises: a name, a student and class
    detail: str = ""  # a second line: the stall and market, the amount due


# (session, user, text typed) -> at most `limit` choices within what the user may assign to
Search = Callable[[Session, User, str, int], list[Choice]]
# (user) -> SELECT of the accounts (as account_of gives them) the user's payees hold
AccountScope = Callable[[User], Select]
# (session, payee ids of one kind) -> {id: the payee as a person recognises it}
PayeeNamer = Callable[[Session, list[int]], dict[int, Choice]]


@dataclass(frozen=True)
class TargetKind:
    """A kind of target, found by the prefix of its reference codes."""

    type: str
    find: TargetFinder
    apply: TargetApplier


@dataclass
class Hub:
    """Every domain's part in payments, for one application."""

    # SELECT payee_type, payee_id, needs of the records holding (CREDIT_BIN, CREDIT_ACCOUNT)
    payee_queries: list[Select] = field(default_factory=list)
    targets: dict[str, TargetKind] = field(default_factory=dict)  # by reference prefix
    assigners: dict[str, Assigner] = field(default_factory=dict)  # by request field name
    searches: dict[str, Search] = field(default_factory=dict)  # by the same field name
    namers: dict[str, PayeeNamer] = field(default_factory=dict)  # by payee type
    scopes: dict[str, ScopeFilter] = field(default_factory=dict)  # by role
    # by role: a payment no one could be matched to is seen by the users whose payees hold
    # the account it credited (two vendors of a market sharing one account)
    account_scopes: dict[str, AccountScope] = field(default_factory=dict)
    # name -> (when read, configuration): providers as the notification path needs them
    provider_configs: dict = field(default_factory=dict)
    statements: Statements = field(init=False)
    _holders: Select | None = field(default=None, repr=False)

    def __post_init__(self):
        self.statements = Statements(self.holders)

    def holders(self) -> Select:
        """One query for every domain's holders of a credited account."""
        if self._holders is None:
            self._holders = union_all(*self.payee_queries)
        return self._holders

    def find_payees(self, session: Session, bank_bin: str | None, account: str) -> list[Payee]:
        """The records holding account (at bank_bin when it is known)."""
        rows = session.connection().execute(
            self.holders(), {"holder_bin": bank_bin, "holder_account": account}
        )
        return [Payee(kind, int(pid), bool(needs)) for kind, pid, needs in rows]

    def apply(self, session: Session, target_type: str, target_id: int, amount: int, pid: int):
        """Count amount (negative: a reversal) of payment pid on a target."""
        kind = next(k for k in self.targets.values() if k.type == target_type)
        kind.apply(session, target_id, amount, pid)

    def visible_condition(self, user: User, payments) -> ColumnElement:
        """SQL condition on the payments table: those user may see, its payees' payments
        and the payments without a payee to accounts its payees hold."""
        condition = self.payee_condition(user, payments.payee_type, payments.payee_id)
        accounts = self.account_scopes.get(user.role)
        if user.role == "admin" or accounts is None:
            return condition
        held = and_(payments.payee_type.is_(None), payments.credit_account.in_(accounts(user)))
        return or_(condition, held)

    def name_payees(self, session: Session, payees) -> dict[tuple[str, int], Choice]:
        """{(payee type, id): name and detail} of the (type, id) pairs given, where the
        payee's domain says how it is named."""
        wanted: dict[str, set[int]] = {}
        for kind, pid in payees:
            if kind is not None and pid is not None:
                wanted.setdefault(kind, set()).add(pid)
        named = {}
        for kind, ids in wanted.items():
            if kind in self.namers:
                found = self.namers[kind](session, sorted(ids))
                named.update({(kind, pid): choice for pid, choice in found.items()})
        return named

    def payee_condition(self, user: User, type_column, id_column) -> ColumnElement:
        """SQL condition limiting (type_column, id_column) to the payees user may see."""
        if user.role == "admin":
            return true()
        scope = self.scopes.get(user.role)
        condition = scope(user, type_column, id_column) if scope else None
        return condition if condition is not None else false()


def init_app(app: Flask) -> Hub:
    """Keep a hub on the app, and on every session its database opens."""
    hub = app.extensions["payments"] = Hub()
    app.extensions["db"].shared["payments"] = hub
    return hub


def plug_in(
    app: Flask,
    *,
    holders: Select | None = None,
    targets: dict[str, TargetKind] | None = None,
    assigners: dict[str, Assigner] | None = None,
    scopes: dict[str, ScopeFilter] | None = None,
    searches: dict[str, Search] | None = None,
    namers: dict[str, PayeeNamer] | None = None,
    account_scopes: dict[str, AccountScope] | None = None,
) -> None:
    """Let a domain say who holds a credited account, which references it resolves, how a
    person finds and assigns a payment to it, how its payees are named, and which payees
    (and their accounts) each of its roles sees."""
    hub: Hub = app.extensions["payments"]
    if holders is not None:
        hub.payee_queries.append(holders)
        hub._holders = None
    hub.targets.update(targets or {})
    hub.assigners.update(assigners or {})
    hub.scopes.update(scopes or {})
    hub.searches.update(searches or {})
    hub.namers.update(namers or {})
    hub.account_scopes.update(account_scopes or {})


def hub_of(session: Session) -> Hub:
    """The payments hub of the application whose database opened session."""
    return session.info["payments"]


def payee_condition(session: Session, user: User, type_column, id_column) -> ColumnElement:
    """SQL condition limiting (type_column, id_column) to the payees user may see."""
    return hub_of(session).payee_condition(user, type_column, id_column)
