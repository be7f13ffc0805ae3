"""People: an admin creates staff accounts with a first password that must be replaced at the
first sign-in, finds them, resets a forgotten password, deactivates; the same services answer
the pages and the API."""

import re

import pytest
from sqlalchemy import select

from market import people
from market.audit import AuditEntry
from market.users import LoginSession, User, create_user, issue_token
from tests.factories import bearer, make_market, make_school, make_user, make_vendor
from tests.pages import FORM_TOKEN, HTML, form_token_of, signed_in, text_of

PASSWORD = "mat-khau-dai-1"


@pytest.fixture
def admin(session):
    return create_user(session, username="banbql", role="admin", password=PASSWORD)


@pytest.fixture
def board(app, session, admin):
    """The admin's browser, signed in."""
    return signed_in(app, session, admin)


def first_password_in(response) -> str:
    return re.search(r'id="first-password"[^>]*>([^<]+)<', response.get_data(as_text=True))[1]


def sign_in(app, username: str, password: str, next_path: str = ""):
    """A fresh browser that signs in through the login form; (browser, answer)."""
    browser = app.test_client()
    token = form_token_of(browser.get("/login").get_data(as_text=True))
    form = {"username": username, "password": password, "csrf": token}
    return browser, browser.post(f"/login{next_path}", data=form)


def test_an_admin_creates_a_market_manager_who_must_replace_the_first_password(app, session, board):
    market = make_market(session, code="CHO-VINHLONG")
    form = {"csrf": FORM_TOKEN, "username": " Hoa.NT ", "role": "market_manager"}
    created = board.post("/users", headers=HTML, data=form | {"market": "cho-vinhlong"})
    assert created.status_code == 200, text_of(created)
    assert created.headers["Cache-Control"] == "no-store"
    assert "Đã tạo tài khoản hoa.nt" in text_of(created)
    first = first_password_in(created)
    user = session.scalars(select(User).where(User.username == "hoa.nt")).one()
    assert (user.role, user.market_id, user.must_change_password) == (
        "market_manager",
        market.id,
        True,
    )

    browser, answer = sign_in(app, "hoa.nt", first, "?next=/settlements")
    assert answer.location == "/password?next=/settlements"
    # Before the new password, the first one opens nothing else: not a page, not the API.
    assert browser.get("/", headers=HTML).location == "/password"
    assert browser.get("/dashboard", headers=HTML).location == "/password?next=/dashboard"
    assert browser.get("/api/v1/markets").status_code == 401
    page = browser.get("/password", headers=HTML)
    assert "Đặt mật khẩu của bạn" in text_of(page)
    changed = browser.post(
        "/password?next=/",
        data={
            "csrf": form_token_of(page.get_data(as_text=True)),
            "current_password": first,
            "new_password": "cho-vinh-long-2026",
            "new_password_again": "cho-vinh-long-2026",
        },
    )
    assert changed.status_code == 302 and changed.location == "/"
    session.refresh(user)
    assert user.must_change_password is False
    assert browser.get("/api/v1/markets").status_code == 200
    assert sign_in(app, "hoa.nt", first)[1].status_code == 401


def test_a_new_account_form_with_mistakes_says_each_in_vietnamese(board, session):
    taken = make_user(session, "bank_staff")[0].username
    bad = board.post(
        "/users",
        headers=HTML,
        data={"csrf": FORM_TOKEN, "username": "Hoa Nguyễn", "role": "market_manager"},
    )
    assert bad.status_code == 422
    words = text_of(bad)
    assert "Chưa lưu được: 2 mục cần sửa" in words
    assert "Chỉ dùng chữ không dấu" in words and "Chọn chợ mà tài khoản quản lý" in words
    assert 'aria-invalid="true"' in bad.get_data(as_text=True)
    again = board.post(
        "/users", headers=HTML, data={"csrf": FORM_TOKEN, "username": taken, "role": "admin"}
    )
    assert again.status_code == 422 and "đã có người dùng" in text_of(again)
    assert session.scalars(select(User.role).where(User.username == taken)).all() == ["bank_staff"]


def test_a_school_accountant_is_bound_to_the_school_chosen(board, session):
    school = make_school(session, code="THCS-LEQUYDON")
    page = board.get("/users/new", headers=HTML)
    assert "THCS-LEQUYDON" in text_of(page)
    board.post(
        "/users",
        headers=HTML,
        data={
            "csrf": FORM_TOKEN,
            "username": "ketoan.lqd",
            "role": "school_admin",
            "school": "THCS-LEQUYDON",
            "market": "ignored for this role",
        },
    )
    user = session.scalars(select(User).where(User.username == "ketoan.lqd")).one()
    assert (user.school_id, user.market_id) == (school.id, None)
    listed = board.get("/users?q=ketoan", headers=HTML)
    assert f"{school.name} (THCS-LEQUYDON)" in text_of(listed)


def test_resetting_a_password_ends_the_users_sessions_and_sets_a_first_password(
    app, session, board
):
    staff = create_user(session, username="nganhang.test", role="bank_staff", password=PASSWORD)
    browser, _ = sign_in(app, "nganhang.test", PASSWORD)
    assert browser.get("/dashboard", headers=HTML).status_code == 200
    reset = board.post(f"/users/{staff.id}/password-reset", headers=HTML, data={"csrf": FORM_TOKEN})
    assert reset.status_code == 200 and "Đã đặt lại mật khẩu cho nganhang" in text_of(reset)
    assert browser.get("/dashboard", headers=HTML).status_code == 302  # signed out
    session.refresh(staff)
    assert staff.must_change_password is True
    assert sign_in(app, "nganhang.test", PASSWORD)[1].status_code == 401
    _, answer = sign_in(app, "nganhang.test", first_password_in(reset))
    assert answer.location == "/password"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == staff.id)).one()
    assert entry.action == "reset_password"


def test_deactivating_from_the_page_signs_the_user_out_and_revokes_its_tokens(
    app, session, board, client
):
    staff = create_user(session, username="nganhang.test", role="bank_staff", password=PASSWORD)
    token = issue_token(session, user=staff)
    browser, _ = sign_in(app, "nganhang.test", PASSWORD)
    done = board.post(f"/users/{staff.id}/deactivate", headers=HTML, data={"csrf": FORM_TOKEN})
    assert done.status_code == 302 and done.location == f"/users/{staff.id}"
    page = board.get(done.location, headers=HTML)
    assert "Đã khóa tài khoản nganhang" in text_of(page) and "Đã khóa" in text_of(page)
    assert "Khóa tài khoản" not in re.sub(r"Đã khóa tài khoản", "", text_of(page))
    assert browser.get("/dashboard", headers=HTML).status_code == 302
    assert client.get("/api/v1/markets", headers=bearer(token)).status_code == 401


def test_an_admin_cannot_reset_or_deactivate_itself_from_the_page(board, session, admin):
    for action in ("password-reset", "deactivate"):
        answer = board.post(f"/users/{admin.id}/{action}", headers=HTML, data={"csrf": FORM_TOKEN})
        assert answer.status_code == 409
        assert "của mình" in text_of(answer) or "trang Đổi mật khẩu" in text_of(answer)
    session.refresh(admin)
    assert admin.active is True and admin.must_change_password is False


def test_the_staff_list_finds_by_part_of_the_username_and_by_role(board, session):
    market = make_market(session)
    create_user(session, username="hoa.nt", role="market_manager", market_id=market.id)
    create_user(session, username="hoang.vm", role="bank_staff")
    vendor = make_vendor(session, market)
    create_user(session, username="hoa-sap-a1", role="vendor", vendor_id=vendor.id)
    found = text_of(board.get("/users?q=HOA", headers=HTML))
    assert "hoa.nt" in found and "hoang.vm" in found
    assert "hoa-sap-a1" not in found  # a vendor's phone is not a staff account
    managers = text_of(board.get("/users?q=hoa&role=market_manager", headers=HTML))
    assert "hoa.nt" in managers and "hoang.vm" not in managers
    none = text_of(board.get("/users?q=50%25_off", headers=HTML))
    assert "Không có tài khoản nào có tên chứa “50%_off”" in none


def test_the_staff_list_goes_on_page_after_page_in_username_order(session):
    actor = make_user(session, "admin")[0]
    for name in ("an", "binh", "chi", "dung", "em"):
        people.create_staff(session, actor=actor, username=f"canbo.{name}", role="bank_staff")
    first = people.find_staff(session, q="canbo.", limit=2)
    assert [r.user.username for r in first.rows] == ["canbo.an", "canbo.binh"]
    rest = people.find_staff(session, q="canbo.", limit=2, after=first.next_after)
    assert [r.user.username for r in rest.rows] == ["canbo.chi", "canbo.dung"]
    last = people.find_staff(session, q="canbo.", limit=2, after=rest.next_after)
    assert [r.user.username for r in last.rows] == ["canbo.em"] and last.next_after is None


def test_the_last_sign_in_is_the_latest_session_started(app, session, admin):
    staff = create_user(session, username="nganhang.test", role="bank_staff", password=PASSWORD)
    assert people.get_staff(session, user_id=staff.id).last_sign_in is None
    sign_in(app, "nganhang.test", PASSWORD)
    latest = session.scalars(select(LoginSession.created_at)).all()[-1]
    assert people.get_staff(session, user_id=staff.id).last_sign_in == latest


def test_changing_ones_password_needs_the_current_one_and_signs_out_other_devices(
    app, session, admin
):
    laptop, _ = sign_in(app, "banbql", PASSWORD)
    phone, _ = sign_in(app, "banbql", PASSWORD)
    form = form_token_of(phone.get("/password").get_data(as_text=True))
    wrong = phone.post(
        "/password",
        data={
            "csrf": form,
            "current_password": "doan-sai-mat-khau",
            "new_password": "ngan",
            "new_password_again": "khac",
        },
    )
    words = text_of(wrong)
    assert wrong.status_code == 422
    assert "Mật khẩu hiện tại không đúng" in words and "ít nhất 10 ký tự" in words
    assert "không giống nhau" in words
    done = phone.post(
        "/password",
        data={
            "csrf": form,
            "current_password": PASSWORD,
            "new_password": "mat-khau-moi-2",
            "new_password_again": "mat-khau-moi-2",
        },
    )
    assert done.status_code == 302
    assert phone.get("/users", headers=HTML).status_code == 200
    assert laptop.get("/users", headers=HTML).status_code == 302


def test_a_vendor_cannot_open_the_password_page(app, session):
    vendor_user = make_user(session, "vendor", vendor_id=make_vendor(session).id)[0]
    answer = signed_in(app, session, vendor_user).get("/password", headers=HTML)
    assert answer.status_code == 403


def test_the_api_creates_a_staff_account_and_resets_its_password(client, session, admin):
    headers = bearer(issue_token(session, user=admin))
    make_market(session, code="CHO-PHUOCHAU")
    created = client.post(
        "/api/v1/users",
        headers=headers,
        json={"username": "bql.phuochau", "role": "market_manager", "market": "CHO-PHUOCHAU"},
    )
    assert created.status_code == 201, created.json
    assert created.json["user"]["must_change_password"] is True
    first = created.json["first_password"]
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", first)
    user_id = created.json["user"]["id"]
    reset = client.post(f"/api/v1/users/{user_id}/password-reset", headers=headers)
    assert reset.status_code == 200 and reset.json["first_password"] != first
    invalid = client.post(
        "/api/v1/users", headers=headers, json={"username": "x", "role": "school_admin"}
    )
    assert invalid.status_code == 422
    assert set(invalid.json["errors"]) == {"username", "school"}
    vendor_user = make_user(session, "vendor", vendor_id=make_vendor(session).id)[0]
    missing = client.post(f"/api/v1/users/{vendor_user.id}/password-reset", headers=headers)
    assert missing.status_code == 404
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == user_id))
    assert sorted(actions) == ["create", "reset_password"]


def test_first_passwords_are_readable_and_never_repeat():
    made = {people.new_first_password() for _ in range(200)}
    assert len(made) == 200
    assert all(re.fullmatch(r"[a-hj-km-np-z2-9]{4}(-[a-hj-km-np-z2-9]{4}){2}", p) for p in made)
