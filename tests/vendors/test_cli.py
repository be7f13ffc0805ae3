"""The vendor commands a market board runs from the shell."""

from sqlalchemy import select

from tests.factories import make_market
from vendors.models import Vendor


def test_vendors_import_from_the_shell(app, session, tmp_path):
    market = make_market(session)
    app.test_cli_runner().invoke(args=["users", "create", "--role", "admin", "--username", "root"])
    roster = tmp_path / "roster.csv"
    roster.write_text("Sạp,Họ và tên,SĐT,Ngân hàng,STK\nA-1,Lê Thị Mai,0912345678,VCB,1\n")
    result = app.test_cli_runner().invoke(
        args=["vendors", "import", str(roster), "--market", market.code, "--as-user", "root"]
    )
    assert result.exit_code == 0, result.output
    assert '"created": 1' in result.output


def test_a_dry_run_from_the_shell_reports_and_writes_nothing(app, session, tmp_path):
    market = make_market(session)
    app.test_cli_runner().invoke(args=["users", "create", "--role", "admin", "--username", "root"])
    roster = tmp_path / "roster.csv"
    roster.write_text("Sạp,Họ và tên,SĐT,Ngân hàng,STK\nA-1,Lê Thị Mai,0912345678,VCB,1\n")
    args = ["vendors", "import", str(roster), "--market", market.code, "--as-user", "root"]
    result = app.test_cli_runner().invoke(args=[*args, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert '"created": 1' in result.output and '"dry_run": true' in result.output
    assert session.scalars(select(Vendor).where(Vendor.market_id == market.id)).all() == []


def test_an_unknown_market_fails_with_one_line_and_no_traceback(app, session, tmp_path):
    app.test_cli_runner().invoke(args=["users", "create", "--role", "admin", "--username", "root"])
    roster = tmp_path / "roster.csv"
    roster.write_text("Sạp\n")
    args = ["vendors", "import", str(roster), "--market", "CHO-KHONG", "--as-user", "root"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0
    assert "CHO-KHONG" in result.output and "Traceback" not in result.output
