"""What holds for every request: security headers on every answer, and a 4xx problem for input
no view should ever see (NUL bytes, ids past 64 bits, JSON nested too deep)."""

import re
from itertools import accumulate

from flask import Flask, request
from werkzeug.routing import IntegerConverter

from market.errors import MalformedBody, NotFound, ValidationFailed
from market.fields import MAX_ID

MAX_JSON_DEPTH = 64  # our deepest body is three levels; the JSON parser fails near 1,000
# Pages load only their own scripts and styles (no inline script, no CDN); QR images may be
# data: URLs; nobody may frame a page (clickjacking).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"')
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1
_NOT_BRACKETS = bytes(b for b in range(256) if not _STEP[b])


class IdConverter(IntegerConverter):
    """`<int:...>` in a URL names a database row: past a signed 64-bit integer it is a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings ignored)."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return 0  # too few brackets to nest too deep: not worth measuring
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _refuse_nul_bytes() -> None:
    if "\x00" in request.path:
        raise NotFound("No resource has a NUL byte in its address.")
    fields = list(request.args.items(multi=True))
    if request.mimetype in FORMS:
        if request.mimetype == FORMS[0]:
            request.get_data(cache=True)  # the raw body stays readable (signatures, idempotency)
        fields += request.form.items(multi=True)
    bad = sorted({k for k, v in fields if "\x00" in k or "\x00" in v})
    if bad:
        message = "NUL bytes are not allowed."
        raise ValidationFailed(
            f"{', '.join(bad)}: {message}",
            errors={k.replace("\x00", "") or "_": [message] for k in bad},
        )


def _refuse_deep_json() -> None:
    if request.is_json and json_depth(request.get_data(cache=True)) > MAX_JSON_DEPTH:
        raise MalformedBody(
            f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.",
            errors={"body": [f"Nested deeper than {MAX_JSON_DEPTH} levels."]},
        )


def init_app(app: Flask) -> None:
    """Install the id converter (before any route exists), the input guards and the headers."""
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def _guard_input():
        _refuse_nul_bytes()
        _refuse_deep_json()

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
