"""Append-only records (the audit log, the lifecycle transition log): a row is written once, in the
transaction of the change it records, and never updated or deleted afterwards — not by the admin,
not by a service, not by a stray ``queryset.update()``.

The one update allowed is the database's own ``on_delete=SET_NULL`` of the actor when a user account
is deleted: the row keeps the actor's name (``actor_label``), only the link goes.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class ImmutableRecordError(Exception):
    """An attempt to change or delete an append-only record."""


def _refuse(model: type[models.Model], what: str) -> ImmutableRecordError:
    return ImmutableRecordError(
        f"« {model._meta.verbose_name_plural} » ne se modifie pas ({what} refusée) : "
        "chaque ligne est écrite une fois, avec le changement qu'elle enregistre."
    )


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        if set(kwargs) <= {"actor", "actor_id"} and all(v is None for v in kwargs.values()):
            return super().update(**kwargs)  # the actor's account was deleted (on_delete=SET_NULL)
        raise _refuse(self.model, "modification")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse(self.model, "suppression")


class AppendOnlyModel(models.Model):
    """Inserts only. (Cascading deletes of a parent go through the deletion collector's raw SQL.)"""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _refuse(type(self), "modification")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse(type(self), "suppression")
