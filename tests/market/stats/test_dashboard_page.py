"""The dashboard page as bank staff use it: every filter × every grouping works on the page as
in the API, filters are choices by name, tables show names, the CSV and XLSX buttons export
the very rows on screen, the active share stays within 100 %, the funnel counts the period."""

import csv
import html
import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from market.stats.choices import GROUPINGS
from market.stats.table import TOTAL
from tests.factories import bearer, make_user
from tests.market.stats.test_adoption import A, B, history  # noqa: F401  (the known history)
from tests.pages import HTML, signed_in, text_of

pytestmark = pytest.mark.usefixtures("history")
PERIOD = {"from": "2025-11-01", "to": "2025-11-30"}
FILTERS = {
    None: None,
    "market": B,
    "ward": "29002",
    "legacy_district": "Huyện Long Hồ",
    "provider": "viettel",
    "payee_type": "vendor",
}
MARKET_NAMES = {A: "Chợ An Bình", B: "Chợ Bình Minh"}


@pytest.fixture
def browser(app, session, history):  # noqa: F811
    """Bank staff signed in; the history's markets named, their wards too."""
    vendors, _ = history
    for vendor in vendors.values():
        vendor.market.name = MARKET_NAMES[vendor.market.code]
        vendor.market.ward_name = f"Phường {vendor.market.ward_code[-1]}"
    session.flush()
    return signed_in(app, session, make_user(session, "bank_staff")[0])


def page(browser, **query):
    response = browser.get("/dashboard", headers=HTML, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def screen_rows(response) -> list[list[str]]:
    """The cells of the figures table as a person reads them (body rows, then the total)."""
    shown = response.get_data(as_text=True)
    table = re.search(r'<table class="figures">(.*?)</table>', shown, re.S)
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)[1:]  # past the header
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in row] for row in cells]


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or 0)


@pytest.mark.parametrize("name", list(FILTERS))
@pytest.mark.parametrize("group_by", [g for g, _ in GROUPINGS])
def test_every_filter_with_every_grouping_on_the_page_agrees_with_the_api(
    client, session, browser, group_by, name
):
    query = PERIOD | {"group_by": group_by} | ({name: FILTERS[name]} if name else {})
    token = bearer(make_user(session, "bank_staff")[1])
    api = client.get("/api/v1/stats/adoption", headers=token, query_string=query)
    assert api.status_code == 200, api.json
    rows = screen_rows(page(browser, **query))
    assert rows[-1][0] == TOTAL
    assert number(rows[-1][1]) == api.json["totals"]["transactions"] > 0
    assert [number(r[1]) for r in rows[:-1]] == [r["transactions"] for r in api.json["rows"]]


def test_filters_are_choices_by_name_and_the_chosen_one_stays_selected(browser):
    response = page(browser, **PERIOD, market=B, ward="29001")
    shown = response.get_data(as_text=True)
    assert f'<option value="{B}" selected>Chợ Bình Minh</option>' in shown
    assert '<option value="29001" selected>Phường 1 (29001)</option>' in shown
    assert '<option value="Huyện Long Hồ">Huyện Long Hồ</option>' in shown
    assert '<option value="viettel">viettel</option>' in shown
    assert '<option value="month">Tháng</option>' in shown
    for name in ("from", "to", "market", "ward", "legacy_district", "provider", "group_by"):
        assert f'<label for="{name}">' in shown


def test_tables_show_names_not_codes(browser):
    by_market = [r[0] for r in screen_rows(page(browser, **PERIOD, group_by="market"))]
    assert by_market == ["Chợ An Bình", "Chợ Bình Minh", TOTAL]
    by_ward = [r[0] for r in screen_rows(page(browser, **PERIOD, group_by="ward"))]
    assert by_ward == ["Phường 1 (29001)", "Phường 2 (29002)", TOTAL]
    by_month = [r[0] for r in screen_rows(page(browser, **PERIOD, group_by="month"))]
    assert by_month == ["11/2025", TOTAL]
    assert A not in text_of(page(browser, **PERIOD, group_by="market")).split("Tải bảng")[-1]


def exported(browser, link: str, kind: str) -> list[list[str]]:
    response = browser.get(html.unescape(link), headers=HTML)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    if kind == "csv":
        return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))[1:]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "query",
    [
        {"group_by": "market"},
        {"group_by": "provider", "market": B},
        {"group_by": "day", "ward": "29002", "payee_type": "vendor"},
    ],
)
def test_the_export_buttons_give_the_rows_on_screen_with_the_same_filters(browser, query, kind):
    response = page(browser, **PERIOD, **query)
    shown = response.get_data(as_text=True)
    link = re.search(rf'href="(/dashboard\?[^"]*format={kind}[^"]*)"', shown)
    for name, value in query.items():
        assert f"{name}={value}".replace(" ", "+") in html.unescape(link.group(1))
    on_screen = screen_rows(response)
    in_file = exported(browser, link.group(1), kind)
    assert [r[0] for r in in_file] == [r[0] for r in on_screen]
    for screen, row in zip(on_screen, in_file, strict=True):
        assert [number(c) for c in screen[1:3]] == [int(v or 0) for v in row[1:3]]


def test_the_active_share_is_never_above_all_points(app, session, browser, history):  # noqa: F811
    vendors, _ = history
    # v3 had a payment on 15 November 2025 and then closed: active no more, not a point
    vendors["v3"].status, vendors["v3"].closed_at = "closed", datetime(2025, 11, 20, tzinfo=UTC)
    session.flush()
    token = bearer(make_user(session, "bank_staff")[1])
    for group_by in (None, "market", "ward"):
        query = PERIOD | ({"group_by": group_by} if group_by else {})
        report = app.test_client().get("/api/v1/stats/adoption", headers=token, query_string=query)
        totals = report.json["totals"]
        assert totals["active_points"] <= totals["registered_points"]
        assert totals["active_share"] <= 1
        for row in report.json["rows"]:
            assert row["active_points"] <= row["registered_points"]
    shown = text_of(page(browser, **PERIOD))
    share = re.search(r"([\d,]+)% số điểm", shown).group(1)
    assert float(share.replace(",", ".")) <= 100


def test_the_funnel_counts_the_vendors_registered_within_the_period(browser):
    november = text_of(page(browser, **PERIOD))
    assert "Đăng ký 0 Đã in mã QR 0 Có giao dịch đầu tiên 0" in november
    autumn = text_of(page(browser, **{"from": "2025-10-01", "to": "2025-11-30"}))
    assert "Đăng ký 1 Đã in mã QR 0 Có giao dịch đầu tiên 1 Đang hoạt động (30 ngày) 1" in autumn


def test_the_year_earlier_line_has_a_legend(browser):
    shown = text_of(page(browser, **PERIOD))
    assert shown.count("Cùng kỳ năm trước (đường nét đứt)") == 2


@pytest.mark.parametrize(
    "query",
    [
        {"market": "CHO-KHONG-CO", "group_by": "quận"},
        {"from": "hôm qua", "to": "2025-13-45", "payee_type": "robot"},
        {"format": "pdf", "provider": "<script>"},
        {"from": "1900-01-01", "to": "2100-12-31", "group_by": "day"},
    ],
)
def test_values_the_page_does_not_offer_are_dropped_never_a_500(browser, query):
    response = page(browser, **query)
    assert "<script>" not in response.get_data(as_text=True).split("</head>")[-1]
    assert "Tổng cộng" in text_of(response) or "Không có giao dịch" in text_of(response)


def test_points_columns_show_for_places_only_and_a_report_is_one_statement(
    app, browser, monkeypatch
):
    from psycopg import RawCursor
    from sqlalchemy import event

    from market import db

    by_market = text_of(page(browser, **PERIOD, group_by="market"))
    by_month = text_of(page(browser, **PERIOD, group_by="month"))
    assert "Điểm hoạt động 30 ngày" in by_market and "Điểm hoạt động 30 ngày" not in by_month
    statements = []

    def seen(_conn, _cursor, statement, *_):
        statements.append(statement)

    class Seen(RawCursor):  # on PostgreSQL the report's statement goes to the driver itself
        def execute(self, query, *args, **kwargs):
            statements.append(query)
            return super().execute(query, *args, **kwargs)

    monkeypatch.setattr(db, "RawCursor", Seen)
    engine = app.extensions["db"].engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        page(browser, **PERIOD, group_by="ward", market=B)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    figures = [s for s in statements if "UNION ALL" in s and "'now'" in s]
    assert len(figures) == 1  # tiles, table, charts and funnel: one round trip
