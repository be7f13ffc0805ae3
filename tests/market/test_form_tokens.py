"""Writes from pages carry the form token of the browser's session: a form posted from
another site, riding on a signed-in admin's cookie, changes nothing."""

from sqlalchemy import select

from market.users import User, create_user
from tests.factories import make_user
from tests.pages import FORM_TOKEN, HTML, form_token_of, signed_in, text_of


def test_a_form_forged_on_another_site_changes_nothing(app, session):
    admin = make_user(session, "admin")[0]
    victim = make_user(session, "bank_staff")[0]
    browser = signed_in(app, session, admin)
    forged = browser.post(
        f"/users/{victim.id}/deactivate",
        headers=HTML | {"Origin": "https://evil.example"},
        data={"csrf": "guessed"},
    )
    assert forged.status_code == 400 and "Biểu mẫu đã hết hạn" in text_of(forged)
    assert session.scalar(select(User.active).where(User.id == victim.id)) is True


def test_a_script_may_send_the_token_in_a_header(app, session):
    admin = make_user(session, "admin")[0]
    victim = make_user(session, "bank_staff")[0]
    browser = signed_in(app, session, admin)
    answer = browser.post(f"/users/{victim.id}/deactivate", headers={"X-CSRF-Token": FORM_TOKEN})
    assert answer.status_code == 302
    assert session.scalar(select(User.active).where(User.id == victim.id)) is False


def test_a_write_from_a_browser_not_signed_in_leads_to_the_login_page(client, session):
    victim = make_user(session, "bank_staff")[0]
    answer = client.post(
        f"/users/{victim.id}/deactivate",
        headers=HTML | {"Referer": f"http://localhost/users/{victim.id}"},
    )
    assert answer.status_code == 302
    assert answer.location == f"/login?next=/users/{victim.id}"


def test_the_token_survives_a_wrong_password_and_is_renewed_at_sign_in(app, session):
    create_user(session, username="banbql", role="admin", password="mat-khau-dai-1")
    browser = app.test_client()
    token = form_token_of(browser.get("/login").get_data(as_text=True))
    form = {"username": "banbql", "password": "sai-mat-khau", "csrf": token}
    wrong = browser.post("/login", data=form)
    assert wrong.status_code == 401 and form_token_of(wrong.get_data(as_text=True)) == token
    assert browser.post("/login", data=form | {"password": "mat-khau-dai-1"}).status_code == 302
    renewed = form_token_of(browser.get("/users", headers=HTML).get_data(as_text=True))
    assert renewed != token  # a token seen before signing in is worth nothing after
