"""The market board's pages of a market: its vendors (counts, search without accents, filters,
paging) and the roster import (preview with row errors in Vietnamese, then confirm exactly
what was previewed)."""

import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from market.roster.uploads import RosterUpload
from market.users import create_user
from tests.factories import bearer, make_market, make_user, make_vendor
from tests.pages import FORM_TOKEN, HTML, signed_in, text_of
from vendors.models import Vendor

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "fixtures"
ROSTER = (FIXTURES / "vendors_cho_vinh_long.csv").read_bytes()
EXPECTED = json.loads((FIXTURES / "vendors_cho_vinh_long.expected.json").read_text())


@pytest.fixture
def market(session):
    return make_market(session, code="CHO-VINHLONG", name="Chợ Vĩnh Long")


@pytest.fixture
def manager(app, session, market):
    """The market's manager, signed in."""
    user = create_user(session, username="hoa.nt", role="market_manager", market_id=market.id)
    return signed_in(app, session, user)


def upload(browser, code: str, data: bytes, filename: str = "roster.csv"):
    form = {"csrf": FORM_TOKEN, "file": (io.BytesIO(data), filename)}
    return browser.post(f"/markets/{code}/import", headers=HTML, data=form)


def key_of(response) -> str:
    return re.search(r'name="key" value="([0-9a-f]{64})"', response.get_data(as_text=True))[1]


def vendors_of(session, market) -> int:
    return session.scalar(select(func.count()).where(Vendor.market_id == market.id))


# the market's page


def test_the_market_page_counts_vendors_by_status_and_lists_them_with_bank_names(
    session, manager, market
):
    make_vendor(session, market, status="active", stall="A-001", bank="970436")
    make_vendor(session, market, status="active", stall="A-002", full_name="Lê Văn Tám")
    make_vendor(session, market, status="suspended", stall="B-001", full_name="Phạm Thị Mai")
    make_vendor(session, make_market(session), full_name="Người Chợ Khác")
    page = manager.get("/markets/cho-vinhlong", headers=HTML)
    assert page.status_code == 200
    text = text_of(page)
    assert "Chợ Vĩnh Long" in text and "Người Chợ Khác" not in text
    assert re.search(r"Đang hoạt động 2 Tạm ngưng 1 Ngừng kinh doanh 0 Tổng cộng 3", text)
    assert "A-001 Nguyễn Thị Hoa Vietcombank Đang hoạt động" in text
    assert "970436" not in text
    assert 'href="/markets/CHO-VINHLONG/import"' in page.get_data(as_text=True)
    assert 'href="/markets/CHO-VINHLONG/placards"' in page.get_data(as_text=True)


def test_search_ignores_accents_and_the_form_of_the_letters(session, manager, market):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hoa")
    hoa = make_vendor(session, market, full_name=decomposed, stall="C-009")
    make_vendor(session, market, full_name="Trần Văn Ba")
    for typed in ("nguyen thi hoa", "NGUYỄN THỊ HOA", "thi hoa", "c-009"):
        page = manager.get("/markets/CHO-VINHLONG", query_string={"q": typed}, headers=HTML)
        text = text_of(page)
        assert "1 tiểu thương" in text and "Trần Văn Ba" not in text, typed
        assert f'href="/vendors/{hoa.id}"' in page.get_data(as_text=True)
    none = text_of(manager.get("/markets/CHO-VINHLONG?q=zzz", headers=HTML))
    assert "Không có tiểu thương nào khớp với “zzz”" in none


def test_filters_by_status_and_goods_and_pages_through_the_list(session, manager, market):
    for n in range(55):
        make_vendor(session, market, status="active", category="Rau củ", stall=f"R-{n:03d}")
    make_vendor(session, market, status="pending", category="Cá tươi", stall="F-001")
    fish = text_of(manager.get("/markets/CHO-VINHLONG?goods=Cá tươi", headers=HTML))
    assert "F-001" in fish and "R-000" not in fish and "1 tiểu thương" in fish
    pending = text_of(manager.get("/markets/CHO-VINHLONG?status=pending", headers=HTML))
    assert "F-001" in pending and "R-000" not in pending
    first = manager.get("/markets/CHO-VINHLONG?status=active", headers=HTML)
    assert "55 tiểu thương · trang 1/2" in text_of(first)
    more = re.search(r'href="([^"]+page=2[^"]*)">Trang sau', first.get_data(as_text=True))[1]
    second = text_of(manager.get(more.replace("&amp;", "&"), headers=HTML))
    assert "55 tiểu thương · trang 2/2" in second and "R-054" in second
    assert "R-000" not in second and "F-001" not in second


def test_the_list_counts_every_match_and_orders_by_stall_naturally_then_name(
    session, manager, market
):
    for stall, name in [("A-10", "Lê Ba"), ("B-1", "Trần An"), ("A-2", "Vũ Hà"), ("A-9", "Đỗ Mai")]:
        make_vendor(session, market, stall=stall, full_name=name)
    make_vendor(session, market, stall="A-2", full_name="Bùi Lan", status="closed")
    for n in range(184):
        make_vendor(session, market, stall=f"C-{n + 1}", full_name="Phan Văn Tư")
    text = text_of(manager.get("/markets/CHO-VINHLONG", headers=HTML))
    assert "189 tiểu thương · trang 1/4" in text
    stalls = re.findall(r"\b([A-C]-\d+) ", text)
    assert stalls[:7] == ["A-2", "A-2", "A-9", "A-10", "B-1", "C-1", "C-2"]
    assert text.index("Bùi Lan") < text.index("Vũ Hà") < text.index("Đỗ Mai")
    last = text_of(manager.get("/markets/CHO-VINHLONG?page=4", headers=HTML))
    assert "trang 4/4" in last and "C-184" in last and "C-146" in last and "C-145 " not in last
    found = text_of(manager.get("/markets/CHO-VINHLONG?q=a-", headers=HTML))
    assert "4 tiểu thương" in found and "trang 1" not in found


@pytest.mark.parametrize(
    "query",
    ["status=bogus", "page=x", "page=999999", "page=-1", "goods=" + "x" * 500, "q=" + "ạ" * 500],
)
def test_odd_queries_show_the_list_rather_than_an_error(session, manager, market, query):
    make_vendor(session, market)
    assert manager.get(f"/markets/CHO-VINHLONG?{query}", headers=HTML).status_code == 200


def test_a_control_character_in_the_search_is_refused_not_a_500(session, manager, market):
    answer = manager.get("/markets/CHO-VINHLONG?q=%00hoa", headers=HTML)
    assert answer.status_code == 422 and answer.mimetype == "text/html"


def test_a_manager_of_another_market_gets_the_403_page_and_a_missing_market_404(
    app, session, market
):
    other = create_user(
        session, username="other", role="market_manager", market_id=make_market(session).id
    )
    browser = signed_in(app, session, other)
    for path in ("/markets/CHO-VINHLONG", "/markets/CHO-VINHLONG/import"):
        response = browser.get(path, headers=HTML)
        assert response.status_code == 403 and "Không có quyền" in text_of(response)
    refused = upload(browser, "CHO-VINHLONG", ROSTER)
    assert refused.status_code == 403
    assert session.scalar(select(func.count()).select_from(RosterUpload)) == 0
    admin, _ = make_user(session, "admin")
    assert signed_in(app, session, admin).get("/markets/NOPE", headers=HTML).status_code == 404


# the roster import


def test_the_preview_counts_the_roster_and_explains_every_row_error_in_vietnamese(
    session, manager, market
):
    preview = upload(manager, "CHO-VINHLONG", ROSTER, "vendors_cho_vinh_long.csv")
    assert preview.status_code == 200, text_of(preview)
    text = text_of(preview)
    errors = [r for r in EXPECTED if not r["valid"]]
    assert (
        f"Tệp vendors_cho_vinh_long.csv Số dòng đã đọc {len(EXPECTED)} "
        f"Tiểu thương mới sẽ thêm {len(EXPECTED) - len(errors)} "
        f"Tiểu thương sẽ cập nhật 0 Không thay đổi 0 Dòng lỗi (sẽ bỏ qua) {len(errors)}"
    ) in text
    for row in errors:
        assert f"Dòng {row['sheet_row']} " in text, row
    assert "Dòng 42 F – Ngân hàng Không nhận ra ngân hàng" in text
    assert "Dòng 6 C – Số điện thoại Số điện thoại phải là số di động 10 chữ số" in text
    assert "Dòng 222 A – Sạp Sạp B-138" in text and "đã có ở dòng" in text
    assert "Giá trị này không hợp lệ" not in text  # every message has its sentence
    assert vendors_of(session, market) == 0  # a preview writes no vendor


def test_confirming_imports_exactly_the_previewed_file_and_activates(session, manager, market):
    first = upload(manager, "CHO-VINHLONG", ROSTER)
    changed = ROSTER.replace(b"B-138,", b"Z-999,", 1)
    second = upload(manager, "CHO-VINHLONG", changed)  # another file, in another tab
    assert key_of(first) != key_of(second)
    form = {"csrf": FORM_TOKEN, "key": key_of(first), "activate": "1"}
    done = manager.post("/markets/CHO-VINHLONG/import/confirm", headers=HTML, data=form)
    assert done.status_code == 302 and done.location == "/markets/CHO-VINHLONG"
    stalls = set(session.scalars(select(Vendor.stall).where(Vendor.market_id == market.id)))
    assert len(stalls) == 188 and "B-138" in stalls and "Z-999" not in stalls
    statuses = set(session.scalars(select(Vendor.status).where(Vendor.market_id == market.id)))
    assert statuses == {"active"}
    page = text_of(manager.get("/markets/CHO-VINHLONG", headers=HTML))
    assert (
        "Đã nhập và kích hoạt danh sách: 188 tiểu thương mới, 0 cập nhật, 0 không đổi; 33 dòng"
        in page
    )
    again = manager.post("/markets/CHO-VINHLONG/import/confirm", headers=HTML, data=form)
    assert again.status_code == 404 and "Hãy tải tệp lên lại" in text_of(again)


def test_a_roster_changed_since_the_preview_imports_nothing(session, manager, market):
    preview = upload(manager, "CHO-VINHLONG", ROSTER)
    make_vendor(session, market, stall="B-138", full_name="Người Khác")  # meanwhile
    form = {"csrf": FORM_TOKEN, "key": key_of(preview)}
    refused = manager.post("/markets/CHO-VINHLONG/import/confirm", headers=HTML, data=form)
    assert refused.status_code == 409
    assert "đã thay đổi từ lúc xem trước" in text_of(refused)
    assert vendors_of(session, market) == 1


def test_the_same_file_twice_keeps_one_upload_and_pending_vendors_can_be_activated_later(
    session, manager, market
):
    key = key_of(upload(manager, "CHO-VINHLONG", ROSTER))
    form = {"csrf": FORM_TOKEN, "key": key}
    manager.post("/markets/CHO-VINHLONG/import/confirm", headers=HTML, data=form)
    again = upload(manager, "CHO-VINHLONG", ROSTER)
    assert "Tiểu thương sẽ cập nhật 0 Không thay đổi 188" in text_of(again)
    assert "Kích hoạt luôn 0 tiểu thương mới và 188 tiểu thương đang chờ" in text_of(again)
    assert session.scalar(select(func.count()).select_from(RosterUpload)) == 1
    manager.post(
        "/markets/CHO-VINHLONG/import/confirm",
        headers=HTML,
        data=form | {"key": key_of(again), "activate": "1"},
    )
    active = select(func.count()).where(Vendor.market_id == market.id, Vendor.status == "active")
    assert session.scalar(active) == 188


@pytest.mark.parametrize(
    ("data", "filename", "status", "said"),
    [
        (b"", "roster.csv", 422, "Chọn tệp danh sách"),
        (b"%PDF-1.4\x00\x01", "roster.pdf", 422, "Chỉ nhận tệp CSV hoặc Excel"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "roster.csv", 422, "không phải CSV hay Excel"),
        (b"PK\x03\x04broken", "roster.xlsx", 422, "Không mở được tệp Excel"),
        ("Sạp,Họ và tên\nA-1,Lan\n".encode(), "roster.csv", 422, "Tệp thiếu cột bắt buộc"),
        ("Sạp\n".encode() + b"A\n" * 20_002, "roster.csv", 413, "Danh sách dài quá 20,000"),
    ],
)
def test_a_bad_file_gets_a_vietnamese_error_on_the_form(
    session, manager, market, data, filename, status, said
):
    answer = (
        upload(manager, "CHO-VINHLONG", data, filename)
        if data
        else manager.post("/markets/CHO-VINHLONG/import", headers=HTML, data={"csrf": FORM_TOKEN})
    )
    assert answer.status_code == status
    assert said in text_of(answer) and 'id="file"' in answer.get_data(as_text=True)


def post_too_large(app, browser, path: str = "/markets/CHO-VINHLONG/import", **headers):
    big = io.BytesIO(b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    form = {"csrf": FORM_TOKEN, "file": (big, "roster.csv")}
    built = EnvironBuilder(path, method="POST", headers=HTML | headers, data=form)
    environ = built.get_environ()
    try:
        return browser.open(environ)
    finally:  # the server refused the body unread: its spooled copy is ours to close
        environ["wsgi.input"].close()
        built.close()


def test_a_file_over_the_size_limit_is_said_on_the_import_form(app, session, manager):
    answer = post_too_large(app, manager)
    assert answer.status_code == 413 and answer.mimetype == "text/html"
    text = text_of(answer)
    assert "Tệp lớn hơn 10 MB nên không tải lên được." in text
    assert "Nhập danh sách tiểu thương" in text and 'id="file"' in answer.get_data(as_text=True)
    assert 'aria-invalid="true"' in answer.get_data(as_text=True)


def test_a_file_over_the_size_limit_tells_no_stranger_about_the_market(app, session, manager):
    other = create_user(
        session, username="other", role="market_manager", market_id=make_market(session).id
    )
    refused = post_too_large(app, signed_in(app, session, other))
    assert refused.status_code == 403 and "Tệp lớn hơn" not in text_of(refused)
    assert post_too_large(app, app.test_client()).status_code == 302  # to the login page
    missing = post_too_large(app, manager, "/markets/NOPE/import")
    assert missing.status_code in (403, 404)
    api = post_too_large(app, manager, Accept="application/json")
    assert api.status_code == 413 and api.mimetype == "application/problem+json"


def test_an_xlsx_roster_previews_as_its_csv_does(session, manager, market):
    import csv

    from openpyxl import Workbook

    book = Workbook()
    for row in csv.reader(io.StringIO(ROSTER.decode("utf-8-sig"))):
        book.active.append(row)
    saved = io.BytesIO()
    book.save(saved)
    preview = upload(manager, "CHO-VINHLONG", saved.getvalue(), "danh sach.xlsx")
    assert preview.status_code == 200, text_of(preview)
    assert "Số dòng đã đọc 221 Tiểu thương mới sẽ thêm 188" in text_of(preview)
    assert "Dòng 42 F – Ngân hàng" in text_of(preview)


def test_the_api_filters_vendors_by_goods_as_the_page_does(client, session, market):
    make_vendor(session, market, category="Cá tươi", stall="F-001")
    make_vendor(session, market, category="Rau củ", stall="R-001")
    _user, token = make_user(session, "market_manager", market_id=market.id)
    answer = client.get(
        "/api/v1/vendors", query_string={"category": "Cá tươi"}, headers=bearer(token)
    )
    assert answer.status_code == 200
    assert [v["stall"] for v in answer.json["items"]] == ["F-001"]
