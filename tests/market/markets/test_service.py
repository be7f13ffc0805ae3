"""Who may act on a market: the board and bank staff everywhere (bank staff only to read), a
market's manager and vendors only on their own market (vendors only to read)."""

import pytest

from market.errors import Forbidden, NotFound
from market.markets.models import Market
from market.markets.service import check_market_access, get_market
from market.users import User
from tests.factories import make_market

OWN, OTHER = Market(id=1, code="CHO-A", name="A"), Market(id=2, code="CHO-B", name="B")


@pytest.mark.parametrize(
    ("role", "market", "write", "allowed"),
    [
        ("admin", OTHER, True, True),
        ("bank_staff", OTHER, False, True),
        ("bank_staff", OTHER, True, False),
        ("market_manager", OWN, True, True),
        ("market_manager", OTHER, False, False),
        ("vendor", OWN, False, True),
        ("vendor", OWN, True, False),
        ("vendor", OTHER, False, False),
        ("school_admin", OWN, False, False),
    ],
)
def test_each_role_reaches_the_markets_it_may_and_no_other(role, market, write, allowed):
    user = User(username="u", role=role, market_id=OWN.id)
    if allowed:
        check_market_access(user, market, write=write)
    else:
        with pytest.raises(Forbidden):
            check_market_access(user, market, write=write)


def test_a_market_is_found_by_its_code_in_any_case(session):
    market = make_market(session, code="CHO-LONGHO")
    assert get_market(session, "cho-longho") == market
    with pytest.raises(NotFound):
        get_market(session, "CHO-KHONG")
