"""What the application asks of the domains plugged into it, kept on the app: how many
vendors each market has, and how `users create --vendor/--school` binds a user."""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy.orm import Session

# (session, market_ids) -> {market_id: {status: count}}
VendorCounter = Callable[[Session, list[int]], dict[int, dict[str, int]]]
# (session, value given on the command line) -> the user columns that bind the user
UserBinding = Callable[[Session, str], dict]


@dataclass
class Plugins:
    vendor_counters: list[VendorCounter] = field(default_factory=list)
    user_bindings: dict[str, UserBinding] = field(default_factory=dict)  # by option name


def init_app(app: Flask) -> None:
    """Keep an empty set of plug-ins on the app, for the domains to fill in."""
    app.extensions["plugins"] = Plugins()


def plug_in(
    app: Flask,
    *,
    vendor_counter: VendorCounter | None = None,
    user_bindings: dict[str, UserBinding] | None = None,
) -> None:
    """Let a domain count a market's vendors, or bind users to its records."""
    plugins: Plugins = app.extensions["plugins"]
    if vendor_counter is not None:
        plugins.vendor_counters.append(vendor_counter)
    plugins.user_bindings.update(user_bindings or {})


def plugins() -> Plugins:
    """The current application's plug-ins."""
    return current_app.extensions["plugins"]
