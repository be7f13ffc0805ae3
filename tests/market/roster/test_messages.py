"""Every message the roster import gives has a Vietnamese sentence that says how to fix it."""

import pytest

from market.roster.messages import SENTENCES, explain
from market.roster.preview import column_letter
from market.spreadsheet import BadSpreadsheet, read_table
from market.words import UNKNOWN_MESSAGE
from vendors.rules import normalize_vendor

GOOD = {
    "stall": "A-1",
    "full_name": "Lê Thị Lan",
    "phone": "0912345678",
    "bank": "VCB",
    "account_number": "0071000123456",
}
BAD_CELLS = [
    {"stall": ""},
    {"stall": "A 1 ~ 2"},
    {"full_name": ""},
    {"full_name": "L"},
    {"full_name": "Lan <3"},
    {"phone": ""},
    {"phone": "09x1234567"},
    {"phone": "0212345678"},
    {"national_id": "08x"},
    {"national_id": "123456789"},
    {"national_id": "0860123"},
    {"national_id": "999123456789"},
    {"bank": ""},
    {"bank": "123456"},
    {"bank": "Ngân hàng Ma"},
    {"account_number": ""},
    {"account_number": "1" * 20},
    {"account_name": "Ê" * 80},
    {"account_name": "LAN @ HOME"},
    {"category": "x" * 61},
]


@pytest.mark.parametrize("cells", BAD_CELLS, ids=lambda c: "-".join(f"{k}" for k in c))
def test_each_cell_error_of_a_vendor_row_reads_as_a_vietnamese_sentence(cells):
    _values, errors = normalize_vendor(GOOD | cells)
    assert errors, cells
    for message in errors.values():
        said = explain(message)
        assert said != UNKNOWN_MESSAGE, message
        assert said.endswith((".", ",")) and said[0].isupper(), said


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"", "a.csv"),
        (b"\x00\x01binary", "a.csv"),
        (b"\xd0\xcf\x11\xe0old", "a.xls"),
        (b"plain text", "a.xlsx"),
        (b"PK\x03\x04broken", "a.xlsx"),
        ('Sạp,"Họ tên\n'.encode() + b"x" * 70_000, "a.csv"),
    ],
)
def test_each_file_error_reads_as_a_vietnamese_sentence(data, filename):
    with pytest.raises(BadSpreadsheet) as refused:
        read_table(data, filename)
    assert explain(str(refused.value)) != UNKNOWN_MESSAGE, str(refused.value)


def test_the_sentences_fill_in_what_the_message_names():
    assert explain("stall B-7 is already on row 12") == (
        "Sạp B-7 đã có ở dòng 12 với thông tin khác. Mỗi sạp chỉ ghi một dòng: xóa hoặc sửa "
        "một trong hai dòng."
    )
    assert "Sạp, Họ và tên" in explain("missing columns: stall (Sạp), full_name (Họ và tên)")
    assert "“Ngân hàng Ma”" in explain(
        "unknown bank 'Ngân hàng Ma'; give its 6-digit BIN or short name"
    )
    assert explain("something nobody wrote down") == UNKNOWN_MESSAGE


def test_the_table_holds_each_pattern_once():
    patterns = [pattern for pattern, _ in SENTENCES]
    assert len(patterns) == len(set(patterns))


@pytest.mark.parametrize(
    ("index", "letter"), [(0, "A"), (7, "H"), (25, "Z"), (26, "AA"), (701, "ZZ")]
)
def test_columns_are_named_as_a_spreadsheet_names_them(index, letter):
    assert column_letter(index) == letter
