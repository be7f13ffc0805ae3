"""`flask providers add|list`: the wallets and banks that notify transfers."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from market.db import get_db
from payments.ingest.models import FORMATS, Provider

providers_cli = AppGroup("providers", help="Wallets and banks that notify transfers.")


@providers_cli.command("add")
@click.argument("name")
@click.option("--format", "format_", type=click.Choice(FORMATS), required=True)
@click.option("--secret", required=True, help="the shared secret / API key (never printed)")
@click.option("--api-key", help="SePay: an API key apart from the HMAC secret (never printed)")
@click.option("--hmac-only", is_flag=True, help="SePay: refuse requests authenticated by a key")
@click.option("--account-number", help="the account this provider reports on, if one")
@click.option("--fee-fixed", type=click.IntRange(min=0), default=0, help="đồng per transfer")
@click.option(
    "--fee-bps", type=click.IntRange(min=0, max=10000), default=0, help="basis points of the amount"
)
def providers_add(
    name, format_, secret, api_key, hmac_only, account_number, fee_fixed, fee_bps
) -> None:
    """Register a provider; its notifications go to /api/v1/notifications/NAME.

    SePay authenticates by API key or HMAC signature: --secret alone serves as both,
    --api-key sets the key apart, --hmac-only accepts signed requests only."""
    _check_credentials(format_, secret, api_key, hmac_only)
    with get_db().session_scope() as session:
        if session.execute(select(Provider.id).where(Provider.name == name)).first():
            raise click.ClickException(f"provider {name} exists")
        session.add(
            Provider(
                name=name,
                format=format_,
                secret=secret,
                api_key=api_key,
                hmac_only=hmac_only,
                fee_fixed=fee_fixed,
                fee_bps=fee_bps,
                account_number=account_number,
            )
        )
    click.echo(f"provider {name} ({format_}) added: POST /api/v1/notifications/{name}")


def _check_credentials(format_: str, secret: str, api_key: str | None, hmac_only: bool) -> None:
    # The messages never repeat a secret or a key.
    if len(secret) < 16:
        raise click.ClickException("the secret must have at least 16 characters")
    if (api_key is not None or hmac_only) and format_ != "sepay":
        raise click.ClickException("--api-key and --hmac-only apply to SePay only")
    if api_key is not None and hmac_only:
        raise click.ClickException("--hmac-only refuses API keys: give --api-key or --hmac-only")
    if api_key is not None and len(api_key) < 16:
        raise click.ClickException("the API key must have at least 16 characters")


@providers_cli.command("list")
def providers_list() -> None:
    """List providers (never their secrets)."""
    with get_db().session_scope() as session:
        for p in session.execute(select(Provider).order_by(Provider.name)).scalars():
            state = "active" if p.active else "inactive"
            line = f"{p.name}\t{p.format}\t{state}\tfee {p.fee_fixed} đ + {p.fee_bps} bps"
            if p.format == "sepay":
                keys = "refused" if p.hmac_only else "own" if p.api_key else "the secret"
                line += f"\tAPI key: {keys}"
            click.echo(line)
