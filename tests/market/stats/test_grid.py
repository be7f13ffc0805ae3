"""Every grouping × every filter × every format, generated from the app itself: a grouping or a
filter added later is in the grid without anyone remembering to add it."""

import csv
import io

import pytest
from openpyxl import load_workbook

from market.stats import adoption
from market.stats.schemas import AdoptionQuerySchema
from tests.factories import bearer, make_user
from tests.market.stats.test_adoption import history  # noqa: F401  (the known history)

pytestmark = pytest.mark.usefixtures("history")
PERIOD = {"from": "2025-11-01", "to": "2025-11-30"}
NOT_FILTERS = {"date_from", "date_to", "format", "group_by", "funnel"}
# A real value of each filter in the known history (a filter without one fails the grid).
VALUES = {
    "market": "CHO-B",
    "ward": "29002",
    "legacy_district": "Huyện Long Hồ",
    "provider": "viettel",
    "payee_type": "vendor",
}
FILTERS = sorted(set(AdoptionQuerySchema().fields) - NOT_FILTERS)
FORMATS = AdoptionQuerySchema().fields["format"].validate.choices


def test_every_declared_filter_has_a_value_in_the_grid():
    assert set(FILTERS) == set(VALUES), "give the new filter a real value in VALUES"


def _rows_of(response, kind: str) -> list[tuple[str, int, int]]:
    """(key, transactions, value) per row, whatever the format."""
    if kind == "json":
        return [(r["key"], r["transactions"], r["value"]) for r in response.json["rows"]]
    if kind == "csv":
        lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
        return [(k, int(n), int(v)) for k, n, v, *_ in lines[1:]]
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    lines = list(sheet.iter_rows(min_row=3, values_only=True))  # a title, then the header
    return [(k, n, v) for k, n, v, *_ in lines]


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("dimension", adoption.DIMENSIONS)
def test_every_grouping_with_every_filter_in_every_format_adds_up(
    client,
    session,
    dimension,
    name,
    kind,
):
    headers = bearer(make_user(session, "bank_staff")[1])
    query = PERIOD | {"group_by": dimension, name: VALUES[name]}
    whole = client.get("/api/v1/stats/adoption", headers=headers, query_string=query)
    assert whole.status_code == 200, whole.get_data(as_text=True)[:300]
    totals = whole.json["totals"]
    answer = client.get(
        "/api/v1/stats/adoption", headers=headers, query_string=query | {"format": kind}
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    rows = _rows_of(answer, kind)
    assert sum(n for _, n, _ in rows) == totals["transactions"]
    assert sum(v for _, _, v in rows) == totals["value"]
    assert totals["transactions"] > 0, "each filter value must select some of the history"


@pytest.mark.parametrize("name", ["market", "ward", "provider"])
def test_the_dashboard_filtered_by_a_place_or_provider_shows(client, session, name):
    headers = bearer(make_user(session, "bank_staff")[1])
    page = client.get("/dashboard", headers=headers, query_string=PERIOD | {name: VALUES[name]})
    assert page.status_code == 200
    assert "Giao dịch" in page.get_data(as_text=True)
