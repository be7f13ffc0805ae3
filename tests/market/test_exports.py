"""Exports write Vietnamese headers, real numbers and dates, and defuse formula injection."""

import csv
import io
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from market.exports import Column, safe_text, to_csv, to_xlsx
from market.spreadsheet import read_table

COLUMNS = [
    Column("student_name", "Họ và tên"),
    Column("total_amount", "Số tiền phải nộp", "money"),
    Column("days_overdue", "Số ngày quá hạn", "int"),
    Column("paid_ratio", "Tỷ lệ đã nộp", "percent"),
    Column("due_date", "Hạn nộp", "date"),
]
ROW = {
    "student_name": "Trương Thị Ngọc Nguyệt",
    "total_amount": 1_200_000,
    "days_overdue": 3,
    "paid_ratio": 0.4275,
    "due_date": date(2026, 11, 26),
}
INJECTIONS = ["=1+1", "+84901234567", "-5", "@SUM(A1)", "\tTab", "\rCR", '=HYPERLINK("x")']


@dataclass
class Invoice:
    student_name: str
    total_amount: int
    days_overdue: int | None
    paid_ratio: float
    due_date: date


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def open_sheet(data: bytes):
    book = load_workbook(io.BytesIO(data))
    return book, book.worksheets[0]


def test_csv_is_utf8_with_bom_comma_and_crlf_with_plain_numbers():
    data = to_csv([ROW], COLUMNS)
    assert data.startswith("\ufeffHọ và tên,Số tiền phải nộp,".encode())
    assert data.count(b"\r\n") == 2 and b"\n" not in data.replace(b"\r\n", b"")
    assert csv_rows(data)[1] == ["Trương Thị Ngọc Nguyệt", "1200000", "3", "0.4275", "2026-11-26"]


def test_csv_reads_back_through_the_projects_own_reader():
    table = read_table(to_csv([ROW, ROW], COLUMNS), "cong-no.csv")
    assert table.headers == [c.header for c in COLUMNS]
    assert [cells[1] for _, cells in table.rows] == ["1200000", "1200000"]


def test_rows_may_be_objects_and_none_is_an_empty_cell():
    row = Invoice("Lê Văn Tám", 50_000, None, 1.0, date(2026, 1, 5))
    assert csv_rows(to_csv([row], COLUMNS))[1] == ["Lê Văn Tám", "50000", "", "1.0", "2026-01-05"]


def test_decimals_negatives_and_datetimes_are_written_plainly():
    columns = [Column("a", "A", "money"), Column("b", "B", "date"), Column("c", "C", "percent")]
    moment = datetime(2026, 11, 26, 7, 5, tzinfo=UTC)
    row = {"a": Decimal("1E+6"), "b": moment, "c": -0.05}
    assert csv_rows(to_csv([row], columns))[1] == ["1000000", "2026-11-26 14:05:00", "-0.05"]
    assert csv_rows(to_csv([{"a": -50_000, "b": None, "c": 0}], columns))[1] == ["-50000", "", "0"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_csv_text_that_a_spreadsheet_would_run_is_quoted(text):
    cells = csv_rows(to_csv([ROW | {"student_name": text}], COLUMNS))[1]
    assert cells[0] == "'" + text


@settings(max_examples=200)
@given(st.text())
def test_any_text_survives_csv_as_exactly_its_safe_form(text):
    cells = csv_rows(to_csv([{"note": text}], [Column("note", "Ghi chú")]))
    assert cells == [["Ghi chú"], [safe_text(text)]]


def test_a_missing_field_or_a_non_number_in_a_number_column_is_an_error():
    with pytest.raises(KeyError):
        to_csv([{"student_name": "A"}], COLUMNS)
    with pytest.raises(ValueError, match="total_amount"):
        to_csv([ROW | {"total_amount": "1.200.000"}], COLUMNS)
    with pytest.raises(ValueError):
        to_xlsx([ROW | {"due_date": "26/11/2026"}], COLUMNS, sheet="x")
    with pytest.raises(ValueError):
        to_csv([ROW | {"days_overdue": True}], COLUMNS)
    with pytest.raises(ValueError):
        Column("x", "X", "currency")


def test_xlsx_cells_are_typed_and_formatted_under_a_bold_frozen_header():
    book, ws = open_sheet(to_xlsx([ROW], COLUMNS, sheet="Công nợ"))
    assert ws.title == "Công nợ"
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    name, money, days, ratio, due = ws[2]
    assert name.value == "Trương Thị Ngọc Nguyệt" and not name.font.b
    assert type(money.value) is int and money.value == 1_200_000
    assert money.number_format == '#,##0 "₫"'
    assert type(days.value) is int and days.number_format == "#,##0"
    assert ratio.value == pytest.approx(0.4275) and ratio.number_format == "0.00%"
    assert due.value == datetime(2026, 11, 26) and due.number_format == "dd/mm/yyyy"
    assert due.is_date
    book.close()


def test_xlsx_title_row_sits_above_the_header():
    book, ws = open_sheet(to_xlsx([ROW], COLUMNS, sheet="Công nợ", title="Công nợ học phí – 6A1"))
    assert ws["A1"].value == "Công nợ học phí – 6A1" and ws["A1"].font.b
    assert [c.value for c in ws[2]] == [c.header for c in COLUMNS]
    assert ws.freeze_panes == "A3"
    assert ws["B3"].value == 1_200_000
    book.close()


def test_xlsx_aware_datetimes_are_shown_in_vietnam_time():
    moment = datetime(2026, 11, 26, 7, 5, tzinfo=UTC)
    book, ws = open_sheet(to_xlsx([{"at": moment}], [Column("at", "Thời gian", "date")], "x"))
    assert ws["A2"].value == datetime(2026, 11, 26, 14, 5)
    assert ws["A2"].number_format == "dd/mm/yyyy hh:mm"
    book.close()


def test_xlsx_columns_are_sized_to_their_content():
    long_name = "Nguyễn Thị Ngọc Phương Thảo Hoàng Lan Anh"
    rows = [ROW, ROW | {"student_name": long_name, "total_amount": 12_345_678_901}]
    book, ws = open_sheet(to_xlsx(rows, COLUMNS, sheet="x"))
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert widths["A"] >= len(long_name) > widths["E"]
    assert widths["B"] >= len("12.345.678.901 ₫")
    assert widths["C"] >= len("Số ngày quá hạn")
    book.close()


def test_xlsx_text_is_defused_and_never_a_formula():
    rows = [ROW | {"student_name": text} for text in [*INJECTIONS, "bad\x00\x07 chars"]]
    book, ws = open_sheet(to_xlsx(rows, COLUMNS, sheet="x"))
    cells = [row[0] for row in ws.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    # XML reads a bare CR as a line feed, as Excel would show it; the quote is what matters.
    assert [c.value for c in cells[:-1]] == ["'" + t.replace("\r", "\n") for t in INJECTIONS]
    assert cells[-1].value == "bad chars"
    book.close()


def test_an_empty_table_still_has_its_header():
    rows = csv_rows(to_csv([], COLUMNS))
    assert rows == [[c.header for c in COLUMNS]]
    book, ws = open_sheet(to_xlsx(iter(()), COLUMNS, sheet="Trống", title="Không có dữ liệu"))
    assert ws.max_row == 2
    assert [c.value for c in ws[2]] == [c.header for c in COLUMNS]
    book.close()


def test_sheet_names_excel_refuses_are_cleaned():
    name = "Công nợ [6A1/6A2]: học kỳ I năm học 2025–2026"
    book, ws = open_sheet(to_xlsx([ROW], COLUMNS, sheet=name))
    assert len(ws.title) <= 31 and not set("[]/:*?\\") & set(ws.title)
    assert ws.title.startswith("Công nợ")
    book.close()


def test_ten_thousand_rows_export_in_reasonable_time():
    rows = (ROW | {"student_name": f"Học sinh {i}", "total_amount": i} for i in range(10_000))
    started = time.perf_counter()
    data = to_xlsx(rows, COLUMNS, sheet="Công nợ")
    csv_data = to_csv([ROW] * 10_000, COLUMNS)
    assert time.perf_counter() - started < 30
    assert csv_data.count(b"\r\n") == 10_001
    book = load_workbook(io.BytesIO(data), read_only=True)
    last = list(book.worksheets[0].iter_rows(min_row=10_001, values_only=True))
    book.close()
    assert last == [("Học sinh 9999", 9999, 3, 0.4275, datetime(2026, 11, 26))]
