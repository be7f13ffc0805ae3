"""Each role lands on its own start page after signing in; "/" leads there too; a visitor
sees what the service is. The menu is one table: a screen appears once its route exists."""

import pytest
from sqlalchemy import select

from market.db import get_db
from market.markets.models import Market
from market.migrate import upgrade
from market.users import ROLES, create_user
from market.web.nav import GUEST, NAV, START
from tests.factories import make_market, make_school, make_vendor
from tests.pages import HTML, form_token_of, menu_of, signed_in, text_of

PASSWORD = "mat-khau-dai-1"


def sign_in(app, username: str, next_path: str = ""):
    browser = app.test_client()
    token = form_token_of(browser.get("/login").get_data(as_text=True))
    answer = browser.post(
        f"/login{next_path}", data={"username": username, "password": PASSWORD, "csrf": token}
    )
    assert answer.status_code == 302, text_of(answer)
    return browser, answer.location


def test_a_visitor_sees_what_the_service_is_and_where_to_go(client):
    page = client.get("/", headers=HTML)
    html, words = page.get_data(as_text=True), text_of(page)
    assert page.status_code == 200 and "VietQR" in words and "không giữ tiền" in words
    assert 'href="/login"' in html and 'href="/pay"' in html
    assert 'href="/users"' not in html


def test_bank_staff_land_on_the_dashboard_and_an_admin_on_the_overview(app, session):
    create_user(session, username="nganhang", role="bank_staff", password=PASSWORD)
    create_user(session, username="banbql", role="admin", password=PASSWORD)
    browser, landing = sign_in(app, "nganhang")
    assert landing == "/dashboard"
    assert browser.get("/", headers=HTML).location == "/dashboard"
    admin, landing = sign_in(app, "banbql")
    assert landing == "/"
    overview = admin.get("/", headers=HTML)
    html = overview.get_data(as_text=True)
    assert "Xin chào banbql" in text_of(overview)
    assert 'href="/users"' in html and 'href="/dashboard"' in html


def test_signing_in_goes_back_to_the_page_asked_for_never_to_another_site(app, session):
    create_user(session, username="banbql", role="admin", password=PASSWORD)
    assert sign_in(app, "banbql", "?next=/users?q=hoa")[1] == "/users?q=hoa"
    for outside in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        assert sign_in(app, "banbql", f"?next={outside}")[1] == "/"


def test_a_market_manager_lands_on_its_market_once_the_market_page_exists(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'later.db'}"
    upgrade(url)
    app = make_app(DATABASE_URL=url)

    @app.get("/markets/<code>")
    def _market_page(code):  # the market screen, as a later change will add it
        return f"chợ {code}"

    with app.app_context(), get_db().session_scope() as session:
        code = make_market(session).code
        market_id = session.scalars(select(Market.id)).one()
        create_user(
            session,
            username="bql-test",
            role="market_manager",
            market_id=market_id,
            password=PASSWORD,
        )
    browser, landing = sign_in(app, "bql-test")
    assert landing == f"/markets/{code}"
    menu = menu_of(browser.get("/login", headers=HTML))
    assert f'href="/markets/{code}">Chợ của tôi<' in menu


def test_a_school_accountant_starts_on_the_school_page(app, session):
    school = make_school(session)
    create_user(
        session, username="ketoan", role="school_admin", school_id=school.id, password=PASSWORD
    )
    browser, landing = sign_in(app, "ketoan")
    assert landing == f"/schools/{school.code}"
    page = browser.get(landing, headers=HTML)
    assert page.status_code == 200 and school.name in text_of(page)


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_shows_a_role_only_what_it_may_open(app, session, role):
    market = make_market(session)
    scope = {
        "market_manager": {"market_id": market.id},
        "vendor": {"vendor_id": make_vendor(session, market).id, "market_id": market.id},
        "school_admin": {"school_id": make_school(session).id},
    }.get(role, {})
    user = create_user(session, username=f"u-{role}", role=role, **scope)
    html = menu_of(signed_in(app, session, user).get("/login", headers=HTML))
    assert ('href="/users"' in html) == (role == "admin")
    assert ('href="/dashboard"' in html) == (role in ("admin", "bank_staff"))
    assert 'href="/pay"' not in html and 'href="/login"' not in html  # the visitors' links
    assert ("Đổi mật khẩu" in html) == (role != "vendor")


def test_the_menu_table_names_only_real_roles_and_each_path_once():
    assert all(set(link.roles) <= {*ROLES, GUEST} for link in NAV)
    assert len({link.path for link in NAV}) == len(NAV)
    assert set(START) == set(ROLES)
