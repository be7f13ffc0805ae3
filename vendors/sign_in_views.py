"""A vendor's one-time sign-in link over HTTP (the market board only)."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from market.auth import caller, require
from market.db import get_session
from vendors import service, sign_in
from vendors.sign_in_pages import link_url

blp = Blueprint("vendor_sign_in", __name__, url_prefix="/api/v1", description="Vendor sign-in")


class LoginLinkSchema(Schema):
    url = fields.String()
    expires_at = fields.DateTime()


@blp.post("/vendors/<int:vendor_id>/login-links")
@require(*service.MANAGERS)
@blp.response(201, LoginLinkSchema)
def create_login_link(vendor_id):
    """A one-time link that signs the vendor's phone in for 90 days; it expires in 24 hours."""
    link = sign_in.create_login_link(get_session(), actor=caller(), vendor_id=vendor_id)
    return {"url": link_url(link.token), "expires_at": link.expires_at}
