"""`flask settlements close`."""

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from market.clock import business_date_of
from market.db import get_db, utcnow
from market.errors import AppError
from payments.settlement.service import close_business_day, days_to_close

settlements_cli = AppGroup("settlements", help="Business days and settlements.")


@settlements_cli.command("close")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="business day (default: yesterday, Vietnam time, after any earlier open day)",
)
def settlements_close(day) -> None:
    """Close a business day into settlements (idempotent). Without --date, yesterday, and
    first every earlier day still open with payments waiting, each as its own day."""
    now = utcnow()
    grace = timedelta(minutes=current_app.config["SETTLEMENT_GRACE_MINUTES"])
    if day:
        days = [day.date()]
    else:
        yesterday = business_date_of(now) - timedelta(days=1)
        with get_db().session_scope() as session:
            days = days_to_close(session, through=yesterday) or [yesterday]
    for business_date in days:
        try:
            with get_db().session_scope() as session:
                closed = close_business_day(
                    session, business_date=business_date, actor=None, now=now, grace=grace
                )
                lines = [
                    f"{s.payee_type} {s.payee_id}: {s.payment_count} payments, net {s.net_amount}"
                    for s in closed
                ]
        except AppError as error:
            raise click.ClickException(error.detail) from error
        click.echo(f"{business_date}: {len(lines)} settlements")
        for line in lines:
            click.echo(line)
