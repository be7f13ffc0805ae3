"""Reading a provider's statement file: CSV rows keyed by the provider's column names, each
turned into a transfer by the adapter's own reader, every bad line named."""

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from payments.ingest.providers.base import PayloadError, StatementLine, Transfer

# A provider's statement of one day is far below this; a file above it is refused before it
# is read further, so that no upload can hold a worker for long.
MAX_STATEMENT_LINES = 200_000


def csv_records(
    data: bytes, columns: tuple[str, ...], required_columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) for each non-blank CSV row, keyed by the canonical column names given."""
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    except UnicodeDecodeError as error:
        raise PayloadError("file", "is not UTF-8 text") from error
    canonical = {name.lower(): name for name in columns}
    try:
        names = [canonical.get(cell.strip().lower(), cell.strip()) for cell in next(reader, [])]
        for column in required_columns:
            if column not in names:
                raise PayloadError(column, "line 1: column is missing from the header")
        end = reader.line_num
        for row in reader:
            start, end = end + 1, reader.line_num
            if end > MAX_STATEMENT_LINES:
                most = f"{MAX_STATEMENT_LINES:,}"
                raise PayloadError("file", f"a statement has at most {most} lines; split it by day")
            if not any(cell.strip() for cell in row):
                continue
            if any(cell.strip() for cell in row[len(names) :]):
                raise PayloadError("file", f"line {start}: more cells than the header has")
            yield start, dict(zip(names, row + [""] * (len(names) - len(row)), strict=False))
    except csv.Error as error:
        raise PayloadError("file", f"line {reader.line_num}: {error}") from error


def statement(
    data: bytes,
    columns: tuple[str, ...],
    required_columns: tuple[str, ...],
    read: Callable[[Mapping[str, Any], str], Transfer | None],
) -> list[StatementLine]:
    """Every credited transfer of a CSV statement; a bad row names its field and line."""
    lines: list[StatementLine] = []
    for number, row in csv_records(data, columns, required_columns):
        try:
            transfer = read(row, "")
        except PayloadError as error:
            raise PayloadError(error.field, f"line {number}: {error.message}") from error
        if transfer is not None:
            lines.append(StatementLine(number, transfer))
    return lines
