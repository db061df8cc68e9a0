from django.contrib import admin

from atlasia.audit.admin_base import ReadOnlyAdmin

from .models import AuditEntry, SubmissionKey


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log is read-only, even for administrators."""

    list_display = ["at", "actor_label", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_label"]


@admin.register(SubmissionKey)
class SubmissionKeyAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "scope", "object_id"]
    list_filter = ["scope"]
