"""Writes of the lifecycle app. Each service checks the permission, validates (``full_clean`` and the
pure core), writes and records the audit row in one transaction; a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from atlasia.accounts import perms
from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record, diff, snapshot
from atlasia.core import lifecycle as lc
from atlasia.core.roles import Action
from atlasia.registry.models import Organisation, UseCase

from . import selectors
from .enums import ProfileScope
from .models import (
    Charter,
    CharterAssessment,
    ComplianceRecord,
    Experiment,
    Kpi,
    KpiMeasurement,
    PriorityAssessment,
    ReminderLog,
    StatusTransition,
    WeightProfile,
)


class TransitionRefused(ValidationError):
    """A transition the core refused; ``refusals`` keeps the codes, the messages are the core's French."""

    def __init__(self, refusals: list[lc.Refusal]) -> None:
        self.refusals = refusals
        super().__init__([r.message_fr for r in refusals])


def _require(user: Any, action: Action, organisation: Organisation) -> None:
    if not perms.can(user, action, organisation):
        raise PermissionDenied(f"Action « {action.value} » refusée pour {organisation}.")


def _audit(
    actor: Any, action: str, obj: Any, use_case: UseCase, changes: dict[str, Any], message: str = ""
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        changes=changes,
        use_case_id=use_case.pk,
        organisation_id=use_case.organisation_id,
        message=message,
    )


# --- transitions -------------------------------------------------------------------------------------


@transaction.atomic
def usecase_transition(
    *, actor: Any, use_case: UseCase, transition: str, reason: str = "", today: date | None = None
) -> StatusTransition:
    """Fire ``transition`` on ``use_case`` when the core allows it.

    The facts are read from the database (:func:`selectors.usecase_facts`) under a row lock, the core
    decides (:func:`atlasia.core.lifecycle.check_transition`); a refusal raises
    :class:`TransitionRefused` with every message and leaves the record, the log and the audit
    untouched. Otherwise the status and the next review date change, and the log row and the audit
    row are written in the same transaction.
    """
    use_case = UseCase.objects.select_for_update().select_related("organisation").get(pk=use_case.pk)
    roles = perms.roles_for(actor, use_case.organisation)
    facts = selectors.usecase_facts(use_case)
    refusals = lc.check_transition(use_case.status, transition, roles, facts, reason)
    if refusals:
        raise TransitionRefused(refusals)
    definition = lc.TRANSITIONS_BY_NAME[transition]
    target = lc.resolve_target(definition, facts)
    assert target is not None  # check_transition refuses a resume without a known origin
    day = today or timezone.localdate()
    before_status, before_review = use_case.status, use_case.next_review_date
    use_case.status = target.value
    use_case.next_review_date = lc.next_review_date(target, day)
    use_case.full_clean()
    use_case.save(update_fields=["status", "next_review_date", "updated_at"])
    log = StatusTransition.objects.create(
        use_case=use_case,
        from_status=before_status,
        to_status=target.value,
        transition=transition,
        actor=actor if actor.is_authenticated else None,
        actor_label=str(actor) if actor.is_authenticated else "système",
        reason=(reason or "").strip(),
    )
    _audit(
        actor,
        AuditAction.TRANSITION,
        use_case,
        use_case,
        {
            "status": [before_status, target.value],
            "next_review_date": [before_review, use_case.next_review_date],
        },
        message=f"{definition.label_fr}" + (f" — motif : {log.reason}" if log.reason else ""),
    )
    return log


# --- review ------------------------------------------------------------------------------------------


@transaction.atomic
def usecase_mark_reviewed(*, actor: Any, use_case: UseCase, today: date | None = None) -> date:
    """Confirm that a record is still accurate at its review date, without editing it: the next review
    date moves on by the status's cadence and the confirmation is audited. Returns the new date."""
    use_case = UseCase.objects.select_for_update().select_related("organisation").get(pk=use_case.pk)
    if not (
        perms.can(actor, Action.USECASE_EDIT, use_case.organisation)
        or perms.can(actor, Action.USECASE_TRANSITION, use_case.organisation)
    ):
        raise PermissionDenied(_("Vous ne pouvez pas confirmer la revue de ce cas d'usage."))
    day = today or timezone.localdate()
    following = lc.next_review_date(use_case.status, day)
    if following is None:
        raise ValidationError(_("Un cas d'usage retiré ou abandonné n'a plus de revue."))
    before = use_case.next_review_date
    use_case.next_review_date = following
    use_case.save(update_fields=["next_review_date", "updated_at"])
    _audit(
        actor,
        AuditAction.EVENT,
        use_case,
        use_case,
        {"next_review_date": [before, following]},
        message=_("Fiche relue : toujours à jour"),
    )
    return following


# --- compliance --------------------------------------------------------------------------------------


@transaction.atomic
def compliance_update(*, actor: Any, use_case: UseCase, data: Mapping[str, Any]) -> ComplianceRecord:
    """Record the DPO's DPIA decision, the FRIA completion and the registration reference.

    Owned by those who qualify (DPO, referents, organisation administrators)."""
    _require(actor, Action.USECASE_QUALIFY, use_case.organisation)
    record, created = ComplianceRecord.objects.select_for_update().get_or_create(use_case=use_case)
    before = {} if created else snapshot(record)
    previous_decision = record.dpia_decision
    for key, value in data.items():
        setattr(record, key, value)
    if record.dpia_decision != previous_decision:
        record.dpia_decided_by = actor if record.dpia_decision else None
        record.dpia_decided_at = timezone.now() if record.dpia_decision else None
    record.full_clean()
    record.save()
    changes = diff(before, snapshot(record))
    changes.pop("dpia_decided_at", None)
    if changes:
        _audit(actor, AuditAction.CREATE if created else AuditAction.UPDATE, record, use_case, changes)
    return record


# --- prioritisation ----------------------------------------------------------------------------------


@transaction.atomic
def weight_profile_save(
    *,
    actor: Any,
    organisation: Organisation | None,
    name: str,
    criterion_weights: Mapping[str, float],
    group_weights: Mapping[str, float],
) -> WeightProfile:
    """Create or replace the national profile (``organisation=None``) or an organisation's profile.

    National: national team or platform administrators. Organisation: its administrators
    (WEIGHTS_EDIT through a membership) or platform administrators."""
    if organisation is None:
        if not selectors.can_edit_national_weights(actor):
            raise PermissionDenied("Seule l'équipe nationale modifie le profil national.")
        profile = WeightProfile.objects.select_for_update().filter(scope=ProfileScope.NATIONAL).first()
        profile = profile or WeightProfile(scope=ProfileScope.NATIONAL)
    else:
        if not selectors.organisations_weights_editable_by(actor).filter(pk=organisation.pk).exists():
            raise PermissionDenied(
                "Votre rôle ne permet pas de modifier les pondérations de cette organisation."
            )
        profile = WeightProfile.objects.select_for_update().filter(organisation=organisation).first()
        profile = profile or WeightProfile(scope=ProfileScope.ORGANISATION, organisation=organisation)
    created = profile.pk is None
    before = {} if created else snapshot(profile)
    profile.name = name
    profile.criterion_weights = {str(k): v for k, v in criterion_weights.items()}
    profile.group_weights = {str(k): v for k, v in group_weights.items()}
    profile.updated_by = actor
    profile.full_clean()
    profile.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=profile,
        changes=diff(before, snapshot(profile, exclude=("updated_by",))),
        organisation_id=organisation.pk if organisation else None,
    )
    return profile


@transaction.atomic
def priority_assessment_save(
    *,
    actor: Any,
    use_case: UseCase,
    scores: Mapping[str, tuple[int, str]],
    people_reached: int | None,
) -> PriorityAssessment:
    """Create or replace the scorecard: ``scores`` maps each criterion to ``(score, justification)``."""
    _require(actor, Action.USECASE_PRIORITISE, use_case.organisation)
    assessment, created = PriorityAssessment.objects.select_for_update().get_or_create(use_case=use_case)
    before = {} if created else snapshot(assessment, exclude=("assessed_at", "assessed_by"))
    assessment.scores = {
        str(c): {"score": s, "justification": (j or "").strip()} for c, (s, j) in scores.items()
    }
    assessment.people_reached = people_reached
    assessment.assessed_by = actor
    assessment.assessed_at = timezone.now()
    assessment.full_clean()
    assessment.save()
    _audit(
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        assessment,
        use_case,
        diff(before, snapshot(assessment, exclude=("assessed_at", "assessed_by"))),
    )
    return assessment


# --- experiments -------------------------------------------------------------------------------------


def _apply_decision(experiment: Experiment, actor: Any, previous: str) -> None:
    if experiment.decision != previous:
        experiment.decided_by = actor if experiment.decision else None
        experiment.decided_at = timezone.now() if experiment.decision else None


@transaction.atomic
def experiment_create(*, actor: Any, use_case: UseCase, data: Mapping[str, Any]) -> Experiment:
    _require(actor, Action.EXPERIMENT_EDIT, use_case.organisation)
    experiment = Experiment(use_case=use_case, created_by=actor)
    for key, value in data.items():
        setattr(experiment, key, value)
    _apply_decision(experiment, actor, "")
    experiment.full_clean()
    experiment.save()
    _audit(actor, AuditAction.CREATE, experiment, use_case, diff({}, snapshot(experiment)))
    return experiment


@transaction.atomic
def experiment_update(*, actor: Any, experiment: Experiment, data: Mapping[str, Any]) -> Experiment:
    use_case = experiment.use_case
    _require(actor, Action.EXPERIMENT_EDIT, use_case.organisation)
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    before = snapshot(experiment)
    previous = experiment.decision
    for key, value in data.items():
        setattr(experiment, key, value)
    _apply_decision(experiment, actor, previous)
    experiment.full_clean()
    experiment.save()
    changes = diff(before, snapshot(experiment))
    if changes:
        _audit(actor, AuditAction.UPDATE, experiment, use_case, changes)
    return experiment


@transaction.atomic
def kpi_add(*, actor: Any, experiment: Experiment, data: Mapping[str, Any]) -> Kpi:
    use_case = experiment.use_case
    _require(actor, Action.EXPERIMENT_EDIT, use_case.organisation)
    kpi = Kpi(experiment=experiment, **data)
    kpi.full_clean()
    kpi.save()
    _audit(actor, AuditAction.CREATE, kpi, use_case, diff({}, snapshot(kpi)))
    return kpi


@transaction.atomic
def kpi_measurement_add(*, actor: Any, kpi: Kpi, data: Mapping[str, Any]) -> KpiMeasurement:
    use_case = kpi.experiment.use_case
    _require(actor, Action.EXPERIMENT_EDIT, use_case.organisation)
    measurement = KpiMeasurement(kpi=kpi, **data)
    measurement.full_clean()
    measurement.save()
    _audit(actor, AuditAction.CREATE, measurement, use_case, diff({}, snapshot(measurement)))
    return measurement


# --- charters ----------------------------------------------------------------------------------------


@transaction.atomic
def charter_assessment_save(
    *, actor: Any, use_case: UseCase, charter: Charter, rows: Iterable[Mapping[str, Any]]
) -> list[CharterAssessment]:
    """Replace the self-assessment of ``use_case`` against ``charter``: one row per principle
    (``principle``, ``level``, ``evidence``); a row without a level removes that principle's answer."""
    _require(actor, Action.USECASE_EDIT, use_case.organisation)
    principles = {p.pk: p for p in charter.principles.all()}
    existing = {
        a.principle_id: a
        for a in CharterAssessment.objects.select_for_update().filter(
            use_case=use_case, principle__charter=charter
        )
    }
    before = {
        p.get_code_display(): [existing[pk].level, existing[pk].evidence]
        for pk, p in principles.items()
        if pk in existing
    }
    saved: list[CharterAssessment] = []
    errors: dict[str, list[str]] = {}
    for row in rows:
        principle = row["principle"]
        if principle.pk not in principles:
            raise ValidationError("Ce principe n'appartient pas à cette charte.")
        if not row.get("level"):
            if principle.pk in existing:
                existing[principle.pk].delete()
            continue
        assessment = existing.get(principle.pk) or CharterAssessment(use_case=use_case, principle=principle)
        assessment.level = row["level"]
        assessment.evidence = (row.get("evidence") or "").strip()
        assessment.assessed_by = actor
        assessment.assessed_at = timezone.now()
        try:
            assessment.full_clean()
        except ValidationError as error:
            errors[principle.get_code_display()] = error.messages
            continue
        assessment.save()
        saved.append(assessment)
    if errors:
        raise ValidationError({k: v for k, v in errors.items()})
    after = {a.principle.get_code_display(): [a.level, a.evidence] for a in saved}
    changes = diff(before, after)
    if changes:
        _audit(
            actor,
            AuditAction.UPDATE,
            use_case,
            use_case,
            {f"charte {charter.name} — {k}": v for k, v in changes.items()},
        )
    return saved


# --- review reminders --------------------------------------------------------------------------------


def _base_url() -> str:
    return str(settings.ATLASIA_BASE_URL).rstrip("/")


def review_reminders_send(*, today: date | None = None) -> dict[str, int]:
    """Send each member her digest of stale records and pending decisions, at most once a day.

    Idempotent per day: a :class:`ReminderLog` row (unique per user and day) is written in the same
    transaction as the sending; a second run the same day skips whoever already got her digest, and
    a failed sending rolls the row back so that the next run retries.
    """
    day = today or timezone.localdate()
    counts = {"sent": 0, "skipped": 0, "empty": 0}
    base = _base_url()
    for user in selectors.reminder_recipients():
        items = selectors.inbox_for(user, day)
        if not items:
            counts["empty"] += 1
            continue
        with transaction.atomic():
            log, created = ReminderLog.objects.select_for_update().get_or_create(
                user=user, day=day, defaults={"item_count": len(items)}
            )
            if not created:
                counts["skipped"] += 1
                continue
            lines = [
                {"item": item, "url": base + reverse(item.url_name, args=item.url_args)} for item in items
            ]
            context = {
                "user": user,
                "lines": lines,
                "day": day,
                "inbox_url": base + reverse("lifecycle_inbox"),
            }
            subject = f"Atlas IA — {len(items)} élément{'s' if len(items) > 1 else ''} à traiter"
            send_mail(
                subject,
                render_to_string("lifecycle/email/review_digest.txt", context),
                None,
                [user.email],
            )
            audit_record(
                actor=None,
                action=AuditAction.EVENT,
                obj=log,
                changes={"éléments": len(items)},
                message=f"Rappel de revue envoyé à {user.email}",
            )
            counts["sent"] += 1
    return counts
