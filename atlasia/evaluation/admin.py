from django.contrib import admin

from atlasia.audit.admin_base import ReadOnlyAdmin

from .models import EvaluationRun, MonitoringBatch, MonitoringSeries


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyAdmin):
    list_display = ("use_case", "version", "file_name", "status", "progress", "created_by", "created_at")
    list_filter = ("status",)
    search_fields = ("use_case__title", "file_name", "sha256")
    raw_id_fields = ("use_case", "created_by")
    # A run is a record of what was computed on which file: read-only here, runs come from the screens.
    readonly_fields = [f.name for f in EvaluationRun._meta.fields]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class _ReadOnly(ReadOnlyAdmin):
    """Monitoring series and batches come from the screens and the API (services with audit)."""


@admin.register(MonitoringSeries)
class MonitoringSeriesAdmin(_ReadOnly):
    list_display = (
        "use_case",
        "reference_name",
        "max_performance_drop",
        "max_recall_gap",
        "max_psi",
        "created_at",
    )
    search_fields = ("use_case__title", "reference_name")
    raw_id_fields = ("use_case", "created_by")


@admin.register(MonitoringBatch)
class MonitoringBatchAdmin(_ReadOnly):
    list_display = ("series", "number", "label", "n_rows", "source", "created_at", "alert_reviewed_at")
    list_filter = ("source",)
    raw_id_fields = ("series", "created_by", "alert_reviewed_by")
