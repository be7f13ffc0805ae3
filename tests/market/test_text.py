import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from market.text import clean, fold, like_pattern, qr_ascii


def test_clean_gives_nfc_with_single_spaces():
    nfd = unicodedata.normalize("NFD", "  Dương  Công\tHải ")
    assert clean(nfd) == "Dương Công Hải"
    assert unicodedata.is_normalized("NFC", clean(nfd))


def test_fold_drops_accents_and_maps_d_with_stroke():
    assert fold("Nguyễn Thị Hoa") == "nguyen thi hoa"
    assert fold("ĐỖ Đức") == "do duc"
    assert fold(unicodedata.normalize("NFD", "Trương Thị Ngọc Nguyệt")) == "truong thi ngoc nguyet"


def test_qr_ascii_is_upper_case_ascii_cut_to_the_limit():
    assert qr_ascii("Đinh Thị Ngọc Tuyết") == "DINH THI NGOC TUYET"
    assert qr_ascii("Trương Thị Ngọc Nguyệt", limit=12) == "TRUONG THI N"
    assert qr_ascii("Chợ — Vĩnh Long ★") == "CHO VINH LONG"


@given(st.text())
def test_qr_ascii_never_leaves_printable_ascii(value):
    out = qr_ascii(value)
    assert all(32 <= ord(ch) < 127 for ch in out)
    assert out == out.strip()


def test_like_pattern_escapes_wildcards():
    assert like_pattern("50%_off\\") == "%50\\%\\_off\\\\%"
