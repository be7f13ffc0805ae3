"""Vendor use cases: register, find, update, activate / suspend / close. Never commits."""

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from market import audit
from market.db import utcnow
from market.errors import Conflict, Forbidden, NotFound, ValidationFailed
from market.markets.models import Market
from market.markets.service import check_market_access
from market.pagination import Page, paginate
from market.text import clean, fold, like_pattern
from market.users import User
from vendors.devices import end_devices
from vendors.models import Vendor
from vendors.rules import ACTIONS, needs_reason, normalize_vendor

MANAGERS = ("admin", "market_manager")
READERS = ("admin", "market_manager", "vendor")


def _stall_taken(session: Session, market_id: int, stall: str, except_id: int | None) -> bool:
    stmt = select(Vendor.id).where(
        Vendor.market_id == market_id, Vendor.stall == stall, Vendor.status != "closed"
    )
    if except_id is not None:
        stmt = stmt.where(Vendor.id != except_id)
    return session.execute(stmt.limit(1)).first() is not None


class StallTaken(Conflict):
    def __init__(self, stall: str):
        super().__init__(f"stall {stall} is taken", errors={"stall": ["stall already taken"]})


def _checked_reason(target: str, reason: str | None, required: bool) -> str | None:
    reason = clean(reason) or None  # a page's textarea: NFC, line breaks and spaces collapsed
    if reason is not None and len(reason) > 500:
        raise ValidationFailed.on("reason", "at most 500 characters")
    if reason is None and required and needs_reason(target):
        raise ValidationFailed.on("reason", "a reason is required")
    return reason


def _checked(raw: dict, *, partial: bool = False) -> dict:
    values, errors = normalize_vendor(raw, partial=partial)
    if errors:
        detail = "; ".join(f"{f}: {m}" for f, m in errors.items())
        raise ValidationFailed(detail, errors={f: [m] for f, m in errors.items()})
    return values


def register_vendor(session: Session, *, actor: User, market: Market, details: dict) -> Vendor:
    """Register a vendor at a stall of market, pending until activated."""
    check_market_access(actor, market, write=True)
    values = _checked(details)
    if _stall_taken(session, market.id, values["stall"], None):
        raise StallTaken(values["stall"])
    vendor = Vendor(market=market, status="pending", **values)
    session.add(vendor)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        entity="vendor",
        entity_id=vendor.id,
        action="create",
        changes=audit.diff({}, vendor.details()),
    )
    return vendor


def get_vendor(session: Session, *, actor: User, vendor_id: int) -> Vendor:
    """A vendor the actor may see; 404 for one outside the actor's reach (existence is private)."""
    vendor = session.get(Vendor, vendor_id)
    visible = vendor is not None and (
        actor.role == "admin"
        or (actor.role == "market_manager" and vendor.market_id == actor.market_id)
        or (actor.role == "vendor" and vendor.id == actor.vendor_id)
    )
    if not visible:
        raise NotFound(f"no vendor {vendor_id}")
    return vendor


def list_vendors(
    session: Session,
    *,
    actor: User,
    market: str | None = None,
    status: str | None = None,
    category: str | None = None,
    q: str | None = None,
    limit: int = 50,
    after: int | None = None,
) -> Page:
    """Vendors the actor may see, filtered (category: the goods, exactly); q matches name
    (accent-insensitive), stall, phone."""
    stmt = vendors_query(
        select(Vendor), actor=actor, market=market, status=status, category=category, q=q
    )
    return paginate(session, stmt, Vendor.id, limit=limit, after=after)


def vendors_query(
    stmt: Select,
    *,
    actor: User,
    market: str | None = None,
    status: str | None = None,
    category: str | None = None,
    q: str | None = None,
) -> Select:
    """stmt limited to the vendors the actor may see and the filters of list_vendors."""
    if actor.role == "market_manager":
        stmt = stmt.where(Vendor.market_id == actor.market_id)
    elif actor.role == "vendor":
        stmt = stmt.where(Vendor.id == actor.vendor_id)
    if market:
        stmt = stmt.join(Market).where(Market.code == market.upper())
    if status:
        stmt = stmt.where(Vendor.status == status)
    if category:
        stmt = stmt.where(Vendor.category == category)
    if q:
        term = fold(q)
        stmt = stmt.where(
            or_(
                Vendor.name_folded.like(like_pattern(term), escape="\\"),
                func.lower(Vendor.stall).like(like_pattern(term), escape="\\"),
                Vendor.phone.like(like_pattern(term), escape="\\"),
            )
        )
    return stmt


def update_vendor(session: Session, *, actor: User, vendor_id: int, changes: dict) -> Vendor:
    """Change a vendor's details; every changed field goes to the audit log."""
    if actor.role not in MANAGERS:
        raise Forbidden("Only the market board changes a vendor's details.")
    vendor = get_vendor(session, actor=actor, vendor_id=vendor_id)
    if vendor.status == "closed":
        raise Conflict("a closed vendor cannot be changed")
    values = _checked(changes, partial=True)
    if "full_name" in values and "account_name" not in changes:
        values.pop("account_name", None)
    if "stall" in values and _stall_taken(session, vendor.market_id, values["stall"], vendor.id):
        raise StallTaken(values["stall"])
    before = vendor.details()
    for key, value in values.items():
        setattr(vendor, key, value)
    changed = audit.diff(before, vendor.details())
    if changed:
        session.flush()
        audit.record(
            session,
            actor_id=actor.id,
            entity="vendor",
            entity_id=vendor.id,
            action="update",
            changes=changed,
        )
    return vendor


def change_status(
    session: Session,
    *,
    actor: User,
    vendor_id: int,
    action: str,
    reason: str | None = None,
    reason_required: bool = False,
) -> Vendor:
    """Activate, suspend or close a vendor; the state machine decides what is allowed. The
    API takes a reason when given (the contract's `reason?`); the board's page asks for one
    when suspending or closing (reason_required)."""
    if actor.role not in MANAGERS:
        raise Forbidden("Only the market board changes a vendor's status.")
    vendor = get_vendor(session, actor=actor, vendor_id=vendor_id)
    target = ACTIONS[action]
    if vendor.status == target:
        return vendor
    if not vendor.can_move_to(target):
        raise Conflict(
            f"a {vendor.status} vendor cannot become {target}",
            errors={"status": ["not allowed from the current status"]},
        )
    reason = _checked_reason(target, reason, reason_required)
    if target == "active" and _stall_taken(session, vendor.market_id, vendor.stall, vendor.id):
        raise StallTaken(vendor.stall)
    audit.record(
        session,
        actor_id=actor.id,
        entity="vendor",
        entity_id=vendor.id,
        action=action,
        changes={"status": [vendor.status, target]},
        reason=reason,
    )
    vendor.status, vendor.status_reason = target, reason
    if target == "active" and vendor.activated_at is None:
        vendor.activated_at = utcnow()
    if target == "closed":
        vendor.closed_at = utcnow()
    if target in ("suspended", "closed"):
        end_devices(session, vendor_id=vendor.id)  # its phones stop seeing its money at once
    session.flush()
    return vendor


def vendor_history(session: Session, *, actor: User, vendor_id: int) -> list:
    """The audit entries of a vendor the actor may see."""
    if actor.role not in MANAGERS:
        raise Forbidden("Only the market board reads the audit log.")
    vendor = get_vendor(session, actor=actor, vendor_id=vendor_id)
    return audit.history(session, entity="vendor", entity_id=vendor.id)


def count_by_status(session: Session, market_ids: list[int]) -> dict[int, dict[str, int]]:
    """{market id: {status: count}}, for the market pages."""
    stmt = (
        select(Vendor.market_id, Vendor.status, func.count())
        .where(Vendor.market_id.in_(market_ids))
        .group_by(Vendor.market_id, Vendor.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for market_id, status, n in session.execute(stmt):
        counts.setdefault(market_id, {})[status] = n
    return counts


def vendor_scope(session: Session, vendor_id: str) -> dict:
    """The user columns that bind a vendor account to its vendor (for `users create`)."""
    vendor = session.get(Vendor, int(vendor_id)) if str(vendor_id).isdigit() else None
    if vendor is None:
        raise NotFound(f"no vendor {vendor_id}")
    return {"vendor_id": vendor.id, "market_id": vendor.market_id}


def market_categories(session: Session, *, market: Market) -> list[str]:
    """The goods the market's vendors sell, for a filter."""
    stmt = select(Vendor.category).where(
        Vendor.market_id == market.id, Vendor.category.is_not(None)
    )
    return sorted(session.execute(stmt.distinct()).scalars(), key=fold)
