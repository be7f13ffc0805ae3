"""A market's page (/markets/<code>): its vendors by status, and the vendor list with search
as you type (accent-insensitive), filters by status and goods, and paging. The same
services as the API."""

from flask import render_template, request

from market.auth import caller
from market.banks import bank_by_bin
from market.db import get_session
from market.markets.models import Market
from market.markets.service import check_market_access, get_market, vendor_counts
from market.web import PageBlueprint, page
from vendors import service
from vendors.board import market_roster
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


def _page_number() -> int:
    number = request.args.get("page", "")[:6]
    return int(number) if number.isdigit() else 1  # anything else: the first page


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
    """The market's vendors in stall order: counts by status, search, filters, paging."""
    session, market, query = get_session(), open_market(market_code), _query()
    found = market_roster(
        session, actor=caller(), market=market.code, number=_page_number(), size=PAGE_SIZE, **query
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
