from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from atlasia.accounts.actor import user_of
from atlasia.audit.admin_base import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin

from . import services
from .models import (
    AITechnique,
    Algorithm,
    Attachment,
    Contact,
    DataCategory,
    Organisation,
    Pillar,
    Source,
    Theme,
    UseCase,
)


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    """Organisations have no creation screen: the admin creates and edits them through the registry
    services (platform administrators only, audited)."""

    list_display = ["name", "type", "region", "siren", "finess"]
    list_filter = ["type", "region"]
    search_fields = ["name", "siren", "finess", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Organisation:
        return services.organisation_create(actor=user_of(request), data=data)

    def service_update(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Organisation:
        return services.organisation_update(actor=user_of(request), organisation=obj, data=data)


@admin.register(Theme, Pillar, AITechnique, DataCategory)
class ReferenceAdmin(ReadOnlyAdmin):
    list_display = ["code", "label_fr", "label_en", "position"]
    search_fields = ["code", "label_fr"]


@admin.register(Algorithm)
class AlgorithmAdmin(ServiceAdmin):
    """The algorithm library is curated here, through the registry services (audited)."""

    list_display = ["name", "licence", "organisation"]
    search_fields = ["name"]

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Algorithm:
        return services.algorithm_create(actor=user_of(request), data=data)

    def service_update(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Algorithm:
        return services.algorithm_update(actor=user_of(request), algorithm=obj, data=data)


class SourceInline(ReadOnlyInline):
    model = Source
    extra = 0


class ContactInline(ReadOnlyInline):
    model = Contact
    extra = 0


@admin.register(UseCase)
class UseCaseAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "status", "publication_level"]
    list_filter = ["status", "publication_level", "theme"]
    search_fields = ["title", "summary"]
    autocomplete_fields = ["organisation", "partner_organisations", "algorithm"]
    inlines = [SourceInline, ContactInline]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["title", "use_case", "size", "uploaded_at"]


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ["url", "use_case", "reliability"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["role", "name", "use_case"]
