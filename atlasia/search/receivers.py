"""The registry's save and delete signals, wired here so that the registry does not depend on search.

Why signals here (the styleguide prefers services): the registry's services, its catalogue loader
and the admin all save use cases; the search document must follow every one of those writes, and the
search app is optional for the registry. The receivers do one thing: call ``services``.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from atlasia.registry.models import UseCase
from atlasia.registry.signals import usecases_batch_finished, usecases_bulk_saved

from . import services


def _saved(sender: Any, instance: UseCase, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # fixture loading: the documents are rebuilt by ``manage.py search_reindex``
        return
    if services.document_sync(instance):
        services.embedding_schedule_on_commit(instance.pk)


def _deleted(sender: Any, instance: UseCase, **kwargs: Any) -> None:
    services.document_remove(instance.pk)


def _bulk_saved(
    sender: Any,
    use_case_ids: list[int],
    use_cases: list[UseCase] | None = None,
    in_batch: bool = False,
    **kwargs: Any,
) -> None:
    changed = services.documents_sync_many(use_case_ids, use_cases=use_cases)
    if changed and not in_batch:  # a batch embeds once, at its end (``_batch_finished``)
        services.embedding_schedule_on_commit(changed)


def _batch_finished(sender: Any, use_case_ids: list[int], **kwargs: Any) -> None:
    services.embedding_schedule_on_commit(use_case_ids)


def connect() -> None:
    post_save.connect(_saved, sender=UseCase, dispatch_uid="search_usecase_saved")
    usecases_bulk_saved.connect(_bulk_saved, sender=UseCase, dispatch_uid="search_usecases_bulk_saved")
    usecases_batch_finished.connect(
        _batch_finished, sender=UseCase, dispatch_uid="search_usecases_batch_finished"
    )
    post_delete.connect(_deleted, sender=UseCase, dispatch_uid="search_usecase_deleted")
