"""The index admin: a record whose embedding is not computed yet is found by full-text search and
flagged "en attente"; re-embedding after a model change is a resumable background job with progress,
started by a platform admin only, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from atlasia.audit.models import AuditEntry
from atlasia.search import embeddings, services
from atlasia.search.models import EmbeddingJob, UseCaseEmbedding
from atlasia.search.selectors import search_usecases

pytestmark = pytest.mark.django_db


def test_a_record_not_embedded_yet_is_found_by_full_text_and_flagged_pending(
    client: Any, world: dict[str, Any], make_usecase: Any
) -> None:
    # Saved outside django_capture_on_commit_callbacks: the embedding task never runs.
    record = make_usecase(world["org_a"], title="Tri automatique des courriers de réclamation")
    assert not UseCaseEmbedding.objects.filter(use_case=record).exists()
    hits = search_usecases(world["users"]["contributor"], "courrier réclamation", mode="hybrid")
    assert record.pk in {h.use_case.pk for h in hits}
    admin_user = world["users"]["admin"]
    admin_user.is_staff = True
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    url = reverse("admin:search_usecasedocument_changelist")
    pending = client.get(url, {"plongement": "attente"}).content.decode()
    assert "Tri automatique des courriers de réclamation" in pending and "en attente" in pending
    assert "Tri automatique" not in client.get(url, {"plongement": "ajour"}).content.decode()


def test_reembedding_job_is_resumable_with_progress(
    world: dict[str, Any], make_usecase: Any, e5_model: Any, django_capture_on_commit_callbacks: Any
) -> None:
    records = [make_usecase(world["org_a"], title=f"Prévision des admissions n° {i}") for i in range(5)]
    with pytest.raises(PermissionDenied):
        services.reembedding_start(actor=world["users"]["national"])
    admin_user = world["users"]["admin"]
    with django_capture_on_commit_callbacks(execute=False):
        job = services.reembedding_start(actor=admin_user)
    assert job.total >= 5 and job.status == EmbeddingJob.Status.QUEUED
    assert AuditEntry.objects.filter(object_type="search.embeddingjob", object_id=str(job.pk)).exists()
    # A second start resumes the same job instead of queueing a duplicate.
    with django_capture_on_commit_callbacks(execute=False):
        assert services.reembedding_start(actor=admin_user).pk == job.pk
    # Interrupted after two records (the worker stopped): the job keeps its progress...
    services.embeddings_compute_missing(use_case_ids=[r.pk for r in records[:2]])
    job = services.reembedding_run(job.pk)
    # ...and the resumed run embeds only what was left, then reports 100 %.
    assert job.status == EmbeddingJob.Status.DONE and job.done == job.total and job.percent == 100
    assert UseCaseEmbedding.objects.filter(
        use_case__in=records, model_name=embeddings.MODEL_NAME
    ).count() == len(records)
    assert services.embeddings_stale_ids() == []
