from market.money import MAX_AMOUNT, format_number, format_ratio, format_vnd, is_valid_amount


def test_vietnamese_number_formats():
    assert format_vnd(50000) == "50.000 ₫"
    assert format_number(1816) == "1.816"
    assert format_ratio(0.4275) == "42,75%"


def test_amounts_are_whole_dong_within_the_vietqr_limit():
    assert is_valid_amount(1) and is_valid_amount(MAX_AMOUNT)
    for bad in (0, -5, MAX_AMOUNT + 1, 12.5, 12.0, True, "100"):
        assert not is_valid_amount(bad)
