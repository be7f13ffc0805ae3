"""marshmallow fields and base schemas shared by every domain."""

import base64
import binascii
import json

from marshmallow import Schema, ValidationError, fields, validate

from market.money import MAX_AMOUNT
from market.text import clean, has_control_characters


class Text(fields.String):
    """A string stored NFC-normalised with white space collapsed; control characters refused."""

    def __init__(self, *args, max_length: int = 200, **kwargs):
        validators = list(kwargs.pop("validate", []) or [])
        validators.append(validate.Length(max=max_length))
        super().__init__(*args, validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        if has_control_characters(raw):
            raise ValidationError("Control characters are not allowed.")
        text = clean(raw)
        if self.required and not text:
            raise ValidationError("Must not be blank.")
        return text


def Money(**kwargs) -> fields.Integer:  # noqa: N802 - reads as a field class
    """An amount in đồng: a strict integer 1..9,999,999,999,999."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_AMOUNT), **kwargs)


MAX_ID = 2**63 - 1  # ids are BIGINT: a larger number would overflow the query, not miss


def Id(**kwargs) -> fields.Integer:  # noqa: N802 - reads as a field class
    """A record's id: an integer 1..2**63-1."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class InputSchema(Schema):
    """Input schemas refuse unknown fields (the default RAISE), said here for the reader."""


def encode_cursor(last_id: int) -> str:
    """An opaque cursor pointing after last_id."""
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id a cursor points after; ValidationError when it was not made by us."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        after = json.loads(base64.urlsafe_b64decode(padded.encode()))["after"]
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise ValidationError("Not a cursor this service issued.") from exc
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise ValidationError("Not a cursor this service issued.")
    return after


class Cursor(fields.String):
    """A pagination cursor, decoded to the id it points after."""

    def _deserialize(self, value, attr, data, **kwargs):
        return decode_cursor(super()._deserialize(value, attr, data, **kwargs))


class ListQuerySchema(InputSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = Cursor(load_default=None)


class PageSchema(Schema):
    next_cursor = fields.String(allow_none=True)
