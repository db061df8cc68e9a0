from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from atlasia.audit.admin_base import ReadOnlyAdmin, ReadOnlyInline

from .models import Membership, User


class MembershipInline(ReadOnlyInline):
    """Roles are given and removed on the organisation page (audited), not here."""

    model = Membership


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "email", "first_name", "last_name", "reviewer_scope", "is_platform_admin"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Atlas IA", {"fields": ("reviewer_scope", "reviewer_region", "is_platform_admin")}),
    )


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
