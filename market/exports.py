"""Tables out: CSV and XLSX with Vietnamese headers, numbers as numbers, formulas defused.

Pure: callers hand over rows (dicts or objects) and the columns to write."""

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from market.clock import VIETNAM

KINDS = ("text", "int", "money", "percent", "date")
FORMATS = {"int": "#,##0", "money": '#,##0 "₫"', "percent": "0.00%", "date": "dd/mm/yyyy"}
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = re.compile(r"[\\/*?:\[\]]")
# Characters XML 1.0 cannot carry; openpyxl refuses a cell holding one.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MIN_WIDTH, MAX_WIDTH = 6, 60

Value = str | int | float | Decimal | date | None


@dataclass(frozen=True)
class Column:
    key: str  # attribute or dict key of a row
    header: str  # Vietnamese header, e.g. "Số tiền phải nộp"
    kind: str = "text"  # "text" | "int" | "money" | "percent" | "date"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.key!r}: kind {self.kind!r} is not one of {KINDS}")


def safe_text(text: str) -> str:
    """Text shown, not run: XML-illegal controls dropped, a leading = + - @ tab or CR quoted."""
    text = _NOT_XML.sub("", text)
    return "'" + text if text.startswith(RISKY_STARTS) else text


def _field(row: object, key: str) -> object:
    return row[key] if isinstance(row, Mapping) else getattr(row, key)


def _value(value: object, column: Column) -> Value:
    """The cell for column: numbers stay numbers, dates dates, everything else defused text."""
    if value is None:
        return None
    if column.kind == "text":
        return safe_text(value if isinstance(value, str) else str(value))
    if column.kind == "date":
        if isinstance(value, datetime) and value.tzinfo is not None:
            # Spreadsheets have no time zones; people read the report in Vietnam time.
            return value.astimezone(VIETNAM).replace(tzinfo=None)
        if isinstance(value, date):
            return value
        raise ValueError(f"column {column.key!r} holds {value!r}, not a date")
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"column {column.key!r} ({column.kind}) holds {value!r}, not a number")
    return value


def _values(rows: Iterable, columns: list[Column]) -> Iterable[list[Value]]:
    if not columns:
        raise ValueError("a table needs at least one column")
    for row in rows:
        yield [_value(_field(row, c.key), c) for c in columns]


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, Decimal):
        return format(value, "f")  # never "1E+6"
    return value.isoformat() if isinstance(value, date) else str(value)


def to_csv(rows: Iterable, columns: list[Column]) -> bytes:
    """The table as CSV: UTF-8 with BOM (for Excel), comma, CRLF, a header row of column names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(c.header) for c in columns])
    for values in _values(rows, columns):
        writer.writerow([_csv_text(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _shown_length(value: Value, kind: str) -> int:
    """About how many characters Excel shows for a cell, to size its column."""
    if value is None:
        return 0
    if isinstance(value, str):
        return max(len(line) for line in value.split("\n"))
    if isinstance(value, date):
        return 16 if isinstance(value, datetime) else 10
    if kind == "percent":
        return len(f"{value * 100:.2f}%")
    return len(f"{value:,.0f}") + (2 if kind == "money" else 0)


def _sheet_title(name: str) -> str:
    # Excel refuses these characters, titles over 31 characters and edge apostrophes.
    title = _BAD_SHEET_CHARS.sub(" ", name).strip().strip("'")[:31].strip()
    return title or "Sheet1"


def to_xlsx(rows: Iterable, columns: list[Column], sheet: str, title: str | None = None) -> bytes:
    """The table as XLSX: bold frozen header, optional title, typed cells, sized columns."""
    from openpyxl import Workbook  # heavy; only when an XLSX is asked for
    from openpyxl.utils import get_column_letter

    table = list(_values(rows, columns))  # columns are sized before any row is written
    book = Workbook(write_only=True)
    ws = book.create_sheet(_sheet_title(sheet))
    for index, column in enumerate(columns):
        longest = max((_shown_length(r[index], column.kind) for r in table), default=0)
        width = max(longest, len(column.header), MIN_WIDTH) + 2
        ws.column_dimensions[get_column_letter(index + 1)].width = min(width, MAX_WIDTH)
    header_row = 2 if title else 1
    ws.freeze_panes = f"A{header_row + 1}"
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A{header_row}:{last}{header_row + len(table)}"
    _append_rows(ws, table, columns, title)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append_rows(ws, table: list[list[Value]], columns: list[Column], title: str | None) -> None:
    """The title (if any), the bold header, then the rows with their number formats."""
    from openpyxl.styles import Font

    if title:
        ws.append([_cell(ws, safe_text(title), font=Font(bold=True, size=14))])
    bold = Font(bold=True)
    ws.append([_cell(ws, safe_text(c.header), font=bold) for c in columns])
    formats = [FORMATS.get(c.kind) for c in columns]
    for values in table:
        ws.append(
            [
                v
                if f is None or v is None
                else _cell(ws, v, DATETIME_FORMAT if isinstance(v, datetime) else f)
                for v, f in zip(values, formats, strict=True)
            ]
        )


def _cell(ws, value: Value, number_format: str | None = None, font=None):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value)
    if number_format:
        cell.number_format = number_format
    if font:
        cell.font = font
    return cell
