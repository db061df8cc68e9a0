"""Files prepared in the background (``FileJob``: the compliance file's ZIP, its documents, the PDFs of a
qualification): ask for one as the page's form does, follow its page and download the file it offers."""

from __future__ import annotations

from typing import Any

from django.test import Client


def prepared_response(client: Client, url: str, data: dict[str, str] | None = None) -> Any:
    """POST ``url`` (a file of the compliance file, prepared in the background: the immediate backend runs
    the job at commit), open the job's page and download the file it offers, as a plain response. The
    refusal itself (404…) when the request is refused."""
    from django.http import HttpResponse
    from django.test import TestCase

    from atlasia.compliance.models import FileJob

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data or {})
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
