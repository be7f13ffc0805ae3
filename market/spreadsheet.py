"""Read the rosters people keep: CSV (UTF-8, comma or semicolon) and XLSX, headers mapped."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from market.text import fold


class BadSpreadsheet(ValueError):
    """The file cannot be read as a roster; the message says what to do about it."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (sheet row number, header = row 1; cells as text)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone or ID a spreadsheet stored as a number
    if isinstance(value, datetime | date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    return str(value)


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadSpreadsheet("this is a binary file, not a CSV; export the sheet as 'CSV UTF-8'")
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadSpreadsheet("the file is not UTF-8 text; save it as 'CSV UTF-8'") from exc
    if "\x00" in text:
        raise BadSpreadsheet("this is a binary file, not a CSV; export the sheet as 'CSV UTF-8'")
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise BadSpreadsheet(f"the CSV is malformed: {exc}") from exc
    if not lines:
        raise BadSpreadsheet("the file is empty")
    return Table(lines[0], [(n, cells) for n, cells in enumerate(lines[1:], start=2)])


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook  # heavy; only when an XLSX arrives

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise BadSpreadsheet("the XLSX file cannot be opened; save it again from Excel") from exc
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise BadSpreadsheet("the first sheet is empty")
        body = [(n, [_cell_text(v) for v in r]) for n, r in enumerate(rows, start=2)]
        return Table([_cell_text(v) for v in header], body)
    finally:
        book.close()


def read_table(data: bytes, filename: str = "") -> Table:
    """The first sheet of an XLSX or a CSV file, as text cells numbered by sheet row."""
    if not data.strip():
        raise BadSpreadsheet("the file is empty")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadSpreadsheet("old .xls files are not read; save the sheet as .xlsx or CSV UTF-8")
    if filename.lower().endswith(".xlsx"):
        raise BadSpreadsheet("the file is named .xlsx but is not an Excel workbook")
    return _read_csv(data)


def header_key(name: str) -> str:
    """How headers are compared: case-, accent- and spacing-insensitive."""
    return " ".join(fold(name).replace("_", " ").replace(".", " ").split())


def map_columns(headers: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """{field: column index} for the headers that name a field (in English or Vietnamese)."""
    lookup = {header_key(a): field for field, names in aliases.items() for a in (field, *names)}
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        field = lookup.get(header_key(header or ""))
        if field and field not in found:
            found[field] = index
    return found


def records(table: Table, columns: dict[str, int]) -> Iterator[tuple[int, dict[str, str]]]:
    """(sheet row, {field: cell}) for each row that is not entirely blank."""
    for number, cells in table.rows:
        if not any(c.strip() for c in cells if c):
            continue
        yield number, {f: (cells[i] if i < len(cells) else "") for f, i in columns.items()}
