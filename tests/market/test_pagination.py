"""Keyset pagination: pages follow each other by id without gaps or repeats, even when rows
are added between two pages."""

from sqlalchemy import select

from market.fields import decode_cursor
from market.markets.models import Market
from market.pagination import paginate
from tests.factories import make_market


def test_pages_cover_every_row_once_even_when_rows_arrive_in_between(session):
    made = [make_market(session).id for _ in range(5)]
    stmt = select(Market).where(Market.id >= made[0])
    first = paginate(session, stmt, Market.id, limit=2, after=None)
    made.append(make_market(session).id)  # arrives while the client reads the first page
    seen, page = [m.id for m in first.items], first
    while page.next_cursor:
        page = paginate(session, stmt, Market.id, limit=2, after=decode_cursor(page.next_cursor))
        seen += [m.id for m in page.items]
    assert seen == made


def test_the_last_page_has_no_next_cursor_even_when_it_is_full(session):
    made = [make_market(session).id for _ in range(2)]
    stmt = select(Market).where(Market.id >= made[0])
    assert paginate(session, stmt, Market.id, limit=2, after=None).next_cursor is None
    assert paginate(session, stmt, Market.id, limit=2, after=made[-1]).items == []
