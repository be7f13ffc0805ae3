"""Markets (/markets): an admin sees every market with its vendors by status and registers a
market through the same service as the API, with errors in Vietnamese."""

import re

import pytest
from sqlalchemy import select

from market.markets.models import Market
from tests.factories import make_market, make_user, make_vendor
from tests.pages import FORM_TOKEN, HTML, signed_in, text_of


@pytest.fixture
def board(app, session):
    """An admin's browser."""
    return signed_in(app, session, make_user(session, "admin")[0])


def test_the_list_counts_each_markets_vendors_by_status(session, board):
    market = make_market(session, name="Chợ Vĩnh Long", ward_name="Phường Phước Hậu")
    for status in ("active", "active", "pending", "suspended"):
        make_vendor(session, market, status=status)
    make_market(session, name="Chợ Trống")
    page = board.get("/markets", headers=HTML)
    assert page.status_code == 200
    text = text_of(page)
    assert f"Chợ Vĩnh Long ({market.code}) Phường Phước Hậu 2 1 1 0 4" in text
    assert re.search(r"Chợ Trống \(CHO-T\d+\) — 0 0 0 0 0", text)
    assert f'href="/markets/{market.code}"' in page.get_data(as_text=True)


def test_an_admin_registers_a_market(session, board):
    form = {"csrf": FORM_TOKEN, "code": "CHO-CAIVON", "name": " Chợ  Cái Vồn ", "ward_code": ""}
    done = board.post("/markets", headers=HTML, data=form)
    assert done.status_code == 302 and done.location == "/markets"
    market = session.scalars(select(Market).where(Market.code == "CHO-CAIVON")).one()
    assert (market.name, market.ward_code) == ("Chợ Cái Vồn", None)
    assert "Đã thêm Chợ Cái Vồn (CHO-CAIVON)." in text_of(board.get("/markets", headers=HTML))


@pytest.mark.parametrize(
    ("form", "status", "said"),
    [
        ({"code": "", "name": ""}, 422, "Mã chợ : Cần điền mục này."),
        ({"code": "chợ vĩnh long", "name": "Chợ"}, 422, "Mã gồm 2 đến 30 chữ in hoa không dấu"),
        ({"code": "CHO-A", "name": "Chợ A", "ward_code": "12"}, 422, "Ghi đúng 5 chữ số."),
        ({"code": "CHO-TAKEN", "name": "Chợ"}, 409, "Mã này đã có; chọn mã khác."),
        ({"code": "CHO-B", "name": "x" * 250}, 422, "Tên chợ : Giá trị này không hợp lệ."),
    ],
)
def test_a_wrong_form_is_shown_again_with_vietnamese_errors(session, board, form, status, said):
    make_market(session, code="CHO-TAKEN")
    answer = board.post("/markets", headers=HTML, data={"csrf": FORM_TOKEN} | form)
    assert answer.status_code == status
    assert said in text_of(answer) and "Chưa lưu được" in text_of(answer)
    assert f'value="{form["code"]}"' in answer.get_data(as_text=True) or not form["code"]


def test_a_market_manager_gets_the_403_page_and_writes_nothing(app, session):
    market = make_market(session)
    manager = signed_in(app, session, make_user(session, "market_manager", market_id=market.id)[0])
    assert manager.get("/markets", headers=HTML).status_code == 403
    form = {"csrf": FORM_TOKEN, "code": "CHO-NEW", "name": "Chợ Mới"}
    assert manager.post("/markets", headers=HTML, data=form).status_code == 403
    assert session.scalars(select(Market).where(Market.code == "CHO-NEW")).first() is None
