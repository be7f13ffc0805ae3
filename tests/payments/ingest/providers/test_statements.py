"""Reading a statement file: rows keyed by the provider's columns, every bad line named."""

import pytest

from payments.ingest.providers.base import PayloadError
from payments.ingest.providers.statements import MAX_STATEMENT_LINES, csv_records

COLUMNS = ("id", "amount", "note")


def read(text: str) -> list:
    return list(csv_records(text.encode(), COLUMNS, ("id", "amount")))


def test_rows_are_keyed_by_the_columns_whatever_their_case_and_blank_rows_are_skipped():
    rows = read("\ufeffID,Amount,Note\n1,50000,rau\n\n,,\n2,20000\n")
    assert rows == [
        (2, {"id": "1", "amount": "50000", "note": "rau"}),
        (5, {"id": "2", "amount": "20000", "note": ""}),
    ]


def test_a_missing_column_is_named():
    with pytest.raises(PayloadError) as refused:
        read("id,note\n1,x\n")
    assert refused.value.field == "amount"


def test_a_row_with_more_cells_than_the_header_names_its_line():
    with pytest.raises(PayloadError, match="line 3"):
        read("id,amount\n1,2\n3,4,5\n")


def test_a_statement_past_the_line_limit_is_refused_before_it_is_read_further():
    with pytest.raises(PayloadError, match="split it by day"):
        read("id,amount\n" + "\n" * MAX_STATEMENT_LINES)
