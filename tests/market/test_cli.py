"""The commands a market board runs from the shell."""

from sqlalchemy import func, select

from market.markets.models import Market
from tests.factories import bearer, make_market, make_vendor
from vendors.models import Vendor


def test_users_create_prints_a_working_token_on_its_last_line(app, client, session):
    market = make_market(session)
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--role",
            "market_manager",
            "--username",
            "quanly",
            "--market",
            market.code,
        ]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    listed = client.get("/api/v1/markets", headers=bearer(token)).json["items"]
    assert [m["code"] for m in listed] == [market.code]


def test_users_create_binds_a_vendor_account_to_its_vendor(app, client, session):
    vendor = make_vendor(session)
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--role",
            "vendor",
            "--username",
            "sap-a1",
            "--vendor",
            str(vendor.id),
        ]
    )
    token = result.output.strip().splitlines()[-1]
    got = client.get(f"/api/v1/vendors/{vendor.id}", headers=bearer(token))
    assert got.status_code == 200 and got.json["stall"] == vendor.stall


def test_users_create_refuses_a_manager_without_a_market(app, session):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--role", "market_manager", "--username", "x"]
    )
    assert result.exit_code != 0
    assert "bound" in result.output


def test_db_upgrade_migrates_an_empty_database(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'new.db'}")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "check"]).exit_code != 0
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "check"]).exit_code == 0


def test_demo_seed_builds_a_province_and_is_idempotent(app, session):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    vendors = session.scalar(select(func.count()).select_from(Vendor))
    markets = session.scalar(select(func.count()).select_from(Market))
    assert vendors >= 220 and markets >= 4
    assert (
        session.scalar(select(func.count()).select_from(Vendor).where(Vendor.status != "active"))
        == 0
    )
    from tuition.models import Invoice

    invoices = session.scalar(select(func.count()).select_from(Invoice))
    assert invoices == 80  # two schools, 40 students each, one plan each
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert session.scalar(select(func.count()).select_from(Vendor)) == vendors
    assert session.scalar(select(func.count()).select_from(Invoice)) == invoices
