"""`flask demo seed`."""

import json

import click
from flask.cli import AppGroup

from demo.seed import seed
from market.db import get_db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
def demo_seed() -> None:
    """Markets of Vĩnh Long and 300+ vendors (idempotent)."""
    with get_db().session_scope() as session:
        summary = seed(session)
    click.echo(json.dumps(summary, ensure_ascii=False))
