"""The OpenAPI document tells the truth: every error is application/problem+json with one
Problem schema, each operation lists the error statuses it really answers, and answers that
also come as files (CSV, XLSX, PDF, PNG) say so."""

import http

from apispec import BasePlugin
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import INCLUDE, Schema, fields

from market.errors import PROBLEM_MIMETYPE

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_TYPES = {
    "csv": CSV,
    "xlsx": XLSX,
    "pdf": "application/pdf",
    "png": "image/png",
    "svg": "image/svg+xml",
}
WRITES = ("post", "put", "patch", "delete")


class ProblemSchema(Schema):
    """RFC 9457 problem details; a problem may carry more members (e.g. retry_after)."""

    class Meta:
        unknown = INCLUDE

    type = fields.String(required=True, metadata={"example": "/problems/validation-error"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "For invalid input: the messages of each field."},
    )
    request_id = fields.String()


class ProblemApi(Api):
    """flask-smorest's Api whose error responses are problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = ProblemSchema
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Any other error", "schema": ProblemSchema}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


class ErrorStatuses(BasePlugin):
    """Adds to each operation the error statuses that it really answers, by what it is: a
    caller without a token (401) or without the role (403), a record named in the path that
    does not exist (404), a body that is not JSON (400) or too large (413), a write that
    conflicts (409, an Idempotency-Key reused with another body among others)."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        """Complete the responses of each operation of path."""
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            statuses = []
            if operation.get("security") != []:
                statuses += [401, 403]
            if "{" in (path or ""):
                statuses.append(404)
            body = operation.get("requestBody", {}).get("content", {})
            if "application/json" in body:
                statuses.append(400)
            if body:
                statuses.append(413)
            if method in WRITES:
                statuses.append(409)
            if operation.get("parameters") or body:
                statuses.append(422)
            for status in statuses:
                # Named as flask-smorest names them (the names changed in Python 3.13).
                responses.setdefault(str(status), http.HTTPStatus(status).name)


def file_formats(*kinds: str, description: str = "") -> dict:
    """The doc of a 200 answer that also comes as files (`?format=` or the path's suffix)."""
    content = {FILE_TYPES[k]: {"schema": {"type": "string", "format": "binary"}} for k in kinds}
    doc = {"content": content}
    if description:
        doc["description"] = description
    return {"responses": {200: doc}}  # keyed as flask-smorest keys it, so both merge
