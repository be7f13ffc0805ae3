"""Vendor rules as pure code: the shared roster's every row, without a database."""

import csv
import json

import pytest

from tests.conftest import DATA
from vendors.rules import (
    FIELDS,
    STATUSES,
    allowed_actions,
    can_move,
    needs_reason,
    normalize_vendor,
)

ROSTER = (DATA / "fixtures" / "vendors_cho_vinh_long.csv").read_text(encoding="utf-8-sig")
ROWS = list(csv.reader(ROSTER.splitlines()))
EXPECTED = json.loads((DATA / "fixtures" / "vendors_cho_vinh_long.expected.json").read_text())


@pytest.mark.parametrize("case", EXPECTED, ids=lambda e: f"row{e['sheet_row']}")
def test_each_roster_row_normalises_as_expected(case):
    values, errors = normalize_vendor(dict(zip(FIELDS, ROWS[case["sheet_row"] - 1], strict=True)))
    if case["error_field"] == "stall" or case["valid"]:
        # a repeated stall is only visible across rows; the row itself is valid
        assert errors == {}
        got = [
            values[k]
            for k in ("stall", "full_name", "phone", "national_id", "bank_bin", "account_number")
        ]
        assert got == [
            case[k]
            for k in ("stall", "full_name", "phone", "national_id", "bank", "account_number")
        ]
    else:
        assert set(errors) == {case["error_field"]}


def test_the_state_machine_only_moves_forward():
    assert can_move("pending", "active") and can_move("active", "suspended")
    assert can_move("suspended", "active") and can_move("active", "closed")
    assert not can_move("pending", "suspended")
    assert all(not can_move("closed", s) for s in STATUSES)


def test_partial_checks_only_the_fields_given():
    values, errors = normalize_vendor({"phone": "0912 345 678"}, partial=True)
    assert values == {"phone": "0912345678"} and errors == {}


def test_the_actions_a_status_allows_and_which_need_a_reason():
    assert allowed_actions("pending") == ["activate", "close"]
    assert allowed_actions("active") == ["suspend", "close"]
    assert allowed_actions("suspended") == ["activate", "close"]
    assert allowed_actions("closed") == []
    assert needs_reason("suspended") and needs_reason("closed") and not needs_reason("active")
