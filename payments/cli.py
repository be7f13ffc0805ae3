"""`flask qr decode PAYLOAD` and `flask qr encode ...`."""

import json
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from market.db import get_db, utcnow
from market.errors import AppError
from payments import rollups, vietqr
from payments.ingest import business_date_of
from payments.models import FORMATS, Provider
from payments.settlement import close_business_day, days_to_close

qr_cli = AppGroup("qr", help="VietQR payloads.")


@qr_cli.command("decode")
@click.argument("payload")
def qr_decode(payload: str) -> None:
    """Print the fields of a payload as JSON (exit 1 with the reason when it is refused)."""
    try:
        fields = vietqr.parse(payload).to_dict()
    except vietqr.VietQRError as exc:
        click.echo(json.dumps({"valid": False, "reason": exc.reason, "detail": exc.message}))
        raise SystemExit(1) from exc
    click.echo(json.dumps(fields, ensure_ascii=False))


@qr_cli.command("encode")
@click.option("--bin", "bank_bin", required=True, help="6-digit NAPAS BIN of the bank")
@click.option("--account", required=True)
@click.option("--card", is_flag=True, help="to a card (QRIBFTTC) instead of an account")
@click.option("--amount", type=int)
@click.option("--purpose")
@click.option("--bill-number")
def qr_encode(bank_bin, account, card, amount, purpose, bill_number) -> None:
    """Print a VietQR payload (static without --amount, dynamic with it)."""
    try:
        payload = vietqr.build(
            bank_bin=bank_bin,
            account_number=account,
            amount=amount,
            service_code="QRIBFTTC" if card else "QRIBFTTA",
            purpose=purpose,
            bill_number=bill_number,
        )
    except vietqr.VietQRError as exc:
        raise click.ClickException(f"{exc.reason}: {exc.message}") from exc
    click.echo(payload)


providers_cli = AppGroup("providers", help="Wallets and banks that notify transfers.")
settlements_cli = AppGroup("settlements", help="Business days and settlements.")


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
