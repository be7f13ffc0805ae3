"""Vendor use cases called as the pages and the API call them: registration, changes and moves
through the states, each audited, the market board alone allowed to write."""

import pytest

from market import audit
from market.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.factories import make_market, make_user, make_vendor
from vendors import service

DETAILS = {
    "stall": "a - 12",
    "full_name": "Lê Thị Mai",
    "phone": "+84 912 345 678",
    "bank": "VCB",
    "account_number": "0011 0012 3456",
}


@pytest.fixture
def market(session):
    return make_market(session)


@pytest.fixture
def board(session, market):
    return make_user(session, "market_manager", market_id=market.id)[0]


def test_a_registered_vendor_is_pending_normalised_and_its_creation_audited(session, market, board):
    vendor = service.register_vendor(session, actor=board, market=market, details=DETAILS)
    assert (vendor.status, vendor.stall, vendor.phone) == ("pending", "A-12", "0912345678")
    assert vendor.account_name == "LE THI MAI"
    (entry,) = audit.history(session, entity="vendor", entity_id=vendor.id)
    assert entry.action == "create" and entry.changes["stall"] == [None, "A-12"]


def test_every_bad_field_is_named_at_once(session, market, board):
    bad = DETAILS | {"phone": "12345", "bank": "NGAN HANG LA", "full_name": "X"}
    with pytest.raises(ValidationFailed) as refused:
        service.register_vendor(session, actor=board, market=market, details=bad)
    assert set(refused.value.errors) == {"phone", "bank", "full_name"}


def test_a_new_name_keeps_the_account_name_the_bank_knows(session, market, board):
    vendor = make_vendor(session, market, full_name="Lê Thị Mai", account_name="LE THI MAI")
    changed = service.update_vendor(
        session, actor=board, vendor_id=vendor.id, changes={"full_name": "Lê Thị Mai Anh"}
    )
    assert (changed.full_name, changed.account_name) == ("Lê Thị Mai Anh", "LE THI MAI")
    assert changed.name_folded == "le thi mai anh"


def test_a_vendor_cannot_be_reopened_once_closed_and_cannot_take_a_held_stall(
    session, market, board
):
    closed = make_vendor(session, market, stall="A-1", status="active")
    service.change_status(session, actor=board, vendor_id=closed.id, action="close", reason="Nghỉ")
    with pytest.raises(Conflict):
        service.change_status(session, actor=board, vendor_id=closed.id, action="activate")
    with pytest.raises(Conflict):
        service.update_vendor(session, actor=board, vendor_id=closed.id, changes={"phone": "0"})
    make_vendor(session, market, stall="A-2", status="active")
    waiting = make_vendor(session, market, stall="A-3")
    with pytest.raises(Conflict):
        service.update_vendor(session, actor=board, vendor_id=waiting.id, changes={"stall": "a-2"})


def test_only_the_market_board_writes_and_others_do_not_learn_a_vendor_exists(session, market):
    vendor = make_vendor(session, market)
    own = make_user(session, "vendor", market_id=market.id, vendor_id=vendor.id)[0]
    with pytest.raises(Forbidden):
        service.change_status(session, actor=own, vendor_id=vendor.id, action="suspend")
    stranger = make_user(session, "market_manager", market_id=make_market(session).id)[0]
    with pytest.raises(NotFound):
        service.get_vendor(session, actor=stranger, vendor_id=vendor.id)


def test_counts_by_status_are_per_market(session, market):
    other = make_market(session)
    make_vendor(session, market, status="active")
    make_vendor(session, market, status="active")
    make_vendor(session, market)
    make_vendor(session, other, status="suspended")
    counts = service.count_by_status(session, [market.id, other.id])
    assert counts == {market.id: {"active": 2, "pending": 1}, other.id: {"suspended": 1}}
