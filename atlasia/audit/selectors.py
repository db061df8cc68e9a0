"""Reading the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEntry


def history_of_use_case(use_case_id: int) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(use_case_id=use_case_id).select_related("actor").order_by("-at", "-id")


def history_of_organisation(organisation_id: int) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(organisation_id=organisation_id, use_case_id__isnull=True).order_by(
        "-at", "-id"
    )
