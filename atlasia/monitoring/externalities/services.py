"""Writes of externalities: each service checks the permission, validates, writes and records the audit row
in one transaction; a refusal changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from atlasia.audit.concurrency import check_version, version_token
from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record
from atlasia.monitoring import perms as mperms
from atlasia.monitoring.common import assign as _assign
from atlasia.monitoring.common import audit as _audit
from atlasia.monitoring.common import refuse as _refuse
from atlasia.registry.models import UseCase

from .enums import ExternalityCategory, ExternalitySource, ExternalityStatus
from .models import Externality, ExternalityNote
from .routing import can_triage

logger = logging.getLogger(__name__)


# --- negative externalities --------------------------------------------------------------------------


@transaction.atomic
def externality_report(*, actor: Any, use_case: UseCase, data: Mapping[str, Any]) -> Externality:
    """An agent reports a negative externality observed on a use case."""
    if not mperms.can_read(actor, use_case.organisation):
        _refuse("Seuls les agents de l'organisation porteuse signalent une externalité sur ce cas d'usage.")
    externality = Externality(use_case=use_case, source=ExternalitySource.AGENT, reported_by=actor)
    _assign(externality, data, ("category", "description", "observed_on"))
    externality.full_clean()
    externality.save()
    _audit(
        actor,
        AuditAction.CREATE,
        externality,
        use_case=use_case,
        changes={"catégorie": [None, externality.category]},
        message="Externalité négative signalée",
    )
    return externality


PUBLIC_CATEGORY_MAP = {c.value: c.value for c in ExternalityCategory}


@transaction.atomic
def externality_from_public_report(report: Any) -> Externality:
    """Mirror a public-register ``ProblemReport`` as an externality (source « registre public »), for the
    owner organisation to triage. Idempotent (one externality per report); the reporter's e-mail is
    not copied. Call it from the publication service that stores the report."""
    existing = Externality.objects.filter(public_report_id=report.pk).first()
    if existing is not None:
        return existing
    externality = Externality(
        use_case_id=report.use_case_id,
        source=ExternalitySource.PUBLIC,
        category=PUBLIC_CATEGORY_MAP.get(str(report.category), ExternalityCategory.OTHER),
        description=str(report.description)[:5000],
        public_report_id=report.pk,
    )
    externality.full_clean(exclude=["use_case"])
    externality.save()
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        obj=externality,
        changes={"catégorie": [None, externality.category]},
        use_case_id=report.use_case_id,
        organisation_id=UseCase.objects.filter(pk=report.use_case_id)
        .values_list("organisation_id", flat=True)
        .first(),
        message="Externalité reprise d'un signalement du registre public",
    )
    return externality


def externality_version(externality: Externality) -> str:
    """The version token of the triage form: the follow-up status it was shown with."""
    return version_token({"status": externality.status})


@transaction.atomic
def externality_triage(
    *, actor: Any, externality: Externality, status: str, note: str = "", version: str | None = None
) -> Externality:
    """Set the follow-up status and add a note. ``version`` (:func:`externality_version`): a status
    changed by someone else since the form was shown is not silently reverted."""
    externality = (
        Externality.objects.select_for_update()
        .select_related("use_case__organisation")
        .get(pk=externality.pk)
    )
    if not can_triage(actor, externality.use_case.organisation):
        _refuse("Seuls le référent IA, le DPO ou l'administrateur de l'organisation trient les externalités.")
    check_version(version, {"status": externality.status}, model=Externality)
    if status not in ExternalityStatus.values:
        raise ValidationError({"status": f"Suivi inconnu : « {status} »."})
    before = externality.status
    externality.status = status
    externality.full_clean()
    externality.save()
    if note.strip():
        _note_add(actor, externality, note)
    if before != status:
        _audit(
            actor,
            AuditAction.UPDATE,
            externality,
            use_case=externality.use_case,
            changes={"status": [before, status]},
        )
    return externality


def _note_add(actor: Any, externality: Externality, text: str) -> ExternalityNote:
    note = ExternalityNote(externality=externality, text=text.strip(), author=actor, author_label=str(actor))
    note.full_clean()
    note.save()
    _audit(actor, AuditAction.CREATE, note, use_case=externality.use_case, message="Note de suivi ajoutée")
    return note


@transaction.atomic
def externality_note_add(*, actor: Any, externality: Externality, text: str) -> ExternalityNote:
    if not can_triage(actor, externality.use_case.organisation):
        _refuse(
            "Seuls le référent IA, le DPO ou l'administrateur de l'organisation suivent les externalités."
        )
    if not text.strip():
        raise ValidationError({"text": "La note est vide."})
    return _note_add(actor, externality, text)
