"""A market's page (/markets/<code>): its vendors by status, and the vendor list with search
as you type (accent-insensitive), filters by status and goods, and paging. The same
services as the API."""

from flask import render_template, request
from marshmallow import ValidationError

from market.auth import caller
from market.banks import bank_by_bin
from market.db import get_session
from market.fields import decode_cursor
from market.markets.models import Market
from market.markets.service import check_market_access, get_market, vendor_counts
from market.web import PageBlueprint, page
from vendors import service
from vendors.rules import STATUSES

bp = PageBlueprint("board", __name__, template_folder="templates")
PAGE_SIZE = 50


def open_market(code: str) -> Market:
    """The market of the page, when the signed-in person may run it (the 403 page if not)."""
    market = get_market(get_session(), code)
    check_market_access(caller(), market, write=True)
    return market


def bank_name(bin_: str) -> str:
    """A bank's short name for a BIN (the BIN itself when the directory does not know it)."""
    bank = bank_by_bin(bin_)
    return bank.short_name if bank else bin_


def _after() -> int | None:
    try:
        return decode_cursor(request.args.get("after", "")) if request.args.get("after") else None
    except ValidationError:
        return None  # a cursor we did not issue: the first page


def _query() -> dict:
    status = request.args.get("status")
    return {
        "q": request.args.get("q", "")[:100].strip(),
        "status": status if status in STATUSES else None,
        "category": request.args.get("goods", "")[:60].strip() or None,
    }


@bp.get("/markets/<market_code>")
@page("admin", "market_manager")
def market_page(market_code: str):
    """The market's vendors: counts by status, search, filters, paging."""
    session, market, query = get_session(), open_market(market_code), _query()
    found = service.list_vendors(
        session, actor=caller(), market=market.code, limit=PAGE_SIZE, after=_after(), **query
    )
    return render_template(
        "board/market.html",
        market=market,
        counts=vendor_counts(session, [market])[market.id],
        found=found,
        query=query,
        statuses=STATUSES,
        goods=[(g, g) for g in service.market_categories(session, market=market)],
        bank_name=bank_name,
    )
