"""Staff accounts as an admin keeps them: created with a first password to replace at the
first sign-in, found, reset; and the records (a market, a school) a role is bound to."""

import re
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from market import audit
from market.errors import Conflict, NotFound, ValidationFailed
from market.markets.models import Market
from market.plugins import plugins_of
from market.users import (
    MIN_PASSWORD,
    LoginSession,
    User,
    change_password,
    create_user,
    end_sessions,
    set_password,
    start_session,
)

STAFF_ROLES = ("admin", "market_manager", "school_admin", "bank_staff")
BOUND = {"market_manager": "market", "school_admin": "school"}  # role → kind of its record
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,79}")
# Letters and digits nobody misreads when a password is read out or copied by hand.
_READABLE = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class Record:
    """A market or a school as a staff account is bound to it."""

    id: int
    code: str
    name: str


# (session, ids or None for all) -> {id: Record}
Records = Callable[[Session, Collection[int] | None], dict[int, Record]]


def market_records(session: Session, ids: Collection[int] | None = None) -> dict[int, Record]:
    """Markets by id (all of them when ids is None)."""
    stmt = select(Market.id, Market.code, Market.name)
    if ids is not None:
        stmt = stmt.where(Market.id.in_(list(ids)))
    return {row.id: Record(row.id, row.code, row.name) for row in session.execute(stmt)}


def _kinds(session: Session) -> dict[str, tuple[str, Records]]:
    """How each kind of record a staff account is bound to is found: markets here, the rest
    as the domains plugged them in (tuition: schools)."""
    return {"market": ("market_id", market_records)} | plugins_of(session).bound_kinds


def choices(session: Session, kind: str) -> list[Record]:
    """Every record of kind, by code, for a form's list."""
    kinds = _kinds(session)
    found = kinds[kind][1](session, None).values() if kind in kinds else []
    return sorted(found, key=lambda record: record.code)


def bound_codes(session: Session, user: User) -> dict[str, str]:
    """{kind: code} of the records user is bound to ({"market": "CHO-VINHLONG"})."""
    codes = {}
    for kind, (column, records) in _kinds(session).items():
        record_id = getattr(user, column, None)
        if record_id is not None and (found := records(session, [record_id]).get(record_id)):
            codes[kind] = found.code
    return codes


@dataclass
class StaffRow:
    user: User
    bound: Record | None
    last_sign_in: datetime | None


@dataclass
class StaffPage:
    rows: list[StaffRow]
    next_after: str | None  # the username to continue after, when there are more


def _bound_records(session: Session, users: list[User]) -> dict[int, Record | None]:
    """{user id: the market or school the user's role is bound to}, one query per kind."""
    kinds = _kinds(session)
    wanted: dict[str, dict[int, int]] = {}  # kind → {user id: record id}
    for user in users:
        kind = BOUND.get(user.role)
        if kind in kinds and (record_id := getattr(user, kinds[kind][0])) is not None:
            wanted.setdefault(kind, {})[user.id] = record_id
    found: dict[int, Record | None] = {}
    for kind, by_user in wanted.items():
        records = kinds[kind][1](session, set(by_user.values()))
        found |= {user_id: records.get(record_id) for user_id, record_id in by_user.items()}
    return found


def _rows(session: Session, users: list[User]) -> list[StaffRow]:
    last = dict(
        session.execute(
            select(LoginSession.user_id, func.max(LoginSession.created_at))
            .where(LoginSession.user_id.in_([u.id for u in users]))
            .group_by(LoginSession.user_id)
        ).all()
    )
    bound = _bound_records(session, users)
    return [StaffRow(u, bound.get(u.id), last.get(u.id)) for u in users]


def find_staff(
    session: Session,
    *,
    q: str = "",
    role: str | None = None,
    after: str | None = None,
    limit: int = 50,
) -> StaffPage:
    """Staff accounts (vendors' phones are not staff) by username, filtered by a part of the
    username and a role, limit at a time after the username given."""
    stmt = select(User).where(User.role.in_(STAFF_ROLES))
    if q.strip():
        stmt = stmt.where(func.lower(User.username).contains(q.strip().lower(), autoescape=True))
    if role in STAFF_ROLES:
        stmt = stmt.where(User.role == role)
    if after:
        stmt = stmt.where(User.username > after)
    found = list(session.scalars(stmt.order_by(User.username).limit(limit + 1)))
    more = len(found) > limit
    found = found[:limit]
    return StaffPage(_rows(session, found), found[-1].username if more else None)


def get_staff(session: Session, *, user_id: int) -> StaffRow:
    """One staff account with its record and last sign-in, or 404."""
    user = session.get(User, user_id)
    if user is None or user.role not in STAFF_ROLES:
        raise NotFound(f"no staff account {user_id}")
    return _rows(session, [user])[0]


def new_first_password() -> str:
    """A random password easy to read out: three groups of four, about 59 bits."""
    return "-".join("".join(secrets.choice(_READABLE) for _ in range(4)) for _ in range(3))


def _binding(session: Session, role: str, code: str | None) -> tuple[dict, dict]:
    """The user columns binding role to the record with code, and any field errors."""
    kind = BOUND.get(role)
    if kind is None:
        return {}, {}
    if not code:
        return {}, {kind: [f"choose the {kind}"]}
    column, records = _kinds(session)[kind]
    found = [r for r in records(session, None).values() if r.code == code.strip().upper()]
    if not found:
        return {}, {kind: [f"no such {kind}"]}
    return {column: found[0].id}, {}


def create_staff(
    session: Session,
    *,
    actor: User,
    username: str,
    role: str,
    market: str | None = None,
    school: str | None = None,
) -> tuple[User, str]:
    """Create a staff account bound to its market or school, with a first password (returned
    in clear, shown once) that must be replaced at the first sign-in."""
    username = (username or "").strip().lower()
    errors = {} if USERNAME.fullmatch(username) else {"username": ["not a username"]}
    if role not in STAFF_ROLES:
        errors["role"] = ["choose a role"]
    scope, scope_errors = _binding(
        session, role, {"market": market, "school": school}.get(BOUND.get(role, ""))
    )
    errors |= scope_errors
    if errors:
        raise ValidationFailed(f"Invalid fields: {', '.join(sorted(errors))}.", errors=errors)
    password = new_first_password()
    user = create_user(session, username=username, role=role, password=password, **scope)
    user.must_change_password = True
    audit.record(
        session,
        actor_id=actor.id,
        entity="user",
        entity_id=user.id,
        action="create",
        changes={"username": [None, username], "role": [None, role]},
    )
    session.flush()
    return user, password


def reset_password(session: Session, *, actor: User, user: User) -> str:
    """Give user a new first password (returned in clear, shown once) and end its sessions."""
    if user.id == actor.id:
        raise Conflict("Change your own password on the password page.")
    if not user.active:
        raise Conflict("The account is deactivated.")
    password = new_first_password()
    set_password(user, password)
    user.must_change_password = True
    end_sessions(session, user=user)
    audit.record(
        session, actor_id=actor.id, entity="user", entity_id=user.id, action="reset_password"
    )
    session.flush()
    return password


def change_own_password(session: Session, *, user: User, current: str, new: str, again: str) -> str:
    """Replace user's password (a first one too), end every session signed in with the old
    one and start one for this browser: its key is returned."""
    errors = {}
    if not user.check_password(current):
        errors["current_password"] = ["wrong password"]
    if len(new) < MIN_PASSWORD:
        errors["new_password"] = [f"at least {MIN_PASSWORD} characters"]
    elif new == current:
        errors["new_password"] = ["the same as the current one"]
    if new != again:
        errors["new_password_again"] = ["does not match"]
    if errors:
        raise ValidationFailed(f"Invalid fields: {', '.join(sorted(errors))}.", errors=errors)
    change_password(session, user=user, password=new)
    audit.record(
        session, actor_id=user.id, entity="user", entity_id=user.id, action="change_password"
    )
    return start_session(session, user=user)
