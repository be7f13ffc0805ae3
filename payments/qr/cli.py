"""`flask qr decode PAYLOAD` and `flask qr encode ...`."""

import json

import click
from flask.cli import AppGroup

from payments.qr import vietqr

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
