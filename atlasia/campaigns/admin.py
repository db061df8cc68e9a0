"""Campaigns in the admin: read only. Every write goes through ``services.py`` (permission, validation
and audit row in one transaction), i.e. through the campaign screens."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    AgendaItem,
    Answer,
    Campaign,
    CampaignEmail,
    CampaignTarget,
    CensusEntry,
    CommitteeMember,
    CommitteeSession,
    Question,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "scope", "region", "opens_on", "closes_on")
    list_filter = ("kind", "scope")
    search_fields = ("title",)


@admin.register(CampaignTarget)
class CampaignTargetAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "organisation", "responded_at", "delegate")
    list_filter = ("campaign",)
    raw_id_fields = ("campaign", "organisation", "delegate", "responded_by")


@admin.register(CensusEntry)
class CensusEntryAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "use_case", "action", "at")
    list_filter = ("action",)
    raw_id_fields = ("campaign", "use_case", "by")


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "position", "text", "kind", "version", "retired_at")
    raw_id_fields = ("campaign", "replaces")


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ("target", "question", "use_case", "answered_at")
    raw_id_fields = ("target", "question", "use_case", "answered_by")


@admin.register(CampaignEmail)
class CampaignEmailAdmin(ReadOnlyAdmin):
    list_display = ("target", "kind", "sent_at", "recipients")
    raw_id_fields = ("target",)


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ReadOnlyAdmin):
    list_display = ("user", "organisation", "expertise", "is_chair", "joined_on", "left_on")
    raw_id_fields = ("user", "organisation")


@admin.register(CommitteeSession)
class CommitteeSessionAdmin(ReadOnlyAdmin):
    list_display = ("title", "held_on")


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ("session", "use_case", "verdict", "promising", "decided_at")
    list_filter = ("verdict", "promising")
    raw_id_fields = ("session", "use_case", "decided_by")
