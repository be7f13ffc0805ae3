"""Vendors as payees: the assign form's search (by stall or name, accent-insensitive, within
the user's market), their names on the payment screens, the accounts a manager's vendors hold."""

import pytest

from market.errors import NotFound, ValidationFailed
from tests.factories import make_market, make_school, make_user, make_vendor
from vendors.payees import assign_to_vendor, manager_accounts, name_vendors, search_vendors


@pytest.fixture
def markets(session):
    mine, theirs = make_market(session, name="Chợ Vĩnh Long"), make_market(session)
    hoa = make_vendor(session, mine, status="active", full_name="Nguyễn Thị Hoa", stall="C-07")
    shut = make_vendor(session, mine, status="suspended", full_name="Đỗ Thị Hòa")
    far = make_vendor(session, theirs, status="active", full_name="Nguyễn Hoa")
    return mine, hoa, shut, far


def labels(choices):
    return [c.label for c in choices]


def test_a_manager_finds_its_markets_vendors_by_name_without_accents_or_by_stall(session, markets):
    mine, hoa, shut, far = markets
    manager = make_user(session, "market_manager", market_id=mine.id)[0]
    found = search_vendors(session, manager, "hoa", 10)
    assert sorted(labels(found)) == ["Nguyễn Thị Hoa", "Đỗ Thị Hòa"]
    by_stall = search_vendors(session, manager, " c-07 ", 10)
    assert [(c.value, c.label, c.detail) for c in by_stall] == [
        (str(hoa.id), "Nguyễn Thị Hoa", "Sạp C-07 · Chợ Vĩnh Long")
    ]
    assert "Tạm ngưng" in next(c.detail for c in found if c.value == str(shut.id))
    admin = make_user(session, "admin")[0]
    assert "Nguyễn Hoa" in labels(search_vendors(session, admin, "NGUYEN HOA", 10))
    assert len(search_vendors(session, admin, "hoa", 2)) == 2


def test_no_search_for_blank_text_nor_for_a_role_that_gives_no_money_to_vendors(session, markets):
    admin = make_user(session, "admin")[0]
    assert search_vendors(session, admin, "   ", 10) == []
    school = make_user(session, "school_admin", school_id=make_school(session).id)[0]
    assert search_vendors(session, school, "hoa", 10) == []


def test_assigning_takes_only_a_vendor_id_the_actor_may_see(session, markets):
    mine, hoa, _, far = markets
    manager = make_user(session, "market_manager", market_id=mine.id)[0]
    assert assign_to_vendor(session, manager, str(hoa.id))[0].id == hoa.id
    for bad in ("", "abc", "-1", "0", "1" * 25, "１２"):
        with pytest.raises(ValidationFailed):
            assign_to_vendor(session, manager, bad)
    with pytest.raises(NotFound):
        assign_to_vendor(session, manager, str(far.id))


def test_names_and_accounts_of_vendors(session, markets):
    mine, hoa, shut, far = markets
    named = name_vendors(session, [hoa.id, far.id, 987654])
    assert named[hoa.id].label == "Nguyễn Thị Hoa" and set(named) == {hoa.id, far.id}
    manager = make_user(session, "market_manager", market_id=mine.id)[0]
    held = set(session.scalars(manager_accounts(manager)))
    assert held == {hoa.account_number, shut.account_number}
