"""Fixtures of the compliance tests: an in-house high-risk system (Annex III 5(a), provider and deployer)
qualified through the real service, so that its obligations exist as work items."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from atlasia.qualification.services import qualification_complete


@pytest.fixture
def qualified(world: dict[str, Any], in_house_answers: dict[str, Any]) -> Any:
    """Org A's internal record, qualified by its referent (obligations created by the completion hook)."""
    use_case = world["records"]["a_internal"]
    qualification_complete(actor=world["users"]["referent"], use_case=use_case, answers=in_house_answers)
    return use_case


@pytest.fixture
def login() -> Any:
    def _login(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


def prepared_response(client: Client, url: str) -> Any:
    """POST ``url`` (a file of the compliance file, prepared in the background: the immediate backend runs
    the job at commit), open the job's page and download the file it offers, as a plain response. The
    refusal itself (404…) when the request is refused."""
    from django.http import HttpResponse
    from django.test import TestCase

    from atlasia.compliance.models import FileJob

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url)
    if response.status_code != 302:
        return response
    job = FileJob.objects.latest("pk")
    assert response["Location"] == f"/fichiers-conformite/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert job.filename and job.filename in page, page[:3000]
    download = client.get(f"/fichiers-conformite/{job.pk}/fichier/")
    plain = HttpResponse(b"".join(download.streaming_content), status=download.status_code)
    for header in ("Content-Type", "Content-Disposition"):
        plain[header] = download[header]
    return plain


def prepare(client: Client, url: str) -> bytes:
    response = prepared_response(client, url)
    assert response.status_code == 200, response.status_code
    return bytes(response.content)
