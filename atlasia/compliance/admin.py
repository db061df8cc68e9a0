"""Read-only admin: every write of the compliance file goes through its services (permission, audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Evidence,
    FileJob,
    ObligationItem,
    Risk,
    Vendor,
    VendorCharterCheck,
    VendorDocument,
    VendorSystem,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ObligationItem)
class ObligationItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "use_case", "status", "due_date", "owner", "signed_off_at", "dropped")
    list_filter = ("status", "signer_role", "dropped")
    search_fields = ("title", "use_case__title", "key")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("label", "kind", "obligation", "added_at")
    list_filter = ("kind",)


@admin.register(FileJob)
class FileJobAdmin(ReadOnlyAdmin):
    list_display = (
        "kind",
        "fmt",
        "use_case",
        "status",
        "progress",
        "requested_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("kind", "fmt", "status")


@admin.register(Risk)
class RiskAdmin(ReadOnlyAdmin):
    list_display = ("title", "use_case", "area", "likelihood", "severity", "status", "next_review_on")
    list_filter = ("area", "status", "origin")


@admin.register(Vendor)
class VendorAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "siren", "country")
    search_fields = ("name", "siren")


@admin.register(VendorSystem)
class VendorSystemAdmin(ReadOnlyAdmin):
    list_display = ("name", "vendor", "contract_reference", "contract_end")


@admin.register(VendorDocument)
class VendorDocumentAdmin(ReadOnlyAdmin):
    list_display = ("kind", "system", "received_on")
    list_filter = ("kind",)


@admin.register(VendorCharterCheck)
class VendorCharterCheckAdmin(ReadOnlyAdmin):
    list_display = ("system", "principle", "level")
