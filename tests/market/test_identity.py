import pytest

from market.identity import (
    InvalidValue,
    mask,
    normalize_account_number,
    normalize_national_id,
    normalize_phone,
    normalize_stall,
)


@pytest.mark.parametrize(
    "raw",
    [
        "0912 345 678",
        "+84 912 345 678",
        "84912345678",
        "(0912) 345678",
        "0912-345-678",
        "0912.345.678",
        "912345678",
        912345678,
        "912345678.0",
    ],
)
def test_phones_as_people_write_them_normalise_to_ten_digits(raw):
    assert normalize_phone(raw) == "0912345678"


@pytest.mark.parametrize(
    "raw",
    ["09123456", "0212345678", "", "0912345678x", "091234567890", "1234567890", "+1 202 555 0100"],
)
def test_bad_phones_are_refused(raw):
    with pytest.raises(InvalidValue):
        normalize_phone(raw)


def test_national_id_keeps_twelve_digits_and_restores_a_lost_zero():
    assert normalize_national_id("0865 1798 3900") == "086517983900"
    assert normalize_national_id(86517983900) == "086517983900"
    assert normalize_national_id("") is None
    assert normalize_national_id(None) is None


@pytest.mark.parametrize(
    "raw", ["123456789", "12345", "0865179839001", "999517983900", "08651798390a"]
)
def test_bad_national_ids_are_refused(raw):
    with pytest.raises(InvalidValue):
        normalize_national_id(raw)


def test_old_cmnd_is_refused_with_a_reason_people_understand():
    with pytest.raises(InvalidValue, match="CMND"):
        normalize_national_id("123456789")


def test_account_numbers_lose_spaces_and_keep_their_letters_as_given():
    assert normalize_account_number("8485 991098484") == "8485991098484"
    assert normalize_account_number("vqr-123abc") == "vqr123abc"
    assert normalize_account_number("VQR-123abc") == "VQR123abc"
    for bad in ["", "12345678901234567890", "12#45"]:
        with pytest.raises(InvalidValue):
            normalize_account_number(bad)


def test_stalls_are_upper_case_without_padding():
    assert normalize_stall(" b - 056 ") == "B-056"
    assert normalize_stall("c-001") == "C-001"
    with pytest.raises(InvalidValue):
        normalize_stall("   ")
    with pytest.raises(InvalidValue):
        normalize_stall("A'; DROP TABLE vendors;--")


def test_mask_keeps_the_last_digits():
    assert mask("086517983900") == "••••••••3900"
    assert mask(None) is None
