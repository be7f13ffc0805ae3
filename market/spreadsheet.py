"""Read the rosters people keep: CSV (UTF-8, comma or semicolon) and XLSX, headers mapped.

Uploads are untrusted: an XLSX's parts are measured before anything is unpacked, rows and
columns are capped while the sheet streams, and XML entities are refused (openpyxl parses
through defusedxml when it is installed, as it is here)."""

import csv
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from xml.etree.ElementTree import ParseError

from market.text import fold

MAX_ROWS = 20_000  # rows below the header: the largest roster a market or school keeps
MAX_COLUMNS = 200  # columns past this one are not read
BLANK_TAIL = 1_000  # blank rows tolerated past the last row allowed (an export's padding)
MAX_LINE = 64 * 1024  # characters in one line of a CSV
MAX_PARTS = 1_000  # files inside an XLSX
MAX_SHEET_PART = 32 * 1024 * 1024  # unpacked bytes of a sheet or the shared strings
MAX_OTHER_PART = 8 * 1024 * 1024  # unpacked bytes of any other part (styles, workbook...)
MAX_UNPACKED = 64 * 1024 * 1024  # unpacked bytes of the whole workbook
MAX_RATIO = 100  # unpacked / packed size of a part over 1 MB; a roster compresses ~10:1
# What openpyxl and zipfile raise on a damaged or hostile workbook (defusedxml's refusals of
# entities are ValueErrors).
UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    EOFError,
    OSError,
)


class BadSpreadsheet(ValueError):
    """The file cannot be read as a roster; the message says what to do about it."""


class SpreadsheetTooLarge(BadSpreadsheet):
    """The file is larger than a roster may be (too many rows, or parts too big to unpack)."""


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
    first_line = text[: MAX_LINE + 1].split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(_bounded_lines(text), delimiter=delimiter)
    try:
        return _table(reader, "the file is empty")
    except csv.Error as exc:
        raise BadSpreadsheet(f"the CSV is malformed: {exc}") from exc


def _bounded_lines(text: str) -> Iterator[str]:
    for line in io.StringIO(text, newline=""):
        if len(line) > MAX_LINE:
            raise SpreadsheetTooLarge(
                f"a line is longer than {MAX_LINE:,} characters; this is not a roster"
            )
        yield line


def _table(rows: Iterable[Sequence], empty: str) -> Table:
    """The header and the rows below it, streamed: at most MAX_ROWS rows, MAX_COLUMNS cells."""
    header, body = None, []
    for number, cells in enumerate(rows, start=1):
        cells = [_cell_text(v) for v in cells[:MAX_COLUMNS]]
        if header is None:
            header = cells
            continue
        if number > MAX_ROWS + 1:
            if any(c.strip() for c in cells):
                raise SpreadsheetTooLarge(
                    f"a roster has at most {MAX_ROWS:,} rows below its header; split the file"
                )
            if number > MAX_ROWS + 1 + BLANK_TAIL:
                raise SpreadsheetTooLarge(
                    f"the sheet goes on past row {MAX_ROWS + 1:,}; delete the rows below "
                    "the roster or split the file"
                )
            continue
        body.append((number, cells))
    if header is None:
        raise BadSpreadsheet(empty)
    return Table(header, body)


def _check_parts(parts: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook whose parts would unpack too large, judged before any is opened
    (zipfile stops reading a part at its declared size, so the declaration holds)."""
    if len(parts) > MAX_PARTS:
        raise SpreadsheetTooLarge(f"the workbook holds more than {MAX_PARTS:,} parts")
    too_large = SpreadsheetTooLarge(
        "the workbook unpacks to more than a roster can hold; save only the roster sheet "
        "as a new file"
    )
    if sum(p.file_size for p in parts) > MAX_UNPACKED:
        raise too_large
    for part in parts:
        name = part.filename.lower()
        sheet = name.startswith("xl/worksheets/") or name == "xl/sharedstrings.xml"
        if part.file_size > (MAX_SHEET_PART if sheet else MAX_OTHER_PART):
            raise too_large
        if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * part.compress_size:
            raise too_large


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook  # heavy; only when an XLSX arrives

    unreadable = "the XLSX file cannot be opened; save it again from Excel"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except UNREADABLE as exc:
        raise BadSpreadsheet(unreadable) from exc
    _check_parts(parts)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UNREADABLE as exc:
        raise BadSpreadsheet(unreadable) from exc
    try:
        sheet = book.worksheets[0]
        # The sheet's own claim of its size is not trusted: rows stream as they are stored.
        sheet.reset_dimensions()
        return _table(sheet.iter_rows(values_only=True), "the first sheet is empty")
    except BadSpreadsheet:
        raise
    except UNREADABLE as exc:
        raise BadSpreadsheet(unreadable) from exc
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
