"""How other domains plug into payments, so that a new kind of payee needs no change here.

Vendors and tuition register, when the app is created: how a credited account resolves to
one of their records (a payee), how a reference code resolves to something being paid (a
target), how a person assigns an unmatched payment, and which payees a user may see."""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement
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


# (session, bank BIN or None, account number) -> the payees holding that account
PayeeFinder = Callable[[Session, str | None, str], list[Payee]]
# (session, reference) -> the target with that reference, or None
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
    payee_finders: list[PayeeFinder] = field(default_factory=list)
    target_finders: dict[str, TargetFinder] = field(default_factory=dict)  # by reference prefix
    target_appliers: dict[str, TargetApplier] = field(default_factory=dict)  # by target type
    assigners: dict[str, Assigner] = field(default_factory=dict)  # by request field name
    scopes: dict[str, ScopeFilter] = field(default_factory=dict)  # by role
    payee_labels: dict[str, Callable[[Session, list[int]], dict[int, str]]] = field(
        default_factory=dict
    )

    def add_payee_finder(self, finder: PayeeFinder) -> None:
        """Let a domain say who holds a credited account."""
        if finder not in self.payee_finders:
            self.payee_finders.append(finder)


registry = Registry()
