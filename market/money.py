"""Đồng: integers only, parsed strictly and shown the Vietnamese way (50.000 ₫)."""

from decimal import ROUND_HALF_EVEN, Decimal

from babel.numbers import format_decimal

MAX_AMOUNT = 9_999_999_999_999  # what VietQR tag 54 can carry
_VIETNAMESE_MARKS = str.maketrans(",.", ".,")  # 1.234,5: dots group, a comma for decimals


def is_valid_amount(value: object) -> bool:
    """True for an integer number of đồng within 1..MAX_AMOUNT (bools and floats are not)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_AMOUNT


def _grouped(value: int) -> str:
    """An integer with Vietnamese thousands separators, as Babel writes it for vi_VN (a page
    of figures shows hundreds: this is a hundred times quicker than a Babel pattern)."""
    return f"{value:,}".replace(",", ".")


def format_vnd(amount: int) -> str:
    """50000 → '50.000 ₫'."""
    if isinstance(amount, int):
        return f"{_grouped(amount)} ₫"
    return f"{format_decimal(amount, locale='vi_VN')} ₫"


def format_number(value: int | float, digits: int = 0) -> str:
    """1816 → '1.816'; 42.75 with digits=2 → '42,75'."""
    if isinstance(value, int) and not digits:
        return _grouped(value)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale="vi_VN")


def format_ratio(value: float, digits: int = 2) -> str:
    """0.4275 → '42,75%' (as Babel writes it for vi_VN, rounded half to even, without its
    pattern parsing: a dashboard shows dozens)."""
    scaled = (Decimal(str(value)) * 100).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_EVEN)
    return f"{scaled:,.{digits}f}".translate(_VIETNAMESE_MARKS) + "%"


def format_money_short(amount: int) -> str:
    """1_234_000_000 → '1,2 tỷ đồng'; 45_600_000 → '45,6 triệu đồng'; smaller: '50.000 ₫'."""
    for size, unit in ((1_000_000_000, "tỷ đồng"), (1_000_000, "triệu đồng")):
        if abs(amount) >= size:
            return f"{format_decimal(amount / size, format='#,##0.#', locale='vi_VN')} {unit}"
    return format_vnd(amount)
