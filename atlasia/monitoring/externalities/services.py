"""Writes of externalities: each service checks the permission, validates, writes and records the audit row
in one transaction; a refusal changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from atlasia.accounts.models import User
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
def externality_report(*, actor: User | None, use_case: UseCase, data: Mapping[str, Any]) -> Externality:
    """An agent reports a negative externality observed on a use case."""
    if not mperms.can_read(actor, use_case.organisation):
        _refuse(
            gettext(
                "Seuls les agents de l'organisation porteuse signalent une externalité sur ce cas d'usage."
            )
        )
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


@transaction.atomic
def externality_receive_public(
    *, use_case: UseCase, category: str, description: str, contact_email: str = ""
) -> Externality:
    """Store a problem reported by anyone on a public record (source « registre public »), for the owner
    organisation to triage like any externality. The caller (``atlasia.publication``: the public
    form) has checked that the record is public and applied the rate limit; no actor (the public is
    anonymous), the audit row records the category and whether a contact address was left."""
    if category not in ExternalityCategory.values:
        raise ValidationError({"category": gettext("Choisissez une catégorie dans la liste.")})
    externality = Externality(
        use_case=use_case,
        source=ExternalitySource.PUBLIC,
        category=category,
        description=(description or "").strip(),
        contact_email=(contact_email or "").strip(),
    )
    externality.full_clean()
    externality.save()
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        obj=externality,
        changes={"category": category, "has_contact": bool(externality.contact_email)},
        use_case_id=use_case.pk,
        organisation_id=use_case.organisation_id,
        message="Signalement reçu depuis le registre public",
    )
    return externality


def contact_emails_erase(*, older_than: Any) -> int:
    """Erase the public reporter's e-mail address from the reports received before ``older_than`` (the
    retention announced on the personal-data notice, ``ATLASIA_PROBLEM_EMAIL_RETENTION_DAYS``); the
    report itself stays with its record. Returns how many addresses were erased."""
    with transaction.atomic():
        return (
            Externality.objects.filter(created_at__lt=older_than)
            .exclude(contact_email="")
            .update(contact_email="")
        )


def externality_version(externality: Externality) -> str:
    """The version token of the triage form: the follow-up status it was shown with."""
    return version_token({"status": externality.status})


@transaction.atomic
def externality_triage(
    *, actor: User, externality: Externality, status: str, note: str = "", version: str | None = None
) -> Externality:
    """Set the follow-up status and add a note. ``version`` (:func:`externality_version`): a status
    changed by someone else since the form was shown is not silently reverted."""
    externality = (
        Externality.objects.select_for_update()
        .select_related("use_case__organisation")
        .get(pk=externality.pk)
    )
    if not can_triage(actor, externality.use_case.organisation):
        _refuse(
            gettext(
                "Seuls le référent IA, le DPO ou l'administrateur de l'organisation trient les externalités."
            )
        )
    check_version(version, {"status": externality.status}, model=Externality)
    if status not in ExternalityStatus.values:
        raise ValidationError({"status": gettext("Suivi inconnu : « %(status)s ».") % {"status": status}})
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


def _note_add(actor: User, externality: Externality, text: str) -> ExternalityNote:
    note = ExternalityNote(externality=externality, text=text.strip(), author=actor, author_label=str(actor))
    note.full_clean()
    note.save()
    _audit(actor, AuditAction.CREATE, note, use_case=externality.use_case, message="Note de suivi ajoutée")
    return note


@transaction.atomic
def externality_note_add(*, actor: User, externality: Externality, text: str) -> ExternalityNote:
    if not can_triage(actor, externality.use_case.organisation):
        _refuse(
            gettext(
                "Seuls le référent IA, le DPO ou l'administrateur de l'organisation suivent les externalités."
            )
        )
    if not text.strip():
        raise ValidationError({"text": gettext("La note est vide.")})
    return _note_add(actor, externality, text)
