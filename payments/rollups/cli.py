"""`flask stats rebuild|check`."""

import click
from flask.cli import AppGroup

from market.db import get_db
from payments.rollups import service as rollups

stats_cli = AppGroup("stats", help="Statistics rollups.")


@stats_cli.command("rebuild")
def stats_rebuild() -> None:
    """Recompute every statistics rollup from the ledger."""
    with get_db().session_scope() as session:
        rollups.rebuild(session)
    click.echo("rollups rebuilt")


@stats_cli.command("check")
def stats_check() -> None:
    """Exit 1 when the maintained rollups differ from a fresh rebuild."""
    with get_db().session_scope() as session:
        same = rollups.agrees(session)
    if not same:
        raise click.ClickException("the rollups differ from the ledger: run `stats rebuild`")
    click.echo("rollups agree with the ledger")
