"""Property-based fuzzing of the API from its own OpenAPI description (schemathesis): whatever the
input, anonymous or with a token, no answer is a server error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.wsgi import get_wsgi_application  # noqa: E402
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open() -> Iterator[None]:
    # The WSGI handler closes the database connection after each request; Django's test client
    # disconnects that handler, do the same (else PostgreSQL loses the test transaction).
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_endpoint_answers_a_server_error(
    case: Any, world: dict[str, Any], make_token: Any, settings: Any
) -> None:
    settings.ATLASIA_API_RATE = "100000/m"
    for headers in ({}, {"Authorization": f"Bearer {make_token('org_a', 'referent')}"}):
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
