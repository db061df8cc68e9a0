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
from atlasia.accounts.models import User
from atlasia.audit.concurrency import (
    check_version,
    claim_submission,
    complete_submission,
    record_state,
    version_token,
)
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


def _require(user: User, action: Action, organisation: Organisation) -> None:
    if not perms.can(user, action, organisation):
        raise PermissionDenied(
            _("Action « %(value)s » refusée pour %(organisation)s.")
            % {"value": action.value, "organisation": organisation}
        )


def _audit(
    actor: User, action: str, obj: Any, use_case: UseCase, changes: dict[str, Any], message: str = ""
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
    *, actor: User, use_case: UseCase, transition: str, reason: str = "", today: date | None = None
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


def usecase_transition_to(
    *, actor: User, use_case: UseCase, status: str, reason: str = "", today: date | None = None
) -> StatusTransition | None:
    """Move ``use_case`` to ``status`` through the transition that leads there, with its gates.

    For channels that carry a wanted status rather than a transition (a spreadsheet "Étape" column,
    an exchange record): the status is turned into the one transition from the current status to
    ``status`` that the actor's roles may fire, and :func:`usecase_transition` checks it (role,
    reason, gates) and writes the log and audit rows. Returns None when the use case is already at
    ``status``; raises :class:`TransitionRefused` (French messages) when no transition leads there
    directly or when it may not fire.
    """
    try:
        wanted = lc.Status(status)
    except ValueError:
        raise TransitionRefused(
            [lc.Refusal("unknown_status", f"Étape inconnue : « {status} ».", f"Unknown status: '{status}'.")]
        ) from None
    current = lc.Status(use_case.status)
    if wanted is current:
        return None
    facts = selectors.usecase_facts(use_case)
    candidates = lc.transitions_between(current, wanted, facts.suspended_from)
    if not candidates:
        possible = ", ".join(
            f"« {lc.STATUS_LABELS_FR[t.target]} »"
            for t in lc.TRANSITIONS
            if current in t.sources and t.target is not None
        )
        raise TransitionRefused(
            [
                lc.Refusal(
                    "no_direct_transition",
                    f"Aucune transition ne mène directement de « {lc.STATUS_LABELS_FR[current]} » à "
                    f"« {lc.STATUS_LABELS_FR[wanted]} » : étapes possibles depuis "
                    f"« {lc.STATUS_LABELS_FR[current]} » : {possible or 'aucune'}.",
                    f"No transition leads straight from '{lc.STATUS_LABELS_EN[current]}' to "
                    f"'{lc.STATUS_LABELS_EN[wanted]}'.",
                )
            ]
        )
    held = perms.roles_for(actor, use_case.organisation)
    chosen = next((t for t in candidates if t.roles & held), candidates[0])
    return usecase_transition(
        actor=actor, use_case=use_case, transition=chosen.name, reason=reason, today=today
    )


# --- review ------------------------------------------------------------------------------------------


@transaction.atomic
def usecase_mark_reviewed(*, actor: User, use_case: UseCase, today: date | None = None) -> date:
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


def compliance_version(use_case: UseCase) -> str:
    """The version token of the compliance form of ``use_case``."""
    record = ComplianceRecord.objects.filter(use_case=use_case).first()
    return version_token(record_state(record) if record else {})


@transaction.atomic
def compliance_update(
    *, actor: User, use_case: UseCase, data: Mapping[str, Any], version: str | None = None
) -> ComplianceRecord:
    """Record the DPO's DPIA decision, the FRIA completion and the registration reference.

    Owned by those who qualify (DPO, referents, organisation administrators). ``version``: the
    edit form's token (:func:`compliance_version`); a stale one is refused."""
    _require(actor, Action.USECASE_QUALIFY, use_case.organisation)
    UseCase.objects.select_for_update().filter(pk=use_case.pk).first()  # one writer at a time
    stored = ComplianceRecord.objects.select_for_update().filter(use_case=use_case).first()
    check_version(version, record_state(stored) if stored else {}, model=ComplianceRecord)
    record, created = ComplianceRecord.objects.select_for_update().get_or_create(use_case=use_case)
    before = {} if created else snapshot(record)
    previous_decision = record.dpia_decision
    for key, value in data.items():
        setattr(record, key, value)
    if record.dpia_decision != previous_decision:
        record.dpia_decided_by = actor if record.dpia_decision else None
        record.dpia_decided_at = timezone.now() if record.dpia_decision else None
    record.dpia_justification = (record.dpia_justification or "").strip()
    record.full_clean()
    contradiction = selectors.dpia_contradiction(record)
    if contradiction and not record.dpia_justification:
        raise ValidationError({"dpia_justification": contradiction})
    record.save()
    changes = diff(before, snapshot(record))
    changes.pop("dpia_decided_at", None)
    if changes:
        _audit(actor, AuditAction.CREATE if created else AuditAction.UPDATE, record, use_case, changes)
    return record


# --- prioritisation ----------------------------------------------------------------------------------


def _profile_state(profile: WeightProfile | None) -> dict[str, Any]:
    if profile is None or profile.pk is None:
        return {}
    return record_state(profile, exclude=("updated_by",))


def weight_profile_version(organisation: Organisation | None) -> str:
    """The version token of the weights form (national profile when ``organisation`` is None)."""
    if organisation is None:
        profile = WeightProfile.objects.filter(scope=ProfileScope.NATIONAL).first()
    else:
        profile = WeightProfile.objects.filter(organisation=organisation).first()
    return version_token(_profile_state(profile))


@transaction.atomic
def weight_profile_save(
    *,
    actor: User,
    organisation: Organisation | None,
    name: str,
    criterion_weights: Mapping[str, float],
    group_weights: Mapping[str, float],
    version: str | None = None,
) -> WeightProfile:
    """Create or replace the national profile (``organisation=None``) or an organisation's profile.

    National: national team or platform administrators. Organisation: its administrators
    (WEIGHTS_EDIT through a membership) or platform administrators."""
    if organisation is None:
        if not selectors.can_edit_national_weights(actor):
            raise PermissionDenied(_("Seule l'équipe nationale modifie le profil national."))
        profile = WeightProfile.objects.select_for_update().filter(scope=ProfileScope.NATIONAL).first()
        profile = profile or WeightProfile(scope=ProfileScope.NATIONAL)
    else:
        if not selectors.organisations_weights_editable_by(actor).filter(pk=organisation.pk).exists():
            raise PermissionDenied(
                _("Votre rôle ne permet pas de modifier les pondérations de cette organisation.")
            )
        profile = WeightProfile.objects.select_for_update().filter(organisation=organisation).first()
        profile = profile or WeightProfile(scope=ProfileScope.ORGANISATION, organisation=organisation)
    created = profile.pk is None
    check_version(version, _profile_state(profile), model=WeightProfile)
    before = {} if created else snapshot(profile)
    criterion = {str(k): v for k, v in criterion_weights.items()}
    groups = {str(k): v for k, v in group_weights.items()}
    if (
        not created
        and profile.name == name
        and profile.criterion_weights == criterion
        and profile.group_weights == groups
    ):
        return profile  # nothing changed
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


def _assessment_state(use_case: UseCase) -> dict[str, Any]:
    assessment = PriorityAssessment.objects.filter(use_case=use_case).first()
    return record_state(assessment, exclude=("assessed_at", "assessed_by")) if assessment else {}


def priority_assessment_version(use_case: UseCase) -> str:
    """The version token of the scoring form of ``use_case``."""
    return version_token(_assessment_state(use_case))


@transaction.atomic
def priority_assessment_save(
    *,
    actor: User,
    use_case: UseCase,
    scores: Mapping[str, tuple[int, str]],
    people_reached: int | None,
    version: str | None = None,
) -> PriorityAssessment:
    """Create or replace the scorecard: ``scores`` maps each criterion to ``(score, justification)``.
    ``version``: the form's token (:func:`priority_assessment_version`); a stale one is refused."""
    _require(actor, Action.USECASE_PRIORITISE, use_case.organisation)
    UseCase.objects.select_for_update().filter(pk=use_case.pk).first()  # one writer at a time
    check_version(version, _assessment_state(use_case), model=PriorityAssessment)
    assessment, created = PriorityAssessment.objects.select_for_update().get_or_create(use_case=use_case)
    before = {} if created else snapshot(assessment, exclude=("assessed_at", "assessed_by"))
    new_scores = {str(c): {"score": s, "justification": (j or "").strip()} for c, (s, j) in scores.items()}
    if not created and new_scores == assessment.scores and people_reached == assessment.people_reached:
        return assessment  # nothing changed: the scorecard keeps its author and date
    assessment.scores = new_scores
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


def _apply_decision(experiment: Experiment, actor: User, previous: str) -> None:
    if experiment.decision != previous:
        experiment.decided_by = actor if experiment.decision else None
        experiment.decided_at = timezone.now() if experiment.decision else None


@transaction.atomic
def experiment_create(
    *, actor: User, use_case: UseCase, data: Mapping[str, Any], submission: str | None = None
) -> Experiment:
    """``submission``: the create form's one-time key (a repeated submit returns the first result)."""
    _require(actor, Action.EXPERIMENT_EDIT, use_case.organisation)
    if (already := claim_submission(key=submission, actor=actor, model=Experiment)) is not None:
        return already
    experiment = Experiment(use_case=use_case, created_by=actor)
    for key, value in data.items():
        setattr(experiment, key, value)
    _apply_decision(experiment, actor, "")
    experiment.full_clean()
    experiment.save()
    _audit(actor, AuditAction.CREATE, experiment, use_case, diff({}, snapshot(experiment)))
    complete_submission(key=submission, obj=experiment)
    return experiment


def experiment_version(experiment: Experiment) -> str:
    """The version token of the edit form of ``experiment``."""
    return version_token(record_state(experiment))


@transaction.atomic
def experiment_update(
    *, actor: User, experiment: Experiment, data: Mapping[str, Any], version: str | None = None
) -> Experiment:
    use_case = experiment.use_case
    _require(actor, Action.EXPERIMENT_EDIT, use_case.organisation)
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    check_version(version, record_state(experiment), model=Experiment)
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
def kpi_add(*, actor: User, experiment: Experiment, data: Mapping[str, Any]) -> Kpi:
    use_case = experiment.use_case
    _require(actor, Action.EXPERIMENT_EDIT, use_case.organisation)
    kpi = Kpi(experiment=experiment, **data)
    kpi.full_clean()
    kpi.save()
    _audit(actor, AuditAction.CREATE, kpi, use_case, diff({}, snapshot(kpi)))
    return kpi


@transaction.atomic
def kpi_measurement_add(*, actor: User, kpi: Kpi, data: Mapping[str, Any]) -> KpiMeasurement:
    use_case = kpi.experiment.use_case
    _require(actor, Action.EXPERIMENT_EDIT, use_case.organisation)
    measurement = KpiMeasurement(kpi=kpi, **data)
    measurement.full_clean()
    measurement.save()
    _audit(actor, AuditAction.CREATE, measurement, use_case, diff({}, snapshot(measurement)))
    return measurement


# --- charters ----------------------------------------------------------------------------------------


def _charter_state(use_case: UseCase, charter: Charter) -> dict[str, Any]:
    rows = (
        CharterAssessment.objects.filter(use_case=use_case, principle__charter=charter)
        .select_related("principle")
        .order_by("principle")
    )
    return {a.principle.get_code_display(): {"niveau": a.level, "justification": a.evidence} for a in rows}


def charter_assessment_version(use_case: UseCase, charter: Charter) -> str:
    """The version token of the self-assessment form of ``use_case`` against ``charter``."""
    return version_token(_charter_state(use_case, charter))


@transaction.atomic
def charter_assessment_save(
    *,
    actor: User,
    use_case: UseCase,
    charter: Charter,
    rows: Iterable[Mapping[str, Any]],
    version: str | None = None,
) -> list[CharterAssessment]:
    """Replace the self-assessment of ``use_case`` against ``charter``: one row per principle
    (``principle``, ``level``, ``evidence``); a row without a level removes that principle's answer.
    ``version``: the form's token (:func:`charter_assessment_version`); a stale one is refused."""
    _require(actor, Action.USECASE_EDIT, use_case.organisation)
    UseCase.objects.select_for_update().filter(pk=use_case.pk).first()  # one writer at a time
    check_version(version, _charter_state(use_case, charter), model=CharterAssessment)
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
            raise ValidationError(_("Ce principe n'appartient pas à cette charte."))
        if not row.get("level"):
            if principle.pk in existing:
                existing[principle.pk].delete()
            continue
        assessment = existing.get(principle.pk) or CharterAssessment(use_case=use_case, principle=principle)
        evidence = (row.get("evidence") or "").strip()
        if assessment.pk and assessment.level == row["level"] and assessment.evidence == evidence:
            saved.append(assessment)  # unchanged: keeps its author and date
            continue
        assessment.level = row["level"]
        assessment.evidence = evidence
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
