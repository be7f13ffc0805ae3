"""Schools (/schools): an admin lists the schools and registers one with the account its fees
are paid into, through the same service as the API; errors in Vietnamese."""

import pytest
from sqlalchemy import select

from tests.factories import make_market, make_school, make_user
from tests.pages import FORM_TOKEN, HTML, signed_in, text_of
from tuition.models import School

GOOD = {
    "code": "THCS-LEQUYDON",
    "name": "Trường THCS Lê Quý Đôn",
    "type": "public",
    "bank": "970436",
    "account_number": "0071 0001 23456",
    "account_name": "",
}


@pytest.fixture
def board(app, session):
    return signed_in(app, session, make_user(session, "admin")[0])


def test_the_list_shows_each_school_with_its_bank_by_name(session, board):
    school = make_school(session, name="Trường Tiểu học Phước Hậu")
    page = board.get("/schools", headers=HTML)
    assert page.status_code == 200
    text = text_of(page)
    assert f"Trường Tiểu học Phước Hậu ({school.code})" in text
    assert f'href="/schools/{school.code}"' in page.get_data(as_text=True)
    assert school.bank_bin not in text.replace(school.account_number, "")


def test_an_admin_registers_a_school(session, board):
    done = board.post("/schools", headers=HTML, data={"csrf": FORM_TOKEN} | GOOD)
    assert done.status_code == 302, text_of(done)
    school = session.scalars(select(School).where(School.code == "THCS-LEQUYDON")).one()
    assert (school.bank_bin, school.account_number) == ("970436", "007100012345 6".replace(" ", ""))
    assert school.account_name == "TRUONG THCS LE QUY DON"
    assert "Đã thêm Trường THCS Lê Quý Đôn" in text_of(board.get("/schools", headers=HTML))


@pytest.mark.parametrize(
    ("change", "status", "said"),
    [
        ({"name": "", "type": ""}, 422, "Tên trường : Cần điền mục này."),
        ({"type": "boarding"}, 422, "Loại trường : Chọn một loại trường."),
        ({"bank": "999999"}, 422, "999999 không phải mã BIN ngân hàng"),
        ({"account_number": "12 34 ab!"}, 422, "Số tài khoản gồm 1 đến 19 chữ hoặc số"),
        ({"code": "THCS-TAKEN"}, 409, "Mã này đã có; chọn mã khác."),
    ],
)
def test_a_wrong_form_is_shown_again_with_vietnamese_errors(session, board, change, status, said):
    make_school(session, code="THCS-TAKEN")
    answer = board.post("/schools", headers=HTML, data={"csrf": FORM_TOKEN} | GOOD | change)
    assert answer.status_code == status
    assert said in text_of(answer)


def test_a_school_accountant_gets_the_403_page(app, session):
    school = make_school(session)
    accountant = make_user(session, "school_admin", school_id=school.id)[0]
    browser = signed_in(app, session, accountant)
    assert browser.get("/schools", headers=HTML).status_code == 403
    form = {"csrf": FORM_TOKEN} | GOOD
    assert browser.post("/schools", headers=HTML, data=form).status_code == 403
    manager = make_user(session, "market_manager", market_id=make_market(session).id)[0]
    assert signed_in(app, session, manager).get("/schools", headers=HTML).status_code == 403
