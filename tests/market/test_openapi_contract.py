"""The OpenAPI document tells the truth: schemathesis, in-process against the app, sends
generated requests to every operation as an admin and as bank staff, and finds no server error
and no answer the document does not declare (status code, content type, body schema)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import bearer, make_market, make_provider, make_school, make_user, make_vendor

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 10  # per operation: a bounded run (the whole test stays well under a minute)


@pytest.fixture
def callers(session):
    """Bearer headers of an admin and of bank staff, with a little data to find."""
    market = make_market(session, code="CHO-API")
    make_vendor(session, market, status="active")
    make_school(session, code="TH-API")
    make_provider(session)
    return [bearer(make_user(session, role)[1]) for role in ("admin", "bank_staff")]


def exercise(operation, callers: list[dict], tally: dict) -> None:
    """Generated requests to one operation, each sent as every caller, every answer checked."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        for headers in callers:
            tally["cases"] += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_every_operation_answers_only_what_the_document_declares(app, callers):
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tally, failures = {"operations": 0, "cases": 0}, []
    for result in api.get_all_operations():
        operation = result.ok()
        tally["operations"] += 1
        try:
            exercise(operation, callers, tally)
        except (AssertionError, BaseExceptionGroup) as exc:  # every failure is reported at once
            failures.append(f"{operation.label}: {exc}")
    print(f"schemathesis: {tally['operations']} operations, {tally['cases']} cases")
    assert not failures, "\n\n".join(failures)
    assert tally["operations"] >= 40
