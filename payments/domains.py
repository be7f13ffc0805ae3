"""How other domains plug into payments, so that a new kind of payee needs no change here.

Vendors and tuition register, when the app is created: how a credited account resolves to
one of their records (a payee), how a reference code resolves to something being paid (a
target), how a person assigns an unmatched payment, and which payees a user may see."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, String, bindparam, cast, false, func, true, union_all
from sqlalchemy.orm import Session

from market.users import User


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


# The bank BIN (None when the provider does not say) and account number of a credit, as the
# bound parameters of every payee query. Banks read an account's letters case-insensitively
# and payees register them as given: a payee query compares account_of(its column), indexed
# as such, with CREDIT_ACCOUNT.
CREDIT_BIN = cast(bindparam("credit_bin", type_=String), String)
CREDIT_ACCOUNT = func.upper(cast(bindparam("credit_account", type_=String), String))


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


@dataclass
class Registry:
    # SELECT payee_type, payee_id, needs_target of the records holding (CREDIT_BIN,
    # CREDIT_ACCOUNT): run together as one query for every transfer
    payee_queries: list[Select] = field(default_factory=list)
    _holders: Select | None = field(default=None, repr=False)
    target_finders: dict[str, TargetFinder] = field(default_factory=dict)  # by reference prefix
    target_appliers: dict[str, TargetApplier] = field(default_factory=dict)  # by target type
    assigners: dict[str, Assigner] = field(default_factory=dict)  # by request field name
    scopes: dict[str, ScopeFilter] = field(default_factory=dict)  # by role
    payee_labels: dict[str, Callable[[Session, list[int]], dict[int, str]]] = field(
        default_factory=dict
    )

    def add_payee_query(self, query: Select) -> None:
        """Let a domain say who holds a credited account."""
        if not any(query is known for known in self.payee_queries):
            self.payee_queries.append(query)
            self._holders = None

    def holders(self) -> Select:
        """One query for every domain's holders of a credited account."""
        if self._holders is None:
            self._holders = union_all(*self.payee_queries)
        return self._holders

    def find_payees(self, session: Session, bank_bin: str | None, account: str) -> list[Payee]:
        """The records holding account (at bank_bin when it is known)."""
        rows = session.connection().execute(
            self.holders(), {"credit_bin": bank_bin, "credit_account": account}
        )
        return [Payee(kind, int(pid), bool(needs)) for kind, pid, needs in rows]


registry = Registry()


def payee_condition(user: User, type_column, id_column) -> ColumnElement:
    """SQL condition limiting (type_column, id_column) to the payees user may see."""
    if user.role == "admin":
        return true()
    scope = registry.scopes.get(user.role)
    condition = scope(user, type_column, id_column) if scope else None
    return condition if condition is not None else false()
