from django.contrib import admin

from atlasia.audit.admin_base import ReadOnlyAdmin

from .models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "status", "progress", "requested_by", "created_at", "finished_at")
    list_filter = ("status", "scope", "year")
    raw_id_fields = ("organisation", "requested_by")
    readonly_fields = ("input_hash", "created_at", "finished_at")
