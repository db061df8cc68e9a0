"""Prediction files (row-level, possibly health data) do not outlive their purpose: a file whose columns
are not mapped within 24 h is deleted by a background task, and a use case's files go with it."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from atlasia.audit.models import AuditEntry
from atlasia.evaluation import services
from atlasia.evaluation.models import EvaluationRun
from atlasia.registry.services import usecase_delete

from .conftest import predictions_csv, upload


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _age(run: EvaluationRun, hours: float) -> None:
    EvaluationRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=hours))


def test_the_pages_say_when_an_unmapped_file_is_deleted(client: Any, world: Any) -> None:
    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    page = client.get(reverse("evaluation_upload", args=[use_case.pk])).content.decode()
    assert "dans les 24 heures qui suivent le dépôt, le fichier est supprimé automatiquement" in page
    upload(client, use_case, predictions_csv())
    run = EvaluationRun.objects.get()
    deadline = timezone.localtime(run.created_at + timedelta(hours=24))
    page = client.get(reverse("evaluation_mapping", args=[run.pk])).content.decode()
    assert f"le fichier sera supprimé automatiquement le {deadline.day} " in page
    assert deadline.strftime("%H:%M") in page


def test_purge_deletes_drafts_older_than_24_hours_and_keeps_recent_ones(
    client: Any, world: Any, private_uploads: Path, django_capture_on_commit_callbacks: Any
) -> None:
    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    upload(client, use_case, predictions_csv())
    upload(client, use_case, predictions_csv(seed=4))
    old, recent = EvaluationRun.objects.order_by("id")
    _age(old, 25)
    _age(recent, 23)
    assert len(_files(private_uploads)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.purge_unmapped_uploads()
    assert counts == {"drafts": 1, "refused": 0, "orphans": 0}
    assert list(EvaluationRun.objects.values_list("pk", flat=True)) == [recent.pk]
    assert [p.parent.name for p in _files(private_uploads)] == [recent.upload_dir]
    entry = AuditEntry.objects.filter(object_id=str(old.pk), action="delete").get()
    assert "24 heures" in entry.message and entry.actor is None
    # the mapping page of the purged draft is gone (404), not a 500
    assert client.get(reverse("evaluation_mapping", args=[old.pk])).status_code == 404


def test_purge_removes_the_file_of_a_refused_run_but_keeps_its_message(
    client: Any, world: Any, private_uploads: Path, django_capture_on_commit_callbacks: Any
) -> None:
    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    upload(client, use_case, predictions_csv())
    run = EvaluationRun.objects.get()
    # mapping refused: the score column holds a date
    client.post(
        reverse("evaluation_mapping", args=[run.pk]),
        {
            "target": "y_true",
            "score": "date",
            "threshold": "0.5",
            "n_resamples": "0",
            "seed": "0",
            "level": "0.95",
            "min_group_size": "30",
        },
    )
    run.refresh_from_db()
    assert run.status == "failed" and run.error and run.upload_dir
    _age(run, 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.purge_unmapped_uploads()["refused"] == 1
    run.refresh_from_db()
    assert run.upload_dir == "" and run.error and _files(private_uploads) == []


def test_orphan_directories_are_removed_after_24_hours_and_the_command_reports(
    world: Any, private_uploads: Path
) -> None:
    private_uploads.mkdir(parents=True, exist_ok=True)
    stale, fresh = private_uploads / "a", private_uploads / "b"
    for d in (stale, fresh):
        d.mkdir()
        (d / "predictions.csv").write_text("y\n1\n")
    old = time.time() - 25 * 3600
    os.utime(stale, (old, old))
    out = StringIO()
    call_command("purge_evaluation_uploads", stdout=out)
    assert "1 dossier(s) orphelin(s) supprimé(s)" in out.getvalue()
    assert not stale.exists() and fresh.exists()


def test_files_are_removed_with_their_use_case(
    client: Any, world: Any, private_uploads: Path, django_capture_on_commit_callbacks: Any
) -> None:
    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    upload(client, use_case, predictions_csv())
    assert len(_files(private_uploads)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        usecase_delete(actor=world["users"]["org_admin"], use_case=use_case)
    assert EvaluationRun.objects.count() == 0
    assert _files(private_uploads) == []


def test_upload_queues_the_purge_for_its_deadline_on_a_deferring_backend(
    client: Any, world: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, use_case, predictions_csv())
    run = EvaluationRun.objects.get()
    queued = [r for r in default_task_backend.results if r.task.name == "purge_unmapped_uploads"]
    assert len(queued) == 1
    assert queued[0].task.run_after == run.created_at + timedelta(hours=24, minutes=1)
