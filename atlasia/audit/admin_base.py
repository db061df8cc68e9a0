"""The Django admin shows domain data; it does not edit it.

Every write goes through a service that checks the permission, validates and writes its audit row in
the same transaction; the admin's generic forms would bypass all three (and the lifecycle gates). So
domain models are registered with :class:`ReadOnlyAdmin`, and the few edits that have no screen
(creating an organisation, the algorithm library) use :class:`ServiceAdmin`, whose save calls the
service with the administrator as actor.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """List and detail pages only: no add, no change, no delete, no bulk action."""

    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceAdmin(admin.ModelAdmin):
    """Add and change through services (permission, validation, audit with the admin as actor); no
    delete and no bulk action from the admin. Subclasses implement :meth:`service_create` and
    :meth:`service_update`."""

    actions = None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def service_update(self, request: HttpRequest, obj: models.Model, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        fields = form.changed_data if change else list(form.cleaned_data)
        data = {name: form.cleaned_data[name] for name in fields if name in form.cleaned_data}
        try:
            if change:
                stored = type(obj)._default_manager.get(pk=obj.pk)
                saved = self.service_update(request, stored, data)
            else:
                saved = self.service_create(request, data)
        except PermissionDenied:
            raise
        except ValidationError as error:
            # The form already ran the model's validation; a service rule that differs is reported,
            # and the admin's transaction rolls back.
            raise PermissionDenied(" ".join(error.messages)) from error
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        # Many-to-many values were passed to the service with the other fields.
        return None
