from django.contrib import admin

from atlasia.audit.admin_base import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    Externality,
    ExternalityNote,
    Footprint,
    Incident,
    IncidentReminder,
    LiteracyDeclaration,
    NetworkEvent,
    NetworkResource,
    TrainingCompletion,
    TrainingModule,
)


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("title", "use_case", "severity", "status", "occurred_on", "aware_on", "reported_on")
    list_filter = ("severity", "status", "serious_kind")
    search_fields = ("title", "use_case__title")
    raw_id_fields = ("use_case", "created_by")


@admin.register(IncidentReminder)
class IncidentReminderAdmin(ReadOnlyAdmin):
    list_display = ("incident", "sent_on", "recipients")
    raw_id_fields = ("incident",)


class ExternalityNoteInline(ReadOnlyInline):
    model = ExternalityNote
    extra = 0
    raw_id_fields = ("author",)


@admin.register(Externality)
class ExternalityAdmin(ReadOnlyAdmin):
    list_display = ("use_case", "category", "source", "status", "created_at")
    list_filter = ("category", "source", "status")
    search_fields = ("use_case__title", "description")
    raw_id_fields = ("use_case", "reported_by")
    inlines = [ExternalityNoteInline]


@admin.register(ExternalityNote)
class ExternalityNoteAdmin(ReadOnlyAdmin):
    list_display = ("externality", "author_label", "created_at")
    raw_id_fields = ("externality", "author")


@admin.register(Footprint)
class FootprintAdmin(ReadOnlyAdmin):
    list_display = ("use_case", "phase", "method", "energy_kwh", "co2e_kg", "water_l", "created_at")
    list_filter = ("phase", "method")
    raw_id_fields = ("use_case", "created_by")


@admin.register(TrainingModule)
class TrainingModuleAdmin(ReadOnlyAdmin):
    list_display = ("title", "provider", "kind", "level", "duration_hours", "is_active")
    list_filter = ("kind", "level", "is_active")


@admin.register(TrainingCompletion)
class TrainingCompletionAdmin(ReadOnlyAdmin):
    list_display = ("person_name", "organisation", "module", "completed_on")
    raw_id_fields = ("module", "organisation", "user", "recorded_by")


@admin.register(LiteracyDeclaration)
class LiteracyDeclarationAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "agents_using_ai", "declared_on")
    raw_id_fields = ("organisation", "declared_by")


@admin.register(NetworkEvent)
class NetworkEventAdmin(ReadOnlyAdmin):
    list_display = ("title", "date", "format", "place")


@admin.register(NetworkResource)
class NetworkResourceAdmin(ReadOnlyAdmin):
    list_display = ("title", "url", "original_name", "created_at")
