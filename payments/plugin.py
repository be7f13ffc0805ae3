"""How the payments domain plugs into the application."""

from flask import Flask
from flask_smorest import Api

from payments.cli import qr_cli
from payments.views import blp


def init_app(app: Flask, api: Api) -> None:
    """Register the QR blueprint and the `qr` commands."""
    api.register_blueprint(blp)
    app.cli.add_command(qr_cli)
