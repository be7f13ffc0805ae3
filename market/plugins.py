"""What the application asks of the domains plugged into it, kept on the app: how many
vendors each market has, how `users create --vendor/--school` binds a user, and which records
(markets, schools) a staff account can be bound to."""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy.orm import Session

# (session, market_ids) -> {market_id: {status: count}}
VendorCounter = Callable[[Session, list[int]], dict[int, dict[str, int]]]
# (session, value given on the command line) -> the user columns that bind the user
UserBinding = Callable[[Session, str], dict]
# kind ("market", "school") -> (the users column naming the record, (session, ids or None)
# -> {id: people.Record}): how staff accounts are bound to a domain's records
BoundKind = tuple[str, Callable]


@dataclass
class Plugins:
    vendor_counters: list[VendorCounter] = field(default_factory=list)
    user_bindings: dict[str, UserBinding] = field(default_factory=dict)  # by option name
    bound_kinds: dict[str, BoundKind] = field(default_factory=dict)


def init_app(app: Flask) -> None:
    """Keep an empty set of plug-ins on the app, and on every session its database opens,
    for the domains to fill in."""
    app.extensions["plugins"] = app.extensions["db"].shared["plugins"] = Plugins()


def plug_in(
    app: Flask,
    *,
    vendor_counter: VendorCounter | None = None,
    user_bindings: dict[str, UserBinding] | None = None,
    bound_kinds: dict[str, BoundKind] | None = None,
) -> None:
    """Let a domain count a market's vendors, or bind users to its records."""
    plugins: Plugins = app.extensions["plugins"]
    if vendor_counter is not None:
        plugins.vendor_counters.append(vendor_counter)
    plugins.user_bindings.update(user_bindings or {})
    plugins.bound_kinds.update(bound_kinds or {})


def plugins() -> Plugins:
    """The current application's plug-ins."""
    return current_app.extensions["plugins"]


def plugins_of(session: Session) -> Plugins:
    """The plug-ins of the application whose database opened session."""
    return session.info["plugins"]
