"""Flask CLI: db upgrade, users create / token / tokens / revoke / set-password / deactivate,
markets create."""

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from market import migrate
from market.db import get_db
from market.errors import AppError
from market.markets import service as markets
from market.plugins import plugins
from market.users import (
    ROLES,
    ApiToken,
    change_password,
    create_user,
    deactivate_user,
    get_user,
    hash_token,
    issue_token,
    revoke_token,
    tokens_of,
)

db_cli = AppGroup("db", help="Database schema.")
users_cli = AppGroup("users", help="Users and API tokens.")
markets_cli = AppGroup("markets", help="Markets.")
limits_cli = AppGroup("limits", help="Counts of sign-in and look-up attempts.")


def fail_on_app_error(error: AppError) -> None:
    """Turn a domain error into a CLI error message and exit status."""
    raise click.ClickException(f"{error.detail} {error.errors or ''}".strip())


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Bring the database named by DATABASE_URL to the latest schema."""
    migrate.upgrade(get_db().url, revision)
    click.echo(f"database at {revision}")


@db_cli.command("check")
def db_check() -> None:
    """Exit non-zero when the schema is not current."""
    problem = migrate.pending_revision(get_db().engine)
    if problem:
        raise click.ClickException(problem)
    click.echo("schema is current")


def _scope(session, market: str | None, vendor: str | None, school: str | None) -> dict:
    given = {k: v for k, v in (("market", market), ("vendor", vendor), ("school", school)) if v}
    if len(given) > 1:
        raise click.UsageError("give at most one of --market, --vendor, --school")
    if not given:
        return {}
    ((kind, value),) = given.items()
    if kind == "market":
        return {"market_id": markets.get_market(session, value).id}
    resolver = plugins().user_bindings.get(kind)
    if resolver is None:
        raise click.UsageError(f"--{kind} is not available in this version")
    return resolver(session, value)


@users_cli.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--username", required=True)
@click.option("--market", help="market code, for a market_manager")
@click.option("--vendor", help="vendor id, for a vendor")
@click.option("--school", help="school code, for a school_admin")
@click.option("--password", help="also allow logging in to the staff pages")
def users_create(role, username, market, vendor, school, password) -> None:
    """Create a user; prints the new API token alone on the last line."""
    try:
        with get_db().session_scope() as session:
            user = create_user(
                session,
                username=username,
                role=role,
                password=password,
                **_scope(session, market, vendor, school),
            )
            token = issue_token(session, user=user, label="cli")
            token_id = _token_id(session, token)
    except AppError as error:
        fail_on_app_error(error)
    click.echo(f"created {role} {username} (token id {token_id})")
    click.echo(token)


def _token_id(session, token: str) -> int:
    return session.scalar(select(ApiToken.id).where(ApiToken.token_hash == hash_token(token)))


@users_cli.command("token")
@click.option("--username", required=True)
def users_token(username: str) -> None:
    """Issue another API token for an existing user (printed alone on the last line)."""
    try:
        with get_db().session_scope() as session:
            user = get_user(session, username=username)
            token = issue_token(session, user=user, label="cli")
            token_id = _token_id(session, token)
    except AppError as error:
        fail_on_app_error(error)
    click.echo(f"token id {token_id}")
    click.echo(token)


@users_cli.command("tokens")
@click.option("--username", required=True)
def users_tokens(username: str) -> None:
    """List a user's API tokens: id, label, created, revoked (never the token itself)."""
    try:
        with get_db().session_scope() as session:
            tokens = tokens_of(session, user=get_user(session, username=username))
    except AppError as error:
        fail_on_app_error(error)
    for token in tokens:
        revoked = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}Z" if token.revoked_at else "active"
        click.echo(f"{token.id}\t{token.label or '-'}\t{token.created_at:%Y-%m-%d}\t{revoked}")


@users_cli.command("revoke")
@click.option("--token-id", type=int, required=True)
def users_revoke(token_id: int) -> None:
    """Revoke one API token: it is refused from the next request on."""
    try:
        with get_db().session_scope() as session:
            revoke_token(session, actor=None, token_id=token_id)
    except AppError as error:
        fail_on_app_error(error)
    click.echo(f"token {token_id} revoked")


@users_cli.command("deactivate")
@click.option("--username", required=True)
def users_deactivate(username: str) -> None:
    """Refuse a user from now on: every API token revoked, every login session ended."""
    try:
        with get_db().session_scope() as session:
            deactivate_user(session, actor=None, user=get_user(session, username=username))
    except AppError as error:
        fail_on_app_error(error)
    click.echo(f"user {username} deactivated")


@users_cli.command("set-password")
@click.option("--username", required=True)
@click.password_option()
def users_set_password(username: str, password: str) -> None:
    """Set the password a user logs in to the staff pages with; ends the user's sessions."""
    try:
        with get_db().session_scope() as session:
            change_password(session, user=get_user(session, username=username), password=password)
    except AppError as error:
        fail_on_app_error(error)
    click.echo("password set")


@markets_cli.command("create")
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--ward-code")
@click.option("--legacy-district")
def markets_create(code, name, ward_code, legacy_district) -> None:
    """Register a market."""
    from market.markets.schemas import MarketCreateSchema

    body = {"code": code, "name": name, "ward_code": ward_code, "legacy_district": legacy_district}
    errors = MarketCreateSchema().validate({k: v for k, v in body.items() if v})
    if errors:
        raise click.ClickException(str(errors))
    try:
        with get_db().session_scope() as session:
            markets.create_market(
                session, **MarketCreateSchema().load({k: v for k, v in body.items() if v})
            )
    except AppError as error:
        fail_on_app_error(error)
    click.echo(f"market {code} created")


@limits_cli.command("prune")
def limits_prune() -> None:
    """Forget attempt counts older than a day (run it daily, e.g. from cron)."""
    from market.ratelimit import prune

    with get_db().session_scope() as session:
        click.echo(f"{prune(session)} old attempt counts removed")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    for group in (db_cli, users_cli, markets_cli, limits_cli):
        app.cli.add_command(group)
