import json

import pytest

from market.banks import UnknownBank, all_banks, bank_by_bin, resolve_bank
from tests.conftest import DATA


@pytest.mark.parametrize(
    ("given", "bin_"),
    [
        ("970436", "970436"),
        ("VCB", "970436"),
        ("Vietcombank", "970436"),
        ("vietcombank", "970436"),
        ("Viettel Money", "971005"),
        ("CTG", "970415"),
        ("Vietinbank", "970415"),
        ("AGRIBANK", "970405"),
        ("bidv", "970418"),
        ("MB", "970422"),
        ("TCB", "970407"),
        ("STB", "970403"),
        ("Ngân hàng Vietcombank", "970436"),
        ("970436.0", "970436"),
    ],
)
def test_banks_resolve_by_bin_code_short_name_or_alias(given, bin_):
    assert resolve_bank(given).bin == bin_


@pytest.mark.parametrize("given", ["Ngân hàng ABC", "999999", "", None, "97043"])
def test_unknown_banks_are_refused(given):
    with pytest.raises(UnknownBank):
        resolve_bank(given)


def test_a_name_two_banks_share_is_refused_rather_than_guessed():
    with pytest.raises(UnknownBank, match="more than one"):
        resolve_bank("BVB")


def test_the_packaged_list_is_the_shared_napas_list():
    shared = json.loads((DATA / "vectors" / "napas_bins.json").read_text("utf-8"))
    assert [b.bin for b in all_banks()] == sorted(b["bin"] for b in shared["banks"])
    assert bank_by_bin("971005").kind == "wallet"
