"""Writes of incidents: each service checks the permission, validates, writes and records the audit row
in one transaction; a refusal changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from atlasia.accounts.models import Membership, User
from atlasia.audit.models import AuditAction
from atlasia.audit.services import diff, snapshot
from atlasia.core import incidents as core
from atlasia.lifecycle.services import usecase_transition
from atlasia.monitoring import perms as mperms
from atlasia.monitoring.common import assign as _assign
from atlasia.monitoring.common import audit as _audit
from atlasia.monitoring.common import refuse as _refuse
from atlasia.registry.models import UseCase

from .enums import IncidentStatus
from .models import Incident, IncidentReminder

logger = logging.getLogger(__name__)


IN_SERVICE_STATUSES = ("experimentation", "evaluated", "deployed", "generalised", "suspended")

# --- incidents ---------------------------------------------------------------------------------------

INCIDENT_FIELDS = (
    "title",
    "occurred_on",
    "description",
    "people_affected",
    "severity",
    "serious_kind",
    "aware_on",
    "is_medical_device",
)


@transaction.atomic
def incident_create(*, actor: User | None, use_case: UseCase, data: Mapping[str, Any]) -> Incident:
    """Declare an incident on a use case in service. Impossible dates are refused (``clean``)."""
    if not mperms.can_declare(actor, use_case.organisation):
        _refuse(gettext("Votre rôle ne permet pas de déclarer un incident sur ce cas d'usage."))
    if use_case.status not in IN_SERVICE_STATUSES:
        raise ValidationError(
            gettext(
                "Un incident se déclare sur un cas d'usage en service "
                "(expérimentation, évalué, déployé, généralisé ou suspendu) ; celui-ci "
                "est à l'étape « %(status)s »."
            )
            % {"status": use_case.get_status_display()}
        )
    incident = Incident(
        use_case=use_case, created_by=actor if actor is not None and actor.is_authenticated else None
    )
    _assign(incident, data, INCIDENT_FIELDS)
    incident.full_clean()
    incident.save()
    _audit(
        actor,
        AuditAction.CREATE,
        incident,
        use_case=use_case,
        changes=diff({}, snapshot(incident)),
        message=f"Incident déclaré ({incident.get_severity_display()})",
    )
    return incident


@transaction.atomic
def incident_update(*, actor: User, incident: Incident, data: Mapping[str, Any]) -> Incident:
    incident = (
        Incident.objects.select_for_update().select_related("use_case__organisation").get(pk=incident.pk)
    )
    if not mperms.can_declare(actor, incident.use_case.organisation):
        _refuse(gettext("Votre rôle ne permet pas de modifier cet incident."))
    before = snapshot(incident)
    _assign(incident, data, INCIDENT_FIELDS)
    incident.full_clean()
    incident.save()
    if changes := diff(before, snapshot(incident)):
        _audit(actor, AuditAction.UPDATE, incident, use_case=incident.use_case, changes=changes)
    return incident


class IncidentTransitionRefused(ValidationError):
    """A move of the incident workflow the core refused (:func:`atlasia.core.incidents.check_move`);
    ``refusals`` keeps the codes, each message is attached to the field it concerns, in the active
    language."""

    FIELDS = {"corrective_actions_missing": "corrective_actions"}

    def __init__(self, refusals: list[core.Refusal]) -> None:
        self.refusals = refusals
        english = (translation.get_language() or "fr").startswith("en")
        errors: dict[str, list[str]] = {}
        for refusal in refusals:
            message = refusal.message_en if english else refusal.message_fr
            errors.setdefault(self.FIELDS.get(refusal.code, "status"), []).append(message)
        super().__init__(errors)


@transaction.atomic
def incident_set_status(
    *,
    actor: User | None,
    incident: Incident,
    status: str,
    corrective_actions: str | None = None,
    today: date | None = None,
) -> Incident:
    """Move the incident to ``status`` through the transition of the core's workflow that leads there
    (open → investigating → corrective actions → closed, back to investigating when the actions did
    not work). The core refuses a skipped step and closing without the corrective actions described
    (here or before); nothing is written then. The status change and its audit row (the transition's
    name) are one transaction."""
    incident = (
        Incident.objects.select_for_update().select_related("use_case__organisation").get(pk=incident.pk)
    )
    if not mperms.can_manage(actor, incident.use_case.organisation):
        _refuse(
            gettext(
                "Seuls le référent IA, le DPO ou l'administrateur de l'organisation font avancer un incident."
            )
        )
    typed = (corrective_actions or "").strip()
    facts = core.IncidentFacts(
        corrective_actions_described=bool(typed or incident.corrective_actions.strip())
    )
    refusals = core.check_move(incident.status, status, facts)
    if refusals:
        raise IncidentTransitionRefused(refusals)
    transition = core.transition_to(incident.status, status)
    assert transition is not None  # check_move refuses a status no transition leads to
    before = snapshot(incident)
    if typed:
        incident.corrective_actions = typed
    incident.status = transition.target.value
    incident.closed_on = (today or timezone.localdate()) if transition.target is core.Status.CLOSED else None
    incident.full_clean()
    incident.save()
    _audit(
        actor,
        AuditAction.TRANSITION,
        incident,
        use_case=incident.use_case,
        changes={**diff(before, snapshot(incident)), "transition": transition.name},
        message=f"Incident : {core.STATUS_LABELS_FR[transition.target]} ({transition.label_fr})",
    )
    return incident


@transaction.atomic
def incident_record_report(
    *, actor: User, incident: Incident, reported_on: date, reported_to: str, reference: str = ""
) -> Incident:
    """Record when and to whom the serious incident was reported (market surveillance authority; ANSM
    for a medical device)."""
    incident = (
        Incident.objects.select_for_update().select_related("use_case__organisation").get(pk=incident.pk)
    )
    if not mperms.can_manage(actor, incident.use_case.organisation):
        _refuse(
            gettext(
                "Seuls le référent IA, le DPO ou l'administrateur de l'organisation "
                "enregistrent le signalement."
            )
        )
    before = snapshot(incident)
    incident.reported_on = reported_on
    incident.reported_to = reported_to
    incident.report_reference = (reference or "").strip()[:200]
    incident.full_clean()
    incident.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        incident,
        use_case=incident.use_case,
        changes=diff(before, snapshot(incident)),
        message="Signalement de l'incident enregistré",
    )
    return incident


def incident_suspend_usecase(*, actor: User, incident: Incident, reason: str = "") -> Any:
    """Suspend the incident's use case through the lifecycle (``usecase_transition(transition="suspend")``),
    which checks the role, the current status and logs the transition; its refusals (French messages)
    propagate unchanged."""
    use_case = incident.use_case
    if not mperms.can_manage(actor, use_case.organisation):
        _refuse(
            gettext(
                "Seuls le référent IA, le DPO ou l'administrateur de l'organisation "
                "suspendent un cas d'usage."
            )
        )
    motive = (reason or "").strip() or f"Incident « {incident.title} » du {incident.occurred_on:%d/%m/%Y}"
    with transaction.atomic():
        log = usecase_transition(actor=actor, use_case=use_case, transition="suspend", reason=motive)
        _audit(
            actor,
            AuditAction.EVENT,
            incident,
            use_case=use_case,
            message=f"Cas d'usage suspendu à la suite de l'incident — motif : {motive}",
        )
    return log


def _reminder_recipients(organisation_id: int) -> list[str]:
    emails = (
        Membership.objects.filter(organisation_id=organisation_id, role__in=["referent", "dpo"])
        .exclude(user__email="")
        .filter(user__is_active=True)
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))


def incidents_to_remind(today: date) -> list[Incident]:
    """Serious incidents not reported yet and not closed (overdue ones included)."""
    return [
        i
        for i in Incident.objects.filter(severity="serious", reported_on__isnull=True)
        .exclude(status=IncidentStatus.CLOSED)
        .select_related("use_case__organisation")
        .order_by("aware_on", "id")
        if i.deadline is not None
    ]


def incident_reminders_send(*, today: date | None = None, base_url: str = "") -> dict[str, int]:
    """E-mail the referents and DPOs of each organisation about its unreported serious incidents: one
    e-mail per incident and per day at most (a second run the same day sends nothing)."""
    day = today or timezone.localdate()
    sent = skipped = no_recipient = 0
    for incident in incidents_to_remind(day):
        if IncidentReminder.objects.filter(incident=incident, sent_on=day).exists():
            skipped += 1
            continue
        recipients = _reminder_recipients(incident.use_case.organisation_id)
        if not recipients:
            no_recipient += 1
            continue
        context = {
            "incident": incident,
            "use_case": incident.use_case,
            "deadline": incident.deadline,
            "countdown": incident.countdown(day),
            "authority": incident.get_reported_to_display()
            if incident.reported_to
            else (
                "l'ANSM (dispositif médical)"
                if incident.is_medical_device
                else "l'autorité de surveillance du marché"
            ),
            "url": (base_url or settings.ATLASIA_BASE_URL).rstrip("/")
            + reverse("monitoring_incident", args=[incident.pk]),
        }
        subject = (
            f"[Atlas IA] Incident grave à signaler avant le {incident.deadline:%d/%m/%Y} — "
            f"{incident.use_case.title}"
        )[:200]
        body = render_to_string("monitoring/email/incident_reminder.txt", context)
        try:
            with transaction.atomic():
                IncidentReminder.objects.create(
                    incident=incident, sent_on=day, recipients=", ".join(recipients)
                )
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except IntegrityError:  # another run the same day got there first
            skipped += 1
            continue
        sent += 1
    return {"sent": sent, "already_sent_today": skipped, "without_recipient": no_recipient}
