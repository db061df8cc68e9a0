"""A run's private files go with it: when a run is deleted (its use case deleted, a draft purged),
its upload directory is removed once the deletion is committed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from . import files
from .models import EvaluationRun


@receiver(post_delete, sender=EvaluationRun, dispatch_uid="evaluation_run_files")
def remove_run_files(sender: type[EvaluationRun], instance: EvaluationRun, **kwargs: Any) -> None:
    if instance.upload_dir:
        upload_dir = instance.upload_dir
        transaction.on_commit(lambda: files.remove(upload_dir))
