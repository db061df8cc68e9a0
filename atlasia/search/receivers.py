"""The registry's save and delete signals, wired here so that the registry does not depend on search.

Why signals here (the styleguide prefers services): the registry's services, its catalogue loader
and the admin all save use cases; the search document must follow every one of those writes, and the
search app is optional for the registry. The receivers do one thing: call ``services``.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from atlasia.registry.models import UseCase

from . import services


def _saved(sender: Any, instance: UseCase, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # fixture loading: the documents are rebuilt by ``manage.py search_reindex``
        return
    if services.document_sync(instance):
        services.embedding_schedule_on_commit(instance.pk)


def _deleted(sender: Any, instance: UseCase, **kwargs: Any) -> None:
    services.document_remove(instance.pk)


def connect() -> None:
    post_save.connect(_saved, sender=UseCase, dispatch_uid="search_usecase_saved")
    post_delete.connect(_deleted, sender=UseCase, dispatch_uid="search_usecase_deleted")
