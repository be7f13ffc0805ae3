"""Markets over HTTP."""

from flask_smorest import Blueprint

from market.auth import caller, require
from market.db import get_session
from market.markets import service
from market.markets.schemas import (
    MarketCreateSchema,
    MarketPageSchema,
    MarketQuerySchema,
    MarketSchema,
)

blp = Blueprint("markets", __name__, url_prefix="/api/v1/markets", description="Markets (chợ)")


def _with_counts(session, markets):
    counts = service.vendor_counts(session, markets)
    for market in markets:
        market.vendor_counts = counts[market.id]
    return markets


@blp.post("")
@require("admin")
@blp.arguments(MarketCreateSchema)
@blp.response(201, MarketSchema)
def create_market(body):
    """Register a market (admin)."""
    session = get_session()
    return _with_counts(session, [service.create_market(session, **body)])[0]


@blp.get("")
@require(*service.READERS)
@blp.arguments(MarketQuerySchema, location="query")
@blp.response(200, MarketPageSchema)
def list_markets(query):
    """Markets the caller may see, with vendor counts by status."""
    session = get_session()
    page = service.list_markets(session, user=caller(), limit=query["limit"], after=query["cursor"])
    return {"items": _with_counts(session, page.items), "next_cursor": page.next_cursor}


@blp.get("/<code>")
@require(*service.READERS)
@blp.response(200, MarketSchema)
def get_market(code):
    """One market with its vendor counts by status."""
    session = get_session()
    market = service.get_market(session, code)
    service.check_market_access(caller(), market)
    return _with_counts(session, [market])[0]
