"""What the OpenAPI document declares, read from the app itself: every answer has its schema,
every error is a problem+json Problem, each provider format's notification body is there."""

import jsonschema_rs
import pytest

from payments.ingest.providers import ADAPTERS
from payments.ingest.schemas import NOTIFICATION_BODIES
from tests.payments.ingest.providers.test_adapters import casso_body, generic_body, sepay_body

PROBLEM = "application/problem+json"
NOTIFY = "/api/v1/notifications/{provider}"


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield f"{method.upper()} {path}", operation


def resolved(document, node: dict) -> dict:
    """A $ref to a component response, followed."""
    ref = node.get("$ref", "")
    return document["components"]["responses"][ref.rsplit("/", 1)[-1]] if ref else node


def test_every_success_answer_declares_its_content_and_schema(document):
    undeclared = [
        f"{name} {status} {kind or '(no content)'}"
        for name, operation in operations(document)
        for status, answer in operation["responses"].items()
        if status.startswith("2") and status != "204"  # 204 is an answer without content
        for kind, content in (resolved(document, answer).get("content") or {None: {}}).items()
        if not content.get("schema")
    ]
    assert undeclared == []


def test_every_error_is_declared_as_a_problem(document):
    problem = {"$ref": "#/components/schemas/Problem"}
    for name, operation in operations(document):
        for status, answer in operation["responses"].items():
            if status.startswith(("4", "5")) or status == "default":
                assert resolved(document, answer)["content"] == {PROBLEM: {"schema": problem}}, (
                    f"{name} {status}"
                )
    schema = document["components"]["schemas"]["Problem"]
    assert set(schema["required"]) == {"type", "title", "status", "detail"}


@pytest.mark.parametrize(
    "name, statuses, absent",
    [
        ("GET /api/v1/markets", {"401", "403", "422"}, {"404", "413"}),
        ("GET /api/v1/vendors/{vendor_id}", {"401", "403", "404"}, {"413"}),
        (
            "POST /api/v1/markets/{code}/vendors/import",
            {"401", "403", "404", "409", "413", "422"},
            set(),
        ),
        ("POST /api/v1/markets", {"400", "401", "403", "409", "413", "422"}, {"404"}),
        (f"POST {NOTIFY}", {"400", "401", "404", "413", "422"}, {"403"}),
        ("GET /api/v1/payment-requests/{reference}/qr.{kind}", {"404"}, {"401", "403"}),
    ],
)
def test_error_statuses_are_declared_where_they_occur(document, name, statuses, absent):
    declared = set(dict(operations(document))[name]["responses"])
    assert statuses <= declared
    assert not absent & declared


@pytest.mark.parametrize(
    "name, kinds",
    [
        ("GET /api/v1/stats/adoption", {"application/json", "text/csv", "spreadsheetml"}),
        ("GET /api/v1/stats/tuition", {"application/json", "text/csv", "spreadsheetml"}),
        ("GET /api/v1/settlements", {"application/json", "text/csv"}),
        ("GET /api/v1/schools/{code}/outstanding", {"application/json", "text/csv"}),
        ("GET /api/v1/vendors/{vendor_id}/placard.{kind}", {"image/png", "application/pdf"}),
    ],
)
def test_file_answers_are_declared_beside_json(document, name, kinds):
    content = dict(operations(document))[name]["responses"]["200"]["content"]
    assert all(any(k in kind for kind in content) for k in kinds), sorted(content)


def nullable_as_json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type, all through a schema."""
    if isinstance(node, list):
        return [nullable_as_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: nullable_as_json_schema(v) for k, v in node.items()}
    if node.pop("nullable", False) and "type" in node:
        node["type"] = [node["type"], "null"]
    return node


def test_each_provider_format_has_its_notification_body_declared(document):
    assert set(NOTIFICATION_BODIES) == set(ADAPTERS), "declare the new format's body"
    body = document["paths"][NOTIFY]["post"]["requestBody"]["content"]["application/json"]
    assert len(body["schema"]["oneOf"]) == len(ADAPTERS)
    samples = {"generic": generic_body(), "sepay": sepay_body(), "casso": casso_body()}
    components = nullable_as_json_schema(document["components"])
    for name, sample in samples.items():
        ref = {"$ref": f"#/components/schemas/{NOTIFICATION_BODIES[name].__name__[:-6]}"}
        assert jsonschema_rs.is_valid({**ref, "components": components}, sample), name
        one_of = {**body["schema"], "components": components}
        assert jsonschema_rs.is_valid(one_of, sample), f"{name} matches exactly one format"
