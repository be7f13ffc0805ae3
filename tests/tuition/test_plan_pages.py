"""Fee plans on the school accountant's pages: create a round for chosen classes, issue it,
change it and see what a reissue would void and leave to settle, then reissue with a reason."""

import pytest
from sqlalchemy import select

from tests.factories import make_school, make_student, make_user
from tests.pages import FORM_TOKEN, HTML, signed_in, text_of
from tuition import invoices
from tuition.models import FeePlan, Invoice

FORM = {
    "csrf": FORM_TOKEN,
    "name": "Học kỳ I năm học 2026–2027",
    "school_year": "2026–2027",
    "term": "Học kỳ I",
    "due_date": "2026-10-15",
    "classes": ["6A1"],
    "line-0-item": "Tiền ăn bán trú",
    "line-0-kind": "meals",
    "line-0-amount": "700.000",
    "line-1-item": "",
    "line-1-kind": "tuition",
    "line-1-amount": "",
    "line-2-item": "Bảo hiểm y tế",
    "line-2-kind": "insurance",
    "line-2-amount": "884.520",
}


@pytest.fixture
def world(app, session):
    school = make_school(session, code="THCS-LQD", name="Trường THCS Lê Quý Đôn")
    for name in ("An", "Bình", "Chi"):
        make_student(session, school, full_name=f"Nguyễn Văn {name}")
    make_student(session, school, class_name="7B")
    user = make_user(session, "school_admin", school_id=school.id)[0]
    return school, user, signed_in(app, session, user)


def test_a_round_is_created_for_chosen_classes_issued_once_and_listed(world, session):
    school, _, browser = world
    form = browser.get("/schools/THCS-LQD/fee-plans/new", headers=HTML)
    assert "6A1 3 HS" in text_of(form) and "7B 1 HS" in text_of(form)
    created = browser.post("/schools/THCS-LQD/fee-plans", headers=HTML, data=FORM)
    assert created.status_code == 302
    plan = session.scalars(select(FeePlan)).one()
    assert (plan.school_year, plan.classes) == ("2026-2027", ["6A1"])
    assert [(ln.item, ln.kind, ln.amount) for ln in plan.lines] == [
        ("Tiền ăn bán trú", "meals", 700_000),
        ("Bảo hiểm y tế", "insurance", 884_520),
    ]
    page = text_of(browser.get(created.location, headers=HTML))
    assert "Cộng mỗi học sinh 1.584.520 ₫" in page
    assert "3 học sinh của các lớp này chưa có hóa đơn" in page

    issued = browser.post(f"/fee-plans/{plan.id}/issue", headers=HTML, data={"csrf": FORM_TOKEN})
    assert "Đã phát hành 3 hóa đơn (0 học sinh đã có)" in text_of(
        browser.get(issued.location, headers=HTML)
    )
    again = browser.post(f"/fee-plans/{plan.id}/issue", headers=HTML, data={"csrf": FORM_TOKEN})
    assert "Đã phát hành 0 hóa đơn (3 học sinh đã có)" in text_of(
        browser.get(again.location, headers=HTML)
    )
    listed = text_of(browser.get("/schools/THCS-LQD/fee-plans", headers=HTML))
    assert "Học kỳ I năm học 2026–2027" in listed and "3 chưa nộp" in listed


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"name": ""}, "name", "Cần điền"),
        ({"school_year": "2026-2028"}, "school_year", "2025-2026"),
        ({"due_date": "15/10"}, "due_date", "Chọn một ngày"),
        ({"classes": []}, "classes", "Chọn ít nhất một lớp"),
        ({"classes": ["9Z"]}, "classes", "Chọn ít nhất một lớp"),
        ({"line-0-amount": "bảy trăm"}, "line-0-amount", "Nhập số"),
        ({"line-2-amount": "0"}, "line-2-amount", "Nhập một số từ 1"),
        (
            {"line-0-item": "", "line-0-amount": "", "line-2-item": "", "line-2-amount": ""},
            "line-0-item",
            "ít nhất một khoản",
        ),
        ({"line-0-kind": "pets"}, "line-0-kind", "Chọn một"),
    ],
)
def test_a_wrong_round_is_refused_beside_its_field(world, session, change, field, says):
    _, _, browser = world
    answer = browser.post("/schools/THCS-LQD/fee-plans", headers=HTML, data=FORM | change)
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.get_data(as_text=True) or field == "classes"
    assert says in text_of(answer)
    assert session.scalars(select(FeePlan)).all() == []


def test_after_a_change_the_page_shows_what_a_reissue_voids_and_what_to_settle(world, session):
    school, user, browser = world
    browser.post("/schools/THCS-LQD/fee-plans", headers=HTML, data=FORM)
    plan = session.scalars(select(FeePlan)).one()
    browser.post(f"/fee-plans/{plan.id}/issue", headers=HTML, data={"csrf": FORM_TOKEN})
    paid = session.scalars(select(Invoice).order_by(Invoice.reference)).first()
    invoices.record_cash(session, actor=user, reference=paid.reference, amount=500_000)

    edit = browser.get(f"/fee-plans/{plan.id}/edit", headers=HTML)
    assert 'value="700.000"' in edit.get_data(as_text=True)
    changed = browser.post(
        f"/fee-plans/{plan.id}", headers=HTML, data=FORM | {"line-0-amount": "750.000"}
    )
    assert changed.status_code == 302
    page = text_of(browser.get(changed.location, headers=HTML))
    assert (
        "2 hóa đơn chưa nộp sẽ có số tiền hoặc hạn nộp mới, 1 hóa đơn đã có tiền nộp lệch" in page
    )
    assert "Sẽ hủy và phát hành lại (2)" in page and "1.584.520 ₫ 1.634.520 ₫" in page
    settle = page.split("cần xử lý riêng (1)")[1]
    assert (
        f"{paid.reference} Nguyễn Văn" in settle and "500.000 ₫ 1.584.520 ₫ 1.634.520 ₫" in settle
    )
    assert "chênh lệch" in page

    no_reason = browser.post(
        f"/fee-plans/{plan.id}/reissue", headers=HTML, data={"csrf": FORM_TOKEN}
    )
    assert no_reason.status_code == 422 and "Ghi lý do phát hành lại" in text_of(no_reason)
    done = browser.post(
        f"/fee-plans/{plan.id}/reissue",
        headers=HTML,
        data={"csrf": FORM_TOKEN, "reason": "Tiền ăn tăng theo thông báo 12/TB"},
    )
    assert "Đã hủy 2 hóa đơn chưa nộp và phát hành 2 hóa đơn mới; 1 hóa đơn đã có tiền nộp" in (
        text_of(browser.get(done.location, headers=HTML))
    )
    live = session.scalars(select(Invoice.total_amount).where(Invoice.status == "open")).all()
    assert live == [1_634_520, 1_634_520]


def test_another_schools_plan_is_not_found_and_other_roles_get_403(world, app, session):
    school, _, browser = world
    browser.post("/schools/THCS-LQD/fee-plans", headers=HTML, data=FORM)
    plan = session.scalars(select(FeePlan)).one()
    other = make_school(session)
    stranger = signed_in(app, session, make_user(session, "school_admin", school_id=other.id)[0])
    assert stranger.get(f"/fee-plans/{plan.id}", headers=HTML).status_code == 404
    assert stranger.get("/schools/THCS-LQD/fee-plans", headers=HTML).status_code == 403
    forged = stranger.post(f"/fee-plans/{plan.id}/issue", headers=HTML, data={"csrf": FORM_TOKEN})
    assert forged.status_code == 404 and session.scalars(select(Invoice)).all() == []
    bank = signed_in(app, session, make_user(session, "bank_staff")[0])
    assert bank.get(f"/fee-plans/{plan.id}", headers=HTML).status_code == 403


def test_a_new_due_date_is_a_change_a_reissue_applies(world, session):
    _, _, browser = world
    browser.post("/schools/THCS-LQD/fee-plans", headers=HTML, data=FORM)
    plan = session.scalars(select(FeePlan)).one()
    browser.post(f"/fee-plans/{plan.id}/issue", headers=HTML, data={"csrf": FORM_TOKEN})
    unchanged = text_of(browser.get(f"/fee-plans/{plan.id}", headers=HTML))
    assert "Mọi hóa đơn đang khớp với đợt thu" in unchanged and "Vẫn phát hành lại" in unchanged
    browser.post(f"/fee-plans/{plan.id}", headers=HTML, data=FORM | {"due_date": "2026-11-15"})
    page = text_of(browser.get(f"/fee-plans/{plan.id}", headers=HTML))
    assert "3 hóa đơn chưa nộp sẽ có số tiền hoặc hạn nộp mới" in page
