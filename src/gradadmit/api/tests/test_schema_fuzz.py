"""The API fuzzed from its own OpenAPI schema (schemathesis, in-process through the WSGI app, with the whole
middleware stack): no server error, and every status code, content type, header and body as the schema says."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi import checks as openapi_checks

pytestmark = pytest.mark.django_db
EXAMPLES = 10  # per operation and mode


def test_the_schema_fuzzer_finds_no_server_error_and_no_schema_violation(world):
    checks = [
        schemathesis.checks.not_a_server_error,
        openapi_checks.status_code_conformance,
        openapi_checks.content_type_conformance,
        openapi_checks.response_headers_conformance,
        openapi_checks.response_schema_conformance,
    ]
    headers = {"Authorization": f"Bearer {world.tokens['office'][1]}", "Host": "localhost"}
    # A WSGI request closes the database connection when it ends; the test's transaction must outlive it
    # (Django's test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        app = get_wsgi_application()
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers={"Host": "localhost"})
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 20
        _fuzz(operations, headers, checks)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(operations, headers, checks):
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=checks)

        fuzz()
