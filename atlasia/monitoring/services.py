"""Writes of the monitoring app. Each service checks the permission, validates (``full_clean``), writes
and records the audit row in one transaction; a refusal (``PermissionDenied`` or ``ValidationError``
with a French message) changes nothing.

Hooks for the apps written in parallel:

- ``atlasia.publication`` calls :func:`externality_from_public_report` when it stores a public
  ``ProblemReport`` (idempotent: a report becomes one externality at most, without the reporter's
  e-mail);
- suspension goes through ``atlasia.lifecycle.services.usecase_transition(transition="suspend")`` when
  that app is installed (:func:`incident_suspend_usecase`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import date
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from atlasia.audit.concurrency import check_version, version_token
from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record, diff, snapshot
from atlasia.core import footprint as fp
from atlasia.registry.models import Organisation, UseCase
from atlasia.registry.uploads import check_upload

from . import deadlines
from . import perms as mperms
from .enums import (
    ExternalityCategory,
    ExternalitySource,
    ExternalityStatus,
    FootprintMethod,
    IncidentStatus,
    Phase,
)
from .models import (
    Externality,
    ExternalityNote,
    Footprint,
    Incident,
    IncidentReminder,
    LiteracyDeclaration,
    NetworkEvent,
    NetworkResource,
    TrainingCompletion,
    TrainingModule,
)

logger = logging.getLogger(__name__)

#: Statuses in which a use case is in service (or was), so that an incident can happen.
IN_SERVICE_STATUSES = ("experimentation", "evaluated", "deployed", "generalised", "suspended")


def _refuse(message: str) -> None:
    raise PermissionDenied(message)


def _audit(
    actor: Any,
    action: str,
    obj: Any,
    *,
    use_case: UseCase | None = None,
    organisation_id: int | None = None,
    changes: dict[str, Any] | None = None,
    message: str = "",
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        changes=changes or {},
        use_case_id=use_case.pk if use_case else None,
        organisation_id=use_case.organisation_id if use_case else organisation_id,
        message=message,
    )


def _assign(obj: Any, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key, value in data.items():
        if key not in allowed:
            raise ValidationError(f"Champ inattendu : « {key} ».")
        setattr(obj, key, value)


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
def incident_create(*, actor: Any, use_case: UseCase, data: Mapping[str, Any]) -> Incident:
    """Declare an incident on a use case in service. Impossible dates are refused (``clean``)."""
    if not mperms.can_declare(actor, use_case.organisation):
        _refuse("Votre rôle ne permet pas de déclarer un incident sur ce cas d'usage.")
    if use_case.status not in IN_SERVICE_STATUSES:
        raise ValidationError(
            "Un incident se déclare sur un cas d'usage en service (expérimentation, évalué, déployé, "
            f"généralisé ou suspendu) ; celui-ci est à l'étape « {use_case.get_status_display()} »."
        )
    incident = Incident(use_case=use_case, created_by=actor if actor.is_authenticated else None)
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
def incident_update(*, actor: Any, incident: Incident, data: Mapping[str, Any]) -> Incident:
    incident = (
        Incident.objects.select_for_update().select_related("use_case__organisation").get(pk=incident.pk)
    )
    if not mperms.can_declare(actor, incident.use_case.organisation):
        _refuse("Votre rôle ne permet pas de modifier cet incident.")
    before = snapshot(incident)
    _assign(incident, data, INCIDENT_FIELDS)
    incident.full_clean()
    incident.save()
    if changes := diff(before, snapshot(incident)):
        _audit(actor, AuditAction.UPDATE, incident, use_case=incident.use_case, changes=changes)
    return incident


@transaction.atomic
def incident_set_status(
    *,
    actor: Any,
    incident: Incident,
    status: str,
    corrective_actions: str | None = None,
    today: date | None = None,
) -> Incident:
    """Move the incident along open → investigating → corrective actions → closed. Closing needs the
    corrective actions described (here or before)."""
    incident = (
        Incident.objects.select_for_update().select_related("use_case__organisation").get(pk=incident.pk)
    )
    if not mperms.can_manage(actor, incident.use_case.organisation):
        _refuse(
            "Seuls le référent IA, le DPO ou l'administrateur de l'organisation font avancer un incident."
        )
    allowed = deadlines.NEXT_STATUSES.get(incident.status, ())
    labels = dict(IncidentStatus.choices)
    if status not in allowed:
        possible = ", ".join(f"« {labels[s]} »" for s in allowed) or "aucun (l'incident est clos)"
        raise ValidationError(
            {
                "status": f"Passage de « {labels.get(incident.status, incident.status)} » à "
                f"« {labels.get(status, status)} » impossible. Étape(s) suivante(s) possible(s) : {possible}."
            }
        )
    before = snapshot(incident)
    if corrective_actions is not None and corrective_actions.strip():
        incident.corrective_actions = corrective_actions.strip()
    if status == IncidentStatus.CLOSED and not incident.corrective_actions.strip():
        raise ValidationError(
            {
                "corrective_actions": "Un incident ne peut être clos qu'une fois les actions "
                "correctives décrites."
            }
        )
    incident.status = status
    incident.closed_on = (today or timezone.localdate()) if status == IncidentStatus.CLOSED else None
    incident.full_clean()
    incident.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        incident,
        use_case=incident.use_case,
        changes=diff(before, snapshot(incident)),
        message=f"Incident : {labels[status]}",
    )
    return incident


@transaction.atomic
def incident_record_report(
    *, actor: Any, incident: Incident, reported_on: date, reported_to: str, reference: str = ""
) -> Incident:
    """Record when and to whom the serious incident was reported (market surveillance authority; ANSM
    for a medical device)."""
    incident = (
        Incident.objects.select_for_update().select_related("use_case__organisation").get(pk=incident.pk)
    )
    if not mperms.can_manage(actor, incident.use_case.organisation):
        _refuse(
            "Seuls le référent IA, le DPO ou l'administrateur de l'organisation enregistrent le signalement."
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


class SuspensionUnavailable(ValidationError):
    """The lifecycle app (which owns status changes) is not installed: nothing is suspended."""


def _lifecycle_transition() -> Any:
    if not apps.is_installed("atlasia.lifecycle"):
        return None
    try:
        from atlasia.lifecycle.services import usecase_transition
    except ImportError:
        return None
    return usecase_transition


def incident_suspend_usecase(*, actor: Any, incident: Incident, reason: str = "") -> Any:
    """Suspend the incident's use case through the lifecycle (``usecase_transition(transition="suspend")``),
    which checks the role, the current status and logs the transition; its refusals (French messages)
    propagate unchanged. Without the lifecycle app, refuse with a clear message."""
    use_case = incident.use_case
    if not mperms.can_manage(actor, use_case.organisation):
        _refuse(
            "Seuls le référent IA, le DPO ou l'administrateur de l'organisation suspendent un cas d'usage."
        )
    transition = _lifecycle_transition()
    if transition is None:
        raise SuspensionUnavailable(
            "La suspension passe par le module « cycle de vie », qui n'est pas installé sur cette instance : "
            "rien n'a été modifié. Changez l'étape du cas d'usage depuis sa fiche."
        )
    motive = (reason or "").strip() or f"Incident « {incident.title} » du {incident.occurred_on:%d/%m/%Y}"
    with transaction.atomic():
        log = transition(actor=actor, use_case=use_case, transition="suspend", reason=motive)
        _audit(
            actor,
            AuditAction.EVENT,
            incident,
            use_case=use_case,
            message=f"Cas d'usage suspendu à la suite de l'incident — motif : {motive}",
        )
    return log


def _reminder_recipients(organisation_id: int) -> list[str]:
    from atlasia.accounts.models import Membership

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
    if not mperms.can_triage_externality(actor, externality.use_case.organisation):
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
    if not mperms.can_triage_externality(actor, externality.use_case.organisation):
        _refuse(
            "Seuls le référent IA, le DPO ou l'administrateur de l'organisation suivent les externalités."
        )
    if not text.strip():
        raise ValidationError({"text": "La note est vide."})
    return _note_add(actor, externality, text)


# --- footprint ---------------------------------------------------------------------------------------

FOOTPRINT_DECLARED_FIELDS = (
    "phase",
    "period_start",
    "period_end",
    "energy_kwh",
    "co2e_kg",
    "water_l",
    "method_note",
)


def _require_footprint(actor: Any, use_case: UseCase) -> None:
    if not mperms.can_declare(actor, use_case.organisation):
        _refuse("Votre rôle ne permet pas de renseigner l'empreinte de ce cas d'usage.")


def _save_footprint(actor: Any, footprint: Footprint, message: str) -> Footprint:
    footprint.full_clean()
    footprint.save()
    _audit(
        actor,
        AuditAction.CREATE,
        footprint,
        use_case=footprint.use_case,
        changes=diff({}, snapshot(footprint)),
        message=message,
    )
    return footprint


@transaction.atomic
def footprint_declare(*, actor: Any, use_case: UseCase, data: Mapping[str, Any]) -> Footprint:
    """Declared figures. When only the energy is known, CO2e uses the default French electricity factor
    (``data/footprint/electricity.json``), recorded on the row."""
    _require_footprint(actor, use_case)
    footprint = Footprint(use_case=use_case, method=FootprintMethod.DECLARED, created_by=actor)
    _assign(footprint, data, FOOTPRINT_DECLARED_FIELDS)
    if footprint.energy_kwh is not None and footprint.energy_kwh >= 0 and footprint.co2e_kg is None:
        factor = fp.electricity_factor()
        footprint.carbon_factor = factor.kg_co2e_per_kwh
        footprint.co2e_kg = fp.co2e_from_energy(footprint.energy_kwh, factor.kg_co2e_per_kwh)
        footprint.method_note = (
            f"{footprint.method_note}\nÉmissions calculées avec le facteur "
            f"{factor.kg_co2e_per_kwh} kg CO2e/kWh "
            f"({factor.source})."
        ).strip()
    return _save_footprint(actor, footprint, "Empreinte déclarée")


@transaction.atomic
def footprint_import_codecarbon(
    *, actor: Any, use_case: UseCase, name: str, size: int, handle: IO[bytes], phase: str = Phase.TRAINING
) -> Footprint:
    """Import a CodeCarbon ``emissions.csv``: the rows are summed into one measured footprint. A bad file
    (missing column, negative figure, date in the future) raises a ValidationError naming the column
    or row; nothing is stored."""
    _require_footprint(actor, use_case)
    check_upload(name, size, handle)
    if not name.lower().endswith(".csv"):
        raise ValidationError(
            f"Le fichier « {name} » n'est pas un CSV : importez le fichier emissions.csv de CodeCarbon."
        )
    handle.seek(0)
    content = handle.read()
    file_hash = hashlib.sha256(content).hexdigest()
    try:
        summary = fp.parse_codecarbon_csv(content, today=timezone.localdate())
    except fp.FootprintError as error:
        raise ValidationError(f"« {name} » : {error}") from None
    # The use case row is locked so two submissions of the same file are checked one after the other.
    UseCase.objects.select_for_update().filter(pk=use_case.pk).first()
    previous = Footprint.objects.filter(use_case=use_case, source_file_hash=file_hash).first()
    if previous is not None:
        raise ValidationError(
            f"Ce fichier (« {name} », contenu identique à « {previous.source_file_name} ») a déjà été "
            f"importé pour ce cas d'usage le {timezone.localtime(previous.created_at):%d/%m/%Y} : "
            "l'importer de nouveau compterait deux fois les mêmes mesures. Rien n'a été ajouté."
        )
    already = ValidationError(
        f"Ce fichier (« {name} ») vient d'être importé pour ce cas d'usage : l'importer de nouveau "
        "compterait deux fois les mêmes mesures. Rien n'a été ajouté."
    )
    versions = ", ".join(summary.versions) or "non indiquée"
    footprint = Footprint(
        use_case=use_case,
        phase=phase,
        method=FootprintMethod.MEASURED,
        period_start=summary.first.date(),
        period_end=summary.last.date(),
        energy_kwh=summary.energy_kwh,
        co2e_kg=summary.co2e_kg,
        water_l=summary.water_l,
        source_file_name=name[:255],
        source_file_hash=file_hash,
        measurement_rows=summary.rows,
        tool_version=versions[:60],
        method_note=(
            f"Mesure CodeCarbon (version {versions}) : {summary.rows} ligne(s), durée totale "
            + f"{summary.duration_s / 3600:.1f} h".replace(".", ",")
            + (f", pays {', '.join(summary.countries)}" if summary.countries else "")
            + ". Émissions calculées par CodeCarbon avec l'intensité carbone de la zone mesurée."
        ),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            return _save_footprint(actor, footprint, f"Empreinte importée de CodeCarbon ({name})")
    except IntegrityError:  # the same file submitted twice at once (SQLite does not lock the row)
        raise already from None
    except ValidationError as error:
        if "__all__" in getattr(error, "error_dict", {}):  # the unique constraint, checked by full_clean
            raise already from None
        raise


@transaction.atomic
def footprint_estimate_genai(
    *,
    actor: Any,
    use_case: UseCase,
    provider: str,
    model: str,
    output_tokens_per_request: int,
    requests: int,
    zone: str | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> Footprint:
    """Estimate generative-AI usage with EcoLogits (offline) and store it as an inference footprint."""
    _require_footprint(actor, use_case)
    try:
        estimate = fp.estimate_genai(
            provider=provider,
            model=model,
            output_tokens_per_request=output_tokens_per_request,
            requests=requests,
            zone=zone or None,
        )
    except fp.FootprintError as error:
        raise ValidationError(str(error)) from None
    footprint = Footprint(
        use_case=use_case,
        phase=Phase.INFERENCE,
        method=FootprintMethod.ESTIMATED,
        period_start=period_start,
        period_end=period_end,
        energy_kwh=estimate.energy_kwh,
        co2e_kg=estimate.co2e_kg,
        water_l=estimate.water_l,
        provider=provider,
        model_name=model[:120],
        output_tokens_per_request=output_tokens_per_request,
        requests=requests,
        method_note=estimate.method_fr
        + (" Avertissements : " + " ".join(estimate.warnings) if estimate.warnings else ""),
        created_by=actor,
    )
    return _save_footprint(actor, footprint, "Empreinte estimée (IA générative)")


@transaction.atomic
def footprint_delete(*, actor: Any, footprint: Footprint) -> None:
    _require_footprint(actor, footprint.use_case)
    _audit(
        actor,
        AuditAction.DELETE,
        footprint,
        use_case=footprint.use_case,
        changes=diff(snapshot(footprint), {}),
    )
    footprint.delete()


# --- AI literacy -------------------------------------------------------------------------------------

MODULE_FIELDS = ("title", "provider", "kind", "duration_hours", "level", "url", "description", "is_active")


@transaction.atomic
def training_module_create(*, actor: Any, data: Mapping[str, Any]) -> TrainingModule:
    if not mperms.can_manage_network(actor):
        _refuse("Le catalogue de formation est tenu par l'équipe nationale.")
    module = TrainingModule()
    _assign(module, data, MODULE_FIELDS)
    module.full_clean()
    module.save()
    _audit(actor, AuditAction.CREATE, module, changes=diff({}, snapshot(module)))
    return module


@transaction.atomic
def training_completion_record(
    *,
    actor: Any,
    organisation: Organisation,
    module: TrainingModule,
    completed_on: date,
    user: Any = None,
    person_name: str = "",
) -> TrainingCompletion:
    """Record that a person of ``organisation`` completed ``module`` (a user of the organisation, or an
    agent named by it)."""
    if not mperms.can_manage_literacy(actor, organisation):
        _refuse(
            "Seuls le référent IA et l'administrateur de l'organisation enregistrent les formations suivies."
        )
    if user is not None:
        if not user.memberships.filter(organisation=organisation).exists():
            raise ValidationError({"user": f"{user} n'est pas membre de {organisation}."})
        person_name = person_name or user.get_full_name() or user.username
    completion = TrainingCompletion(
        module=module,
        organisation=organisation,
        user=user,
        person_name=person_name,
        completed_on=completed_on,
        recorded_by=actor,
    )
    completion.full_clean(validate_constraints=False)
    if TrainingCompletion.objects.filter(
        module=module, organisation=organisation, person_name=completion.person_name
    ).exists():
        raise ValidationError({"person_name": f"{completion.person_name} a déjà suivi « {module} »."})
    completion.save()
    _audit(
        actor,
        AuditAction.CREATE,
        completion,
        organisation_id=organisation.pk,
        changes={"module": [None, str(module)], "terminé le": [None, completed_on]},
    )
    return completion


@transaction.atomic
def literacy_declare(*, actor: Any, organisation: Organisation, agents_using_ai: int) -> LiteracyDeclaration:
    if not mperms.can_manage_literacy(actor, organisation):
        _refuse("Seuls le référent IA et l'administrateur de l'organisation déclarent l'effectif.")
    if agents_using_ai is None or agents_using_ai < 0:
        raise ValidationError({"agents_using_ai": "Le nombre d'agents ne peut pas être négatif."})
    declaration, _created = LiteracyDeclaration.objects.select_for_update().get_or_create(
        organisation=organisation,
        defaults={
            "agents_using_ai": agents_using_ai,
            "declared_on": timezone.localdate(),
            "declared_by": actor,
        },
    )
    before = declaration.agents_using_ai if not _created else None
    if not _created and before == agents_using_ai:
        return declaration  # the same figure again: nothing to record
    declaration.agents_using_ai = agents_using_ai
    declaration.declared_on = timezone.localdate()
    declaration.declared_by = actor
    declaration.full_clean()
    declaration.save()
    _audit(
        actor,
        AuditAction.CREATE if _created else AuditAction.UPDATE,
        declaration,
        organisation_id=organisation.pk,
        changes={"agents utilisant l'IA": [before, agents_using_ai]},
    )
    return declaration


# --- ambassadors network -----------------------------------------------------------------------------


@transaction.atomic
def network_event_create(*, actor: Any, data: Mapping[str, Any]) -> NetworkEvent:
    if not mperms.can_manage_network(actor):
        _refuse("Les événements du réseau sont tenus par l'équipe nationale.")
    event = NetworkEvent(created_by=actor)
    _assign(event, data, ("title", "date", "format", "place", "url", "description"))
    event.full_clean()
    event.save()
    _audit(actor, AuditAction.CREATE, event, changes=diff({}, snapshot(event)))
    return event


@transaction.atomic
def network_resource_add(
    *, actor: Any, title: str, description: str = "", url: str = "", uploaded: Any = None
) -> NetworkResource:
    """A shared resource: a link, or a file checked like any attachment (size, type by content)."""
    if not mperms.can_manage_network(actor):
        _refuse("Les ressources du réseau sont tenues par l'équipe nationale.")
    resource = NetworkResource(title=title, description=description, url=url, created_by=actor)
    stored = ""
    if uploaded is not None:
        checked = check_upload(uploaded.name or "fichier", uploaded.size or 0, uploaded.file)
        resource.original_name = (uploaded.name or "fichier")[:255]
        resource.content_type = checked.content_type
        resource.size = checked.size
        resource.file.save("upload", uploaded, save=False)
        stored = resource.file.name
    try:
        resource.full_clean(exclude=["file"] if stored else None)
        resource.save()
        _audit(actor, AuditAction.CREATE, resource, changes={"ressource": [None, resource.title]})
    except Exception:
        if stored:
            resource.file.storage.delete(stored)
        raise
    return resource


@transaction.atomic
def network_resource_delete(*, actor: Any, resource: NetworkResource) -> None:
    if not mperms.can_manage_network(actor):
        _refuse("Les ressources du réseau sont tenues par l'équipe nationale.")
    name = resource.file.name if resource.file else ""
    _audit(actor, AuditAction.DELETE, resource, changes={"ressource": [resource.title, None]})
    resource.delete()
    if name:
        storage = NetworkResource._meta.get_field("file").storage  # type: ignore[attr-defined]
        transaction.on_commit(lambda: storage.delete(name) if storage.exists(name) else None)
