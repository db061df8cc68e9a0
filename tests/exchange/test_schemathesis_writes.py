"""Fuzzing the API's write endpoints on a record that exists (schemathesis): the generic fuzz mostly
hits unknown identifiers (404); here every PATCH, DELETE and transition targets a real record of the
token's organisation, so that odd values (nulls, wrong types, huge numbers, NUL bytes) reach the
services. Whatever the input: no server error, and a refused write changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from atlasia.registry.models import UseCase

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open() -> Iterator[None]:
    # As in test_schemathesis.py: the WSGI handler would close the test transaction's connection.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
writes = schema.include(method=["POST", "PATCH", "DELETE"])


@writes.parametrize()
@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_write_endpoints_never_answer_a_server_error_on_a_real_record(
    case: Any, world: dict[str, Any], make_token: Any, settings: Any
) -> None:
    settings.ATLASIA_API_RATE = "100000/m"
    record = world["records"]["a_internal"]
    if case.path_parameters and "uid" in case.path_parameters:
        case.path_parameters["uid"] = str(record.uid)
    before = UseCase.objects.filter(pk=record.pk).values().first()
    response = case.call(headers={"Authorization": f"Bearer {make_token('org_a', 'referent')}"})
    assert response.status_code < 500, (
        case.method,
        case.path,
        case.body,
        response.status_code,
        response.text[:300],
    )
    if response.status_code >= 400:
        assert UseCase.objects.filter(pk=record.pk).values().first() == before, (case.method, case.body)
