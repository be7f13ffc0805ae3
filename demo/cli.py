"""`flask demo seed` and `flask demo transfer`."""

import json

import click
from flask.cli import AppGroup

from demo import transfer
from demo.seed import seed
from market.db import get_db, utcnow
from market.errors import AppError

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
def demo_seed() -> None:
    """Markets of Vĩnh Long and 300+ vendors (idempotent)."""
    with get_db().session_scope() as session:
        summary = seed(session)
    click.echo(json.dumps(summary, ensure_ascii=False))


@demo_cli.command("transfer")
@click.option("--amount", type=click.IntRange(min=1), required=True, help="đồng")
@click.option("--reference", help="an invoice (HP…) or payment request (CH…) to pay")
@click.option("--vendor", "vendor_id", type=int, help="a vendor to pay at the stall")
@click.option("--school", help="a school's account, with no invoice code (left to assign)")
@click.option("--url", default="http://127.0.0.1:8000", show_default=True)
def demo_transfer(
    amount: int, reference: str | None, vendor_id: int | None, school: str | None, url: str
) -> None:
    """Send the running service the demo bank's signed notification of a transfer."""
    if sum(given is not None for given in (reference, vendor_id, school)) != 1:
        raise click.UsageError("give one of --reference, --vendor, --school")
    try:
        with get_db().session_scope() as session:
            credit = transfer.credit_for(
                session, reference=reference, vendor_id=vendor_id, school_code=school
            )
            secret = transfer.demo_secret(session)
    except AppError as error:
        raise click.ClickException(error.detail) from error
    body, headers = transfer.notification(secret, credit, amount, utcnow())
    try:
        status, answer = transfer.send(url, body, headers)
    except OSError as error:
        raise click.ClickException(
            f"{url} does not answer ({error}): is `make demo` running?"
        ) from error
    click.echo(f"{status} {answer}")
    if status != 200:
        raise SystemExit(1)
