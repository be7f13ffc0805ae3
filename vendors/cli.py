"""Vendor commands for the market board: import a roster from the shell."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from market.cli import fail_on_app_error
from market.db import get_db
from market.errors import AppError
from market.markets.service import get_market
from market.users import User
from vendors.importer import import_vendors

vendors_cli = AppGroup("vendors", help="Vendors.")


@vendors_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--market", "market_code", required=True)
@click.option("--as-user", "username", required=True, help="who the audit log names")
@click.option("--dry-run", is_flag=True)
@click.option("--activate", is_flag=True)
def vendors_import(
    path: Path, market_code: str, username: str, dry_run: bool, activate: bool
) -> None:
    """Import a CSV/XLSX roster; prints the result as JSON."""
    try:
        with get_db().session_scope() as session:
            actor = session.execute(select(User).where(User.username == username)).scalar_one()
            result = import_vendors(
                session,
                actor=actor,
                market=get_market(session, market_code),
                data=path.read_bytes(),
                filename=path.name,
                dry_run=dry_run,
                activate=activate,
            )
    except AppError as error:
        fail_on_app_error(error)
    click.echo(json.dumps(result.__dict__, ensure_ascii=False, indent=1))
