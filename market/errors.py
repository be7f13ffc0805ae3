"""Domain errors that carry their HTTP status, and the one problem+json handler."""

import logging
from collections.abc import Callable

from flask import Flask, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"
# (status, code, headers) -> response: the site's error page, registered by market.web.
ErrorPage = Callable[[int, str, list], object]


class AppError(Exception):
    """An error a client caused or must know about; rendered as RFC 9457 problem details."""

    status = 400
    code = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str = "", errors: dict | None = None, **extra):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors
        self.extra = extra


class ValidationFailed(AppError):
    status, code, title = 422, "validation-error", "Invalid input"

    @classmethod
    def on(cls, field: str, message: str) -> "ValidationFailed":
        """A validation error for one field."""
        return cls(f"{field}: {message}", errors={field: [message]})


class MalformedBody(AppError):
    status, code, title = 400, "malformed-json", "Malformed JSON"


class NotFound(AppError):
    status, code, title = 404, "not-found", "Not found"


class Conflict(AppError):
    status, code, title = 409, "conflict", "Conflict"


class Unauthorized(AppError):
    status, code, title = 401, "unauthorized", "Authentication required"


class Forbidden(AppError):
    status, code, title = 403, "forbidden", "Forbidden"


class PayloadTooLarge(AppError):
    status, code, title = 413, "payload-too-large", "Upload too large"


class FormExpired(AppError):
    status, code, title = 400, "form-expired", "Form expired"


class SchemaNotReady(AppError):
    status, code, title = 503, "database-not-migrated", "Database not migrated"


def problem(status: int, code: str, title: str, detail: str, errors=None, **extra):
    """A problem+json response."""
    body = {"type": f"/problems/{code}", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    body.update(extra)
    if getattr(g, "request_id", None):
        body["request_id"] = g.request_id
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MIMETYPE
    return response


def _flatten_webargs(messages: dict) -> dict:
    # webargs nests errors under the request location ("json", "query", "files"): the field
    # name is what a client needs.
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            for field, msgs in fields.items():
                flat[field] = msgs if isinstance(msgs, list | dict) else [msgs]
        else:
            flat[location] = fields if isinstance(fields, list) else [fields]
    return flat


def wants_html() -> bool:
    """True for a browser asking for a page: outside /api/, HTML preferred to JSON."""
    if request.path.startswith("/api/") or "error_page" not in current_app.extensions:
        return False
    offered = (PROBLEM_MIMETYPE, "application/json", "text/html")
    return request.accept_mimetypes.best_match(offered) == "text/html"


def _page(status: int, code: str, headers=()):
    page: ErrorPage = current_app.extensions["error_page"]
    return page(status, code, list(headers))


def handle_app_error(error: AppError):
    """Render an AppError."""
    if wants_html():
        return _page(error.status, error.code)
    return problem(error.status, error.code, error.title, error.detail, error.errors, **error.extra)


def handle_http_exception(error: HTTPException):
    """Render werkzeug and webargs HTTP errors (404, 405, 413, 422 from schemas...)."""
    status = error.code or 500
    if wants_html():
        code = (error.name or "error").lower().replace(" ", "-")
        return _page(status, code, error.get_headers())
    return _problem_for_http_exception(error, status)


def _problem_for_http_exception(error: HTTPException, status: int):
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if status == 400 and messages and "json" in messages and not isinstance(messages["json"], dict):
        return problem(
            400,
            "malformed-json",
            "Malformed JSON",
            "The body is not valid JSON.",
            {"body": ["Invalid JSON."]},
        )
    if messages:
        errors = _flatten_webargs(messages)
        fields = ", ".join(sorted(errors))
        return problem(
            422, "validation-error", "Invalid input", f"Invalid fields: {fields}.", errors
        )
    code = (error.name or "error").lower().replace(" ", "-")
    detail = error.description or error.name
    if status == 413:
        detail = "The upload is larger than this service accepts."
    response = problem(status, code, error.name, detail)
    # What the error itself says in headers stays said: Allow on a 405, WWW-Authenticate...
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_unexpected(error: Exception):
    """Log an unexpected exception and answer a generic 500 without internals."""
    log.exception("unhandled error", exc_info=error)
    if wants_html():
        return _page(500, "internal-error")
    return problem(
        500,
        "internal-error",
        "Internal server error",
        "Something went wrong on our side; the request changed nothing.",
    )


def init_app(app: Flask) -> None:
    """Register the problem+json handlers (after flask-smorest, so ours win)."""
    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
