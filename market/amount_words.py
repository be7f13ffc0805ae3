"""Amounts of đồng read out in Vietnamese words, the way receipts print them ("Bằng chữ")."""

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
BILLION = 1_000_000_000
SCALES = ("triệu", "nghìn", "")  # the three groups of a number below one tỷ, high to low


def _group(number: int, leading: bool) -> list[str]:
    """Words for 0 < number < 1000; a non-leading group reads its zero hundreds aloud."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    says_hundreds = hundreds > 0 or not leading
    if says_hundreds:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and says_hundreds:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _below_billion(number: int, leading: bool) -> list[str]:
    """Words for 0 < number < 10^9; groups that are all zero are left unsaid."""
    groups = (number // 1_000_000, number // 1000 % 1000, number % 1000)
    words: list[str] = []
    for value, scale in zip(groups, SCALES, strict=True):
        if value:
            words += _group(value, leading and not words)
            if scale:
                words.append(scale)
    return words


def _words(number: int, leading: bool = True) -> list[str]:
    # The count of tỷ is itself read as a number: 9.999 tỷ is "chín nghìn chín trăm … tỷ",
    # and tỷ repeats past 10^18 ("một tỷ tỷ").
    if number < BILLION:
        return _below_billion(number, leading)
    high, low = divmod(number, BILLION)
    words = [*_words(high, leading), "tỷ"]
    if low:
        words += _below_billion(low, leading=False)
    return words


def amount_in_words(amount: int) -> str:
    """1205000 → 'Một triệu hai trăm linh năm nghìn đồng'."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise ValueError(f"an amount of đồng is a whole number, not {type(amount).__name__}")
    if amount < 0:
        raise ValueError("an amount of đồng cannot be negative")
    text = " ".join(_words(amount)) if amount else DIGITS[0]
    return f"{text[0].upper()}{text[1:]} đồng"
