"""Reading a provider's fields by rule: money is whole đồng, identifiers are refused rather
than cut, text is cleaned, times land in UTC."""

from datetime import UTC, datetime

import pytest

from market.money import MAX_AMOUNT
from payments.ingest import limits
from payments.ingest.providers.base import PayloadError
from payments.ingest.providers.fields import (
    account,
    amount,
    aware_time,
    load_object,
    optional_text,
    transaction_id,
    vietnam_time,
)


@pytest.mark.parametrize(("given", "read"), [(50000, 50000), ("50000", 50000), (" 007 ", 7)])
def test_an_amount_is_a_whole_number_of_dong_from_a_number_or_digits(given, read):
    assert amount(given, "amount") == read


@pytest.mark.parametrize("given", [12.5, 100000.0, True, "12.5", "1e5", "-5", "", None, [1]])
def test_an_amount_that_is_not_whole_dong_is_refused_naming_the_field(given):
    with pytest.raises(PayloadError) as refused:
        amount(given, "data.amount")
    assert refused.value.field == "data.amount"


@pytest.mark.parametrize("given", [0, MAX_AMOUNT + 1, "9" * 40])
def test_an_amount_outside_1_to_the_largest_vietqr_amount_is_refused(given):
    with pytest.raises(PayloadError):
        amount(given, "amount")


def test_a_transaction_id_at_its_column_length_is_kept_and_one_more_is_refused():
    assert transaction_id("T" * limits.TRANSACTION_ID, "id") == "T" * limits.TRANSACTION_ID
    with pytest.raises(PayloadError, match="at most"):
        transaction_id("T" * (limits.TRANSACTION_ID + 1), "id")


def test_a_numeric_account_must_be_text_so_its_leading_zeros_survive():
    with pytest.raises(PayloadError, match="leading zeros"):
        account(11001234, "credit_account")
    assert account(" 0011 001 234 ", "credit_account") == "0011001234"


def test_descriptive_text_is_cleaned_and_blank_is_none():
    assert optional_text("  Nguyễn   Văn  A ", "debit_name") == "Nguyễn Văn A"
    assert optional_text("   ", "debit_name") is None


def test_a_time_without_an_offset_is_vietnam_time_where_the_format_allows_it():
    assert vietnam_time("2026-11-20 09:30:00", "when") == datetime(2026, 11, 20, 2, 30, tzinfo=UTC)
    assert vietnam_time("20/11/2026 09:30", "when") == datetime(2026, 11, 20, 2, 30, tzinfo=UTC)
    with pytest.raises(PayloadError, match="UTC offset"):
        aware_time("2026-11-20T09:30:00", "occurred_at")


@pytest.mark.parametrize("body", [b"[]", b"not json", b"\xff\xfe", b'{"a": NaN}'])
def test_a_body_that_is_not_one_json_object_is_refused(body):
    with pytest.raises(PayloadError):
        load_object(body)
