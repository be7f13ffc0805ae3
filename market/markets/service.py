"""Market use cases. Vendor counts come from whichever domain plugs a counter in."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from market.errors import Conflict, Forbidden, NotFound
from market.markets.models import Market
from market.pagination import Page, paginate
from market.plugins import plugins
from market.users import User

READERS = ("admin", "market_manager", "vendor", "bank_staff")


def vendor_counts(session: Session, markets: list[Market]) -> dict[int, dict[str, int]]:
    """{market id: {status: count}} for markets."""
    counts: dict[int, dict[str, int]] = {m.id: {} for m in markets}
    for counter in plugins().vendor_counters:
        for market_id, by_status in counter(session, [m.id for m in markets]).items():
            counts[market_id].update(by_status)
    return counts


def create_market(session: Session, **values) -> Market:
    """Register a market; its code is unique."""
    if session.execute(select(Market.id).where(Market.code == values["code"])).first():
        raise Conflict(f"market {values['code']} exists", errors={"code": ["already exists"]})
    market = Market(**values)
    session.add(market)
    session.flush()
    return market


def get_market(session: Session, code: str) -> Market:
    """The market with this code, or 404."""
    market = session.execute(select(Market).where(Market.code == code.upper())).scalar_one_or_none()
    if market is None:
        raise NotFound(f"no market {code}")
    return market


def check_market_access(user: User, market: Market, *, write: bool = False) -> None:
    """Refuse a caller bound to another market (403)."""
    if user.role == "admin" or (user.role == "bank_staff" and not write):
        return
    if user.role in ("market_manager", "vendor") and user.market_id == market.id:
        if not write or user.role == "market_manager":
            return
    raise Forbidden("This market is not yours.")


def list_markets(session: Session, *, user: User, limit: int, after: int | None) -> Page:
    """Markets the caller may see, by id."""
    stmt = select(Market)
    if user.role in ("market_manager", "vendor"):
        stmt = stmt.where(Market.id == user.market_id)
    return paginate(session, stmt, Market.id, limit=limit, after=after)


def all_markets(session: Session) -> list[Market]:
    """Every market, by name (an admin's list: a province has tens of markets)."""
    return list(session.execute(select(Market).order_by(Market.name, Market.code)).scalars())
