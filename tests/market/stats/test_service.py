"""The statistics as asked for: the period a query names (last whole month by default), the
figures as JSON, or a file named after its period."""

import io
from datetime import date

from openpyxl import load_workbook

from market.stats.service import Download, adoption_figures, period, tuition_figures
from tests.factories import make_school

TODAY = date(2026, 3, 10)


def test_a_query_without_dates_covers_the_last_whole_month():
    assert period({}, TODAY) == (date(2026, 2, 1), date(2026, 2, 28))
    given = {"date_from": date(2025, 1, 1), "date_to": date(2025, 6, 30)}
    assert period(given, TODAY) == (date(2025, 1, 1), date(2025, 6, 30))


def test_figures_come_as_json_or_as_a_file_named_after_their_period(session):
    query = {"format": "json", "funnel": False, "group_by": "market"}
    report = adoption_figures(session, query=query, today=TODAY)
    assert report["period"] == {"from": "2026-02-01", "to": "2026-02-28"}
    csv = adoption_figures(session, query=query | {"format": "csv"}, today=TODAY)
    assert isinstance(csv, Download) and csv.mimetype == "text/csv"
    assert csv.filename == "chap-nhan-thanh-toan-2026-02-01-2026-02-28.csv"
    assert csv.data.decode("utf-8-sig").splitlines()[0].startswith("Nhóm,Số giao dịch")


def test_the_tuition_file_lists_every_school_with_vietnamese_headers(session):
    make_school(session, code="THCS-A", name="Trường THCS A")
    xlsx = tuition_figures(session, query={"format": "xlsx"}, today=TODAY)
    assert xlsx.filename == "hoc-phi-2026-02-01-2026-02-28.xlsx"
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Thu học phí 01/02/2026–28/02/2026"
    assert rows[1][:3] == ("Mã trường", "Tên trường", "Loại hình")
    assert ("THCS-A", "Trường THCS A", "public") in [r[:3] for r in rows[2:]]
