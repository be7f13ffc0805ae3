"""Amounts in Vietnamese words follow the reading rules receipts use."""

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.amount_words import amount_in_words

CASES = {
    # the examples the receipts were specified with
    50_000: "Năm mươi nghìn đồng",
    1_205_000: "Một triệu hai trăm linh năm nghìn đồng",
    21_000: "Hai mươi mốt nghìn đồng",
    15_000: "Mười lăm nghìn đồng",
    100_000: "Một trăm nghìn đồng",
    0: "Không đồng",
    1_000_000_000: "Một tỷ đồng",
    9_999_999_999_999: "Chín nghìn chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu "
    "chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng",
    1_050_000: "Một triệu không trăm năm mươi nghìn đồng",
    # units, tens and their spoken forms
    1: "Một đồng",
    5: "Năm đồng",
    10: "Mười đồng",
    11: "Mười một đồng",
    14: "Mười bốn đồng",
    20: "Hai mươi đồng",
    25: "Hai mươi lăm đồng",
    41: "Bốn mươi mốt đồng",
    # hundreds: linh for a zero tens digit, mười / lăm / mốt after it
    101: "Một trăm linh một đồng",
    105: "Một trăm linh năm đồng",
    110: "Một trăm mười đồng",
    115: "Một trăm mười lăm đồng",
    121: "Một trăm hai mươi mốt đồng",
    500: "Năm trăm đồng",
    # non-leading groups read their zero hundreds; all-zero groups are left out
    1_000: "Một nghìn đồng",
    1_001: "Một nghìn không trăm linh một đồng",
    1_010: "Một nghìn không trăm mười đồng",
    11_000: "Mười một nghìn đồng",
    1_000_005: "Một triệu không trăm linh năm đồng",
    2_000_500: "Hai triệu năm trăm đồng",
    15_500_000: "Mười lăm triệu năm trăm nghìn đồng",
    2_001_000_000: "Hai tỷ không trăm linh một triệu đồng",
    1_234_567_891: "Một tỷ hai trăm ba mươi bốn triệu năm trăm sáu mươi bảy nghìn "
    "tám trăm chín mươi mốt đồng",
    # tỷ counts as a number of its own
    1_000_000_000_000: "Một nghìn tỷ đồng",
    5_000_000_000_050: "Năm nghìn tỷ không trăm năm mươi đồng",
    10**18: "Một tỷ tỷ đồng",
}


@pytest.mark.parametrize(("amount", "words"), CASES.items())
def test_amounts_read_as_a_receipt_prints_them(amount, words):
    assert amount_in_words(amount) == words


@pytest.mark.parametrize("bad", [-1, -50_000, 1.0, 12.5, True, "100", Decimal("5"), None])
def test_negative_or_non_integer_amounts_are_refused(bad):
    with pytest.raises(ValueError):
        amount_in_words(bad)


@settings(max_examples=500)
@given(st.integers(min_value=0, max_value=10**13 - 1))
def test_every_amount_reads_as_clean_text(amount):
    text = amount_in_words(amount)
    assert text and text.endswith("đồng") and text == text.strip()
    assert unicodedata.is_normalized("NFC", text)
    assert "  " not in text
    assert text[0].isupper() and text[1:] == text[1:].lower()


@given(st.integers(0, 10**13 - 1), st.integers(0, 10**13 - 1))
def test_different_amounts_read_differently(a, b):
    assert (amount_in_words(a) == amount_in_words(b)) == (a == b)
