from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from atlasia.audit.admin_base import ReadOnlyAdmin, ReadOnlyInline

from .models import ExternalIdentity, Invitation, Membership, User


class MembershipInline(ReadOnlyInline):
    """Roles are given and removed on the organisation page (audited), not here."""

    model = Membership


class ExternalIdentityInline(admin.TabularInline):
    """ProConnect identities, read-only: the SIRET tells the administrator which organisation to grant."""

    model = ExternalIdentity
    extra = 0
    can_delete = False
    fields = ("email", "siret", "idp_id", "last_acr", "created_at", "last_login_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [ExternalIdentityInline, MembershipInline]
    list_display = [
        "username",
        "email",
        "first_name",
        "last_name",
        "reviewer_scope",
        "is_platform_admin",
        "proposed_organisation",
    ]
    readonly_fields = ["proposed_organisation"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (
            "Atlas IA",
            {"fields": ("reviewer_scope", "reviewer_region", "is_platform_admin", "proposed_organisation")},
        ),
    )

    @admin.display(description=_("organisation proposée (SIRET ProConnect)"))
    def proposed_organisation(self, obj: User) -> str:
        # The Django admin is a screen: it may show what the registry proposes (the only import of a
        # domain above accounts, listed as an exception of the layers contract in .importlinter).
        from atlasia.registry import selectors as registry_selectors

        identities = registry_selectors.proconnect_identities(obj) if obj.pk else []
        parts = []
        for identity in identities:
            if not identity.siret:
                continue
            names = ", ".join(o.name for o in identity.proposed_organisations) or _("aucune organisation")
            parts.append(f"{identity.siret} → {names}")
        return " ; ".join(parts) or "—"


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Written only by the services (with their audit rows): the administration shows, never edits."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(_ReadOnlyAdmin):
    list_display = ["email", "user", "siret", "idp_id", "last_acr", "last_login_at"]
    search_fields = ["email", "siret", "user__username"]


@admin.register(Invitation)
class InvitationAdmin(_ReadOnlyAdmin):
    list_display = [
        "email",
        "organisation",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
