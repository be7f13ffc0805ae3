"""Users and API tokens over HTTP: an admin creates staff accounts, resets their passwords,
deactivates a user or revokes any token; anyone lists and revokes their own tokens."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from market import people, users
from market.auth import caller, require
from market.db import get_session
from market.fields import InputSchema, ListQuerySchema, PageSchema

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="Users and API tokens")


class UserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    market_id = fields.Integer(allow_none=True)
    vendor_id = fields.Integer(allow_none=True)
    school_id = fields.Integer(allow_none=True)
    active = fields.Boolean()
    must_change_password = fields.Boolean()
    created_at = fields.DateTime()


class UserPageSchema(PageSchema):
    items = fields.List(fields.Nested(UserSchema))


class TokenSchema(Schema):
    id = fields.Integer()
    user_id = fields.Integer()
    label = fields.String(allow_none=True)
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema))


@blp.get("/users")
@require("admin")
@blp.arguments(ListQuerySchema, location="query")
@blp.response(200, UserPageSchema)
def list_users(query):
    """Every user (admin)."""
    return users.list_users(get_session(), limit=query["limit"], after=query["cursor"])


@blp.post("/users/<int:user_id>/deactivate")
@require("admin")
@blp.response(200, UserSchema)
def deactivate_user(user_id):
    """Refuse a user from now on: every API token revoked, every login session ended (admin)."""
    session = get_session()
    user = users.get_user(session, user_id=user_id)
    return users.deactivate_user(session, actor=caller(), user=user)


@blp.get("/users/<int:user_id>/tokens")
@require("admin")
@blp.response(200, TokenListSchema)
def list_user_tokens(user_id):
    """A user's API tokens, without the tokens themselves (admin)."""
    session = get_session()
    return {"items": users.tokens_of(session, user=users.get_user(session, user_id=user_id))}


@blp.get("/tokens")
@require(*users.ROLES)
@blp.response(200, TokenListSchema)
def list_own_tokens():
    """The caller's own API tokens, without the tokens themselves."""
    return {"items": users.tokens_of(get_session(), user=caller())}


@blp.delete("/tokens/<int:token_id>")
@require(*users.ROLES)
@blp.response(204)
def revoke_token(token_id):
    """Revoke an API token: any (admin) or one's own; it is refused from the next request on."""
    users.revoke_token(get_session(), actor=caller(), token_id=token_id)


class StaffCreateSchema(InputSchema):
    username = fields.String(required=True, validate=validate.Length(max=80))
    role = fields.String(required=True, validate=validate.OneOf(people.STAFF_ROLES))
    market = fields.String(validate=validate.Length(max=30))
    school = fields.String(validate=validate.Length(max=30))


class FirstPasswordSchema(Schema):
    user = fields.Nested(UserSchema)
    first_password = fields.String()


@blp.post("/users")
@require("admin")
@blp.arguments(StaffCreateSchema)
@blp.response(201, FirstPasswordSchema)
def create_staff(body):
    """Create a staff account with a first password, shown once, to replace at first sign-in."""
    user, password = people.create_staff(get_session(), actor=caller(), **body)
    return {"user": user, "first_password": password}


@blp.post("/users/<int:user_id>/password-reset")
@require("admin")
@blp.response(200, FirstPasswordSchema)
def reset_password(user_id):
    """A new first password for a staff account (shown once); its login sessions end."""
    session = get_session()
    user = people.get_staff(session, user_id=user_id).user
    return {
        "user": user,
        "first_password": people.reset_password(session, actor=caller(), user=user),
    }
