"""A market's vendor list as the board reads it: every vendor matching the filters counted,
ordered by stall (natural order: A-2 before A-10) then name, one page at a time. No Flask."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from market.users import User
from vendors.models import Vendor
from vendors.rules import stall_order
from vendors.service import vendors_query


@dataclass(frozen=True)
class Roster:
    """One page of a market's vendors, and how many match in all."""

    items: list[Vendor]
    total: int
    page: int  # 1 for the first
    pages: int


def market_roster(
    session: Session, *, actor: User, market: str, number: int, size: int, **filters
) -> Roster:
    """Page `number` of the market's vendors matching filters (status, category, q), in stall
    order; a page past the end shows the last one. A market holds a few thousand vendors at
    most, so their stalls are ordered here rather than by a collation each database lacks."""
    keys = select(Vendor.id, Vendor.stall, Vendor.name_folded)
    found = session.execute(vendors_query(keys, actor=actor, market=market, **filters)).all()
    found.sort(key=lambda row: stall_order(row.stall, row.name_folded))
    pages = max(1, -(-len(found) // size))
    number = min(max(number, 1), pages)
    ids = [row.id for row in found[(number - 1) * size : number * size]]
    loaded = {v.id: v for v in session.scalars(select(Vendor).where(Vendor.id.in_(ids)))}
    return Roster([loaded[i] for i in ids], len(found), number, pages)
