from django.contrib import admin

from atlasia.audit.admin_base import ReadOnlyAdmin

from .models import ProblemReport, ReportRun


@admin.register(ProblemReport)
class ProblemReportAdmin(ReadOnlyAdmin):
    list_display = ("use_case", "category", "status", "created_at")
    list_filter = ("category", "status")
    search_fields = ("use_case__title", "description")
    raw_id_fields = ("use_case",)
    readonly_fields = ("created_at",)


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "status", "progress", "requested_by", "created_at", "finished_at")
    list_filter = ("status", "scope", "year")
    raw_id_fields = ("organisation", "requested_by")
    readonly_fields = ("input_hash", "created_at", "finished_at")
