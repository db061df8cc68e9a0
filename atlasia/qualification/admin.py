from django.contrib import admin

from atlasia.audit.admin_base import ReadOnlyAdmin

from .models import Qualification, QualificationDraft


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdmin):
    list_display = ("use_case", "version", "category", "law_version", "completed_by", "completed_at")
    list_filter = ("category", "law_version")
    search_fields = ("use_case__title",)
    raw_id_fields = ("use_case", "completed_by")
    # A completed version is a record: read-only here, new versions come from the questionnaire.
    readonly_fields = (
        "use_case",
        "version",
        "answers",
        "result",
        "law_version",
        "category",
        "completed_by",
        "completed_at",
    )

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(QualificationDraft)
class QualificationDraftAdmin(ReadOnlyAdmin):
    list_display = ("use_case", "updated_by", "updated_at")
    search_fields = ("use_case__title",)
    raw_id_fields = ("use_case", "updated_by")
    readonly_fields = ("updated_at",)
