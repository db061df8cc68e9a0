from django.contrib import admin

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
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "region", "siren", "finess"]
    list_filter = ["type", "region"]
    search_fields = ["name", "siren", "finess", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Theme, Pillar, AITechnique, DataCategory)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["code", "label_fr", "label_en", "position"]
    search_fields = ["code", "label_fr"]


@admin.register(Algorithm)
class AlgorithmAdmin(admin.ModelAdmin):
    list_display = ["name", "licence", "organisation"]
    search_fields = ["name"]


class SourceInline(admin.TabularInline):
    model = Source
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(UseCase)
class UseCaseAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "publication_level"]
    list_filter = ["status", "publication_level", "theme"]
    search_fields = ["title", "summary"]
    autocomplete_fields = ["organisation", "partner_organisations", "algorithm"]
    inlines = [SourceInline, ContactInline]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["title", "use_case", "size", "uploaded_at"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["url", "use_case", "reliability"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["role", "name", "use_case"]
