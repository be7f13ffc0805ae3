"""The school accountant's student screens: the school with its classes and search, importing
a class list through a preview that names each bad cell, a student's exemptions."""

import io

import pytest
from sqlalchemy import func, select

from market.audit import AuditEntry
from market.roster.uploads import RosterUpload
from tests.factories import make_school, make_student, make_user
from tests.pages import FORM_TOKEN, HTML, signed_in, text_of
from tuition.models import Exemption, Student

ROSTER = (
    "Mã học sinh,Họ và tên,Lớp,Phụ huynh,SĐT phụ huynh\n"
    "HS001,Nguyễn Thị Hòa,6A1,Nguyễn Văn Bình,0912345678\n"
    "HS002,Trần Văn Bảo,6A1,Trần Văn Cường,0987 654 321\n"
    "HS003,Lê Thị Cúc,6A2,Lê Văn Dũng,12345\n"
)


@pytest.fixture
def school(session):
    return make_school(session, code="THCS-LQD", name="Trường THCS Lê Quý Đôn")


@pytest.fixture
def accountant(app, session, school):
    """The school accountant's browser."""
    return signed_in(app, session, make_user(session, "school_admin", school_id=school.id)[0])


def upload(browser, path: str, text: str, name: str = "lop.csv"):
    data = {"csrf": FORM_TOKEN, "file": (io.BytesIO(text.encode()), name)}
    return browser.post(path, headers=HTML, data=data, content_type="multipart/form-data")


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_the_school_page_lists_classes_and_finds_students_without_accents(
    accountant, session, school
):
    make_student(session, school, full_name="Nguyễn Thị Hòa", name_folded="nguyen thi hoa")
    make_student(session, school, full_name="Trần Văn Bảo", name_folded="tran van bao")
    make_student(session, school, class_name="7B", full_name="Lê Hoà", name_folded="le hoa")
    page = accountant.get("/schools/thcs-lqd", headers=HTML)
    assert page.status_code == 200
    words = text_of(page)
    assert "6A1 2 học sinh" in words and "7B 1 học sinh" in words
    found = text_of(accountant.get("/schools/THCS-LQD?q=hoa", headers=HTML))
    assert "Nguyễn Thị Hòa" in found and "Lê Hoà" in found and "Trần Văn Bảo" not in found
    in_class = text_of(accountant.get("/schools/THCS-LQD?q=HOA&class=7b", headers=HTML))
    assert "Lê Hoà" in in_class and "Nguyễn Thị Hòa" not in in_class
    nobody = text_of(accountant.get("/schools/THCS-LQD?q=xyz&after=spoiled", headers=HTML))
    assert "Không có học sinh nào có tên hoặc mã chứa “xyz”" in nobody


def test_an_import_is_previewed_with_each_bad_cell_then_the_fixed_file_is_imported(
    accountant, session, school
):
    preview = upload(accountant, "/schools/THCS-LQD/students/import", ROSTER)
    assert preview.status_code == 200
    words = text_of(preview)
    assert "Học sinh mới 2" in words and "Dòng có lỗi 1" in words
    assert "Dòng 4 E – SĐT phụ huynh Ghi số di động 10 chữ số" in words
    assert count(session, Student) == 0  # nothing written before the confirmation

    fixed = upload(
        accountant, "/schools/THCS-LQD/students/import", ROSTER.replace(",12345\n", ",0901234567\n")
    )
    assert "Dòng có lỗi 0" in text_of(fixed) and "Xác nhận nhập 3 học sinh" in text_of(fixed)
    token = session.scalars(select(RosterUpload.sha256).order_by(RosterUpload.id.desc())).first()
    done = accountant.post(
        "/schools/THCS-LQD/students/import/confirm",
        headers=HTML,
        data={"csrf": FORM_TOKEN, "upload": token},
    )
    assert done.status_code == 302 and done.location == "/schools/THCS-LQD"
    assert count(session, Student) == 3
    assert "Đã nhập danh sách: 3 học sinh mới" in text_of(
        accountant.get(done.location, headers=HTML)
    )
    # The kept file is gone: confirming again imports nothing twice.
    again = accountant.post(
        "/schools/THCS-LQD/students/import/confirm",
        headers=HTML,
        data={"csrf": FORM_TOKEN, "upload": token},
    )
    assert again.status_code == 410 and "tải tệp lên lại" in text_of(again)


def test_a_file_that_is_no_class_list_is_refused_on_the_form(accountant, session):
    missing = upload(accountant, "/schools/THCS-LQD/students/import", "Tên,Tuổi\nAn,12\n")
    assert missing.status_code == 422 and "Tệp thiếu cột bắt buộc" in text_of(missing)
    binary = upload(accountant, "/schools/THCS-LQD/students/import", "\x00\x01\x02", "a.csv")
    assert binary.status_code == 422 and "Không đọc được tệp" in text_of(binary)
    nothing = accountant.post(
        "/schools/THCS-LQD/students/import", headers=HTML, data={"csrf": FORM_TOKEN}
    )
    assert nothing.status_code == 422
    assert count(session, RosterUpload) == 0


def test_a_kept_file_is_only_the_uploaders(app, session, school, accountant):
    upload(accountant, "/schools/THCS-LQD/students/import", ROSTER)
    token = session.scalars(select(RosterUpload.sha256)).one()
    colleague = signed_in(app, session, make_user(session, "admin")[0])
    answer = colleague.post(
        "/schools/THCS-LQD/students/import/confirm",
        headers=HTML,
        data={"csrf": FORM_TOKEN, "upload": token},
    )
    assert answer.status_code == 410 and count(session, Student) == 0


def test_another_schools_accountant_gets_the_403_page_or_404(app, session, school):
    student = make_student(session, school)
    other = make_school(session)
    stranger = signed_in(app, session, make_user(session, "school_admin", school_id=other.id)[0])
    assert stranger.get("/schools/THCS-LQD", headers=HTML).status_code == 403
    assert stranger.get(f"/students/{student.id}", headers=HTML).status_code == 404


def test_a_50_percent_exemption_shows_its_effect_on_issued_invoices_then_ends(
    accountant, session, school
):
    from tuition.plans import create_plan, issue_plan

    student = make_student(session, school)
    plan = create_plan(
        session,
        school=school,
        details={
            "name": "Học kỳ I",
            "school_year": "2026-2027",
            "due_date": __import__("datetime").date(2026, 10, 15),
            "classes": ["6A1"],
            "lines": [
                {"item": "Học phí", "kind": "tuition", "amount": 1_000_000},
                {"item": "Tiền ăn", "kind": "meals", "amount": 600_000},
            ],
        },
    )
    issue_plan(session, actor=make_user(session, "admin")[0], plan_id=plan.id)
    form = {
        "csrf": FORM_TOKEN,
        "mode": "percent",
        "percent": "50",
        "kinds": "tuition",
        "reason": "Hộ nghèo",
        "legal_basis": "Nghị định 81/2021/NĐ-CP",
    }
    added = accountant.post(f"/students/{student.id}/exemptions", headers=HTML, data=form)
    assert added.status_code == 302
    page = text_of(accountant.get(added.location, headers=HTML))
    assert "50% Học phí Hộ nghèo Nghị định 81/2021/NĐ-CP" in page
    assert "1.600.000 ₫ 1.100.000 ₫ Phát hành lại đợt thu" in page

    exemption = session.scalars(select(Exemption)).one()
    ended = accountant.post(
        f"/students/{student.id}/exemptions/{exemption.id}/end",
        headers=HTML,
        data={"csrf": FORM_TOKEN},
    )
    session.refresh(exemption)
    assert ended.status_code == 302 and exemption.valid_to is not None
    assert session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity == "exemption")
    ).all() == ["end"]
    twice = accountant.post(
        f"/students/{student.id}/exemptions/{exemption.id}/end",
        headers=HTML,
        data={"csrf": FORM_TOKEN},
    )
    assert twice.status_code == 409 and "đã kết thúc rồi" in text_of(twice)


@pytest.mark.parametrize(
    ("form", "field", "says"),
    [
        ({"mode": "percent", "percent": "150", "reason": "x"}, "percent", "từ 1 đến 100"),
        ({"mode": "percent", "percent": "nửa", "reason": "x"}, "percent", "Nhập số"),
        ({"mode": "amount", "amount": "", "reason": "x"}, "amount", "Nhập số tiền được giảm"),
        ({"mode": "percent", "percent": "10", "reason": ""}, "reason", "Cần điền"),
        ({"mode": "bogus", "reason": "x"}, "mode", "Chọn giảm"),
        (
            {
                "mode": "amount",
                "amount": "200.000",
                "reason": "x",
                "valid_from": "2026-10-01",
                "valid_to": "2026-09-01",
            },
            "valid_to",
            "sau ngày bắt đầu",
        ),
        ({"mode": "percent", "percent": "10", "reason": "x", "kinds": "pets"}, "kinds", "Chọn một"),
    ],
)
def test_a_wrong_exemption_is_refused_beside_its_field(
    accountant, session, school, form, field, says
):
    student = make_student(session, school)
    answer = accountant.post(
        f"/students/{student.id}/exemptions", headers=HTML, data={"csrf": FORM_TOKEN} | form
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert f'id="{field}-error"' in html and says in text_of(answer)
    assert count(session, Exemption) == 0


def test_an_amount_exemption_is_read_the_vietnamese_way(accountant, session, school):
    student = make_student(session, school)
    form = {
        "csrf": FORM_TOKEN,
        "mode": "amount",
        "amount": "200.000 ₫",
        "reason": "Con thương binh",
    }
    assert (
        accountant.post(f"/students/{student.id}/exemptions", headers=HTML, data=form).status_code
        == 302
    )
    exemption = session.scalars(select(Exemption)).one()
    assert (exemption.amount, exemption.percent, exemption.kinds) == (200_000, None, None)
