from django.contrib import admin

from atlasia.audit.admin_base import ReadOnlyAdmin

from .models import (
    ApiToken,
    ImportedRef,
    ImportJob,
    ImportMappingMemory,
    InstanceIdentity,
    RemoteProvenance,
    Subscription,
)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["label", "prefix", "organisation", "role", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["role"]
    # Tokens are created and revoked from the screen (audited); the admin only shows them.
    readonly_fields = [f.name for f in ApiToken._meta.fields]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["filename", "organisation", "status", "total_rows", "processed_rows", "created_at"]
    exclude = ["content", "sheet"]


@admin.register(ImportMappingMemory)
class ImportMappingMemoryAdmin(ReadOnlyAdmin):
    """Shown only: the mapping is remembered by the import screen (``import_job_set_mapping``, audited)."""

    list_display = ["organisation", "updated_by", "updated_at"]


@admin.register(ImportedRef)
class ImportedRefAdmin(ReadOnlyAdmin):
    list_display = ["external_ref", "organisation", "use_case"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["name", "base_url", "status", "last_pulled_at"]


@admin.register(RemoteProvenance)
class RemoteProvenanceAdmin(ReadOnlyAdmin):
    list_display = [
        "use_case",
        "source_instance",
        "remote_uid",
        "remote_updated_at",
        "withdrawn",
        "pulled_at",
    ]
    list_filter = ["withdrawn"]


@admin.register(InstanceIdentity)
class InstanceIdentityAdmin(ReadOnlyAdmin):
    list_display = ["uid", "created_at"]
    readonly_fields = ["uid", "created_at"]
