"""Schemathesis against the API's own OpenAPI document: generated requests (valid and invalid) to every
operation, with a live API key, must never get a 5xx and every response must match the document."""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accord.services.api_keys import create_api_key
from tests.factories import make_user

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def wsgi_keeps_the_test_connection() -> Iterator[None]:
    """Django's own test client does the same: a request must not close the connection that holds the
    test's transaction (WSGIHandler closes it when a request finishes)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(db: None) -> str:
    admin = make_user(role="admin", is_staff=True, is_superuser=True)
    return create_api_key(name="schemathesis", created_by=admin, now=timezone.now())[1]


# Loaded through the app itself at collection (Django is configured by then; no database is touched).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    # The database fixture is per test, not per example: examples share one rolled-back transaction.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_conforms_to_the_openapi_document(
    case: schemathesis.Case, api_token: str, wsgi_keeps_the_test_connection: None
) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {api_token}"}, checks=CHECKS)
