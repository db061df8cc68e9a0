from django.contrib import admin

from .models import ApiToken, ImportedRef, ImportJob, ImportMappingMemory, RemoteProvenance, Subscription


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["label", "prefix", "organisation", "role", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["role"]
    # Tokens are created and revoked from the screen (audited); the admin only shows them.
    readonly_fields = [f.name for f in ApiToken._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "organisation", "status", "total_rows", "processed_rows", "created_at"]
    exclude = ["content", "sheet"]


@admin.register(ImportMappingMemory)
class ImportMappingMemoryAdmin(admin.ModelAdmin):
    """Shown only: the mapping is remembered by the import screen (``import_job_set_mapping``, audited)."""

    list_display = ["organisation", "updated_by", "updated_at"]
    readonly_fields = ["organisation", "mapping", "updated_by", "updated_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ImportedRef)
class ImportedRefAdmin(admin.ModelAdmin):
    list_display = ["external_ref", "organisation", "use_case"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["name", "base_url", "status", "last_pulled_at"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RemoteProvenance)
class RemoteProvenanceAdmin(admin.ModelAdmin):
    list_display = [
        "use_case",
        "source_instance",
        "remote_uid",
        "remote_updated_at",
        "withdrawn",
        "pulled_at",
    ]
    list_filter = ["withdrawn"]
