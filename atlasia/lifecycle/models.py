"""Lifecycle of a use case: transition log, compliance facts, prioritisation, experiments, charters.

Models hold data and integrity rules (``clean``, which delegates to the pure core where a rule lives
there); writes go through ``services.py`` and reads through ``selectors.py``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atlasia.audit.immutable import AppendOnlyModel
from atlasia.core import economics
from atlasia.core import prioritisation as prio
from atlasia.registry.enums import Status

from .enums import (
    AssessmentLevel,
    CharterKind,
    DpiaDecision,
    ExperimentDecision,
    PrincipleCode,
    ProfileScope,
)

USER = settings.AUTH_USER_MODEL


class StatusTransition(AppendOnlyModel):
    """One move of a use case through its lifecycle: who, when, from, to, why."""

    use_case = models.ForeignKey("registry.UseCase", on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("depuis"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("vers"), max_length=20, choices=Status.choices)
    transition = models.CharField(_("transition"), max_length=40)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("auteur"), max_length=200, blank=True)
    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    reason = models.TextField(_("motif"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("changement d'étape")
        verbose_name_plural = _("changements d'étape")

    def __str__(self) -> str:
        return f"{self.use_case_id}: {self.from_status} → {self.to_status}"


class ComplianceRecord(models.Model):
    """The compliance facts the gates need and that no other module records yet: the DPO's DPIA
    decision, the FRIA completion and the EU-database registration reference. One per use case."""

    use_case = models.OneToOneField("registry.UseCase", on_delete=models.CASCADE, related_name="compliance")
    dpia_decision = models.CharField(
        _("décision sur l'AIPD"), max_length=20, choices=DpiaDecision.choices, blank=True
    )
    dpia_decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dpia_decided_at = models.DateTimeField(_("décision prise le"), null=True, blank=True)
    dpia_completed_at = models.DateField(_("AIPD réalisée le"), null=True, blank=True)
    #: Written reasons of a DPO decision that contradicts the qualification (e.g. « non requise » while
    #: the questionnaire concludes that a DPIA is required); required then, shown on the record.
    dpia_justification = models.TextField(
        _("justification de la décision sur l'AIPD"), blank=True, max_length=5000
    )
    fria_completed_at = models.DateField(
        _("analyse d'impact sur les droits fondamentaux (AIDF) réalisée le"), null=True, blank=True
    )
    registration_reference = models.CharField(
        _("référence d'enregistrement dans la base de l'UE"), max_length=100, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("conformité")
        verbose_name_plural = _("conformités")

    def __str__(self) -> str:
        return f"Conformité de {self.use_case}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.dpia_completed_at and self.dpia_decision != DpiaDecision.REQUIRED:
            errors["dpia_completed_at"] = _(
                "Une date de réalisation de l'AIPD n'a de sens que si l'AIPD est requise."
            )
        today = timezone.localdate()
        future = {
            "dpia_completed_at": _(
                "La date de réalisation de l'AIPD (%(when)s) est dans le futur : indiquez la date à laquelle "
                "elle a été réalisée, au plus tard aujourd'hui."
            ),
            "fria_completed_at": _(
                "La date de réalisation de l'AIDF (%(when)s) est dans le futur : indiquez la date à laquelle "
                "elle a été réalisée, au plus tard aujourd'hui."
            ),
        }
        for name, message in future.items():
            when = getattr(self, name)
            if when and when > today and name not in errors:
                errors[name] = message % {"when": format(when, "%d/%m/%Y")}
        if errors:
            raise ValidationError(errors)


class WeightProfile(models.Model):
    """Prioritisation weights: one national profile, at most one per organisation.

    Weights are stored as JSON (``{criterion: weight}``, ``{group: weight}``) and validated by
    :func:`atlasia.core.prioritisation.profile_problems`.
    """

    scope = models.CharField(_("portée"), max_length=20, choices=ProfileScope.choices)
    organisation = models.OneToOneField(
        "registry.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="weight_profile",
    )
    name = models.CharField(_("nom"), max_length=200)
    criterion_weights = models.JSONField(_("pondérations des critères"), default=dict)
    group_weights = models.JSONField(_("pondérations des groupes"), default=dict)
    updated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profil de pondération")
        verbose_name_plural = _("profils de pondération")
        constraints = [
            models.UniqueConstraint(
                fields=["scope"], condition=Q(scope="national"), name="lifecycle_one_national_profile"
            ),
            models.CheckConstraint(
                condition=(Q(scope="national", organisation__isnull=True))
                | (Q(scope="organisation", organisation__isnull=False)),
                name="lifecycle_profile_scope_matches_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problems = _profile_problems(self.criterion_weights, self.group_weights)
        if problems:
            raise ValidationError({"criterion_weights": problems})
        if self.scope == ProfileScope.NATIONAL and self.organisation_id:
            raise ValidationError(
                {"organisation": _("Le profil national n'appartient à aucune organisation.")}
            )
        if self.scope == ProfileScope.ORGANISATION and not self.organisation_id:
            raise ValidationError({"organisation": _("Choisissez l'organisation de ce profil.")})

    def to_core(self) -> prio.WeightProfile:
        return prio.WeightProfile(
            name=self.name, criterion_weights=self.criterion_weights, group_weights=self.group_weights
        )


def _profile_problems(criterion_weights: Any, group_weights: Any) -> list[str]:
    if not isinstance(criterion_weights, dict) or not isinstance(group_weights, dict):
        return ["Les pondérations doivent être des dictionnaires {nom: poids}."]
    cw = {prio.Criterion(k) if k in set(prio.Criterion) else k: v for k, v in criterion_weights.items()}
    gw = {prio.Group(k) if k in set(prio.Group) else k: v for k, v in group_weights.items()}
    return prio.profile_problems(cw, gw)


class PriorityAssessment(models.Model):
    """The prioritisation scorecard of a use case: each criterion 1–5 with its justification.

    ``scores`` is ``{criterion: {"score": int, "justification": str}}``; a scorecard is *complete*
    when the ten criteria are present and valid (the core's rule). Re-scoring replaces it; the audit
    log keeps the previous values.
    """

    use_case = models.OneToOneField(
        "registry.UseCase", on_delete=models.CASCADE, related_name="priority_assessment"
    )
    scores = models.JSONField(_("notes"), default=dict)
    people_reached = models.PositiveIntegerField(
        _("nombre de personnes concernées"),
        null=True,
        blank=True,
        help_text=_("Nombre de personnes (usagers, patients, agents) concernées par an."),
    )
    assessed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assessed_at = models.DateTimeField(_("noté le"), default=timezone.now)

    class Meta:
        verbose_name = _("grille de priorisation")
        verbose_name_plural = _("grilles de priorisation")

    def __str__(self) -> str:
        return f"Priorisation de {self.use_case}"

    def criterion_scores(self) -> list[prio.CriterionScore]:
        """The valid criterion scores (an invalid or missing one is left out: the core then reports it
        as missing and gives no overall score)."""
        result = []
        for criterion in prio.Criterion:
            entry = (self.scores or {}).get(criterion.value)
            if not isinstance(entry, dict):
                continue
            if prio.validate_score(criterion, entry.get("score"), entry.get("justification")):
                continue
            result.append(prio.CriterionScore(criterion, entry["score"], entry["justification"]))
        return result

    @property
    def is_complete(self) -> bool:
        return len(self.criterion_scores()) == len(prio.Criterion)

    def clean(self) -> None:
        if not isinstance(self.scores, dict):
            raise ValidationError({"scores": _("Les notes doivent être un dictionnaire par critère.")})
        messages = []
        for key, entry in self.scores.items():
            if not isinstance(entry, dict):
                messages.append(f"Critère « {key} » : valeur mal formée.")
                continue
            messages += [
                i.message_fr for i in prio.validate_score(key, entry.get("score"), entry.get("justification"))
            ]
        if messages:
            raise ValidationError({"scores": messages})


class Experiment(models.Model):
    """An experiment of a use case: protocol, medico-economic inputs, evaluation, lessons, decision.

    It is read with the visibility of its use case (publication level), so a stopped experiment stays
    visible and shareable like the use case itself.
    """

    use_case = models.ForeignKey("registry.UseCase", on_delete=models.CASCADE, related_name="experiments")
    title = models.CharField(_("intitulé"), max_length=200)
    # Protocol
    objective = models.TextField(_("objectif"))
    hypothesis = models.TextField(_("hypothèse testée"), blank=True)
    sites = models.TextField(_("sites"), blank=True)
    population = models.TextField(_("population"), blank=True)
    start_date = models.DateField(_("date de début"))
    end_date = models.DateField(_("date de fin"), null=True, blank=True)
    comparison_method = models.TextField(
        _("méthode de comparaison"),
        blank=True,
        help_text=_("Avant/après, groupe témoin, essai randomisé, comparaison entre sites…"),
    )
    # Medico-economic inputs (atlasia.core.economics.EconomicInputs)
    build_cost = models.DecimalField(
        _("coût de construction (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    run_cost_per_year = models.DecimalField(
        _("coût de fonctionnement annuel (€/an)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    hours_saved_per_year = models.DecimalField(
        _("heures d'agent gagnées par an"), max_digits=12, decimal_places=1, null=True, blank=True
    )
    cases_per_year = models.DecimalField(
        _("dossiers traités par an"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    hour_value = models.DecimalField(
        _("valeur d'une heure d'agent (€/h)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    horizon_years = models.DecimalField(
        _("horizon (années)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    hours_per_fte = models.DecimalField(
        _("heures par ETP"),
        max_digits=6,
        decimal_places=0,
        # A Decimal, not the core's float: the form shows the default as typed (« 1607 », not « 1607.0 »,
        # which a field without decimals would refuse when the form is posted back unchanged).
        default=Decimal(int(economics.LEGAL_ANNUAL_HOURS_FR)),
        help_text=_("1 607 h : durée annuelle légale du travail."),
    )
    # Evaluation and lessons
    results_summary = models.TextField(
        _("résultats de l'évaluation"),
        blank=True,
        help_text=_(
            "Ce que montrent les indicateurs et l'évaluation ; requis avant le passage à « évalué »."
        ),
    )
    what_worked = models.TextField(_("ce qui a fonctionné"), blank=True)
    what_did_not = models.TextField(_("ce qui n'a pas fonctionné"), blank=True)
    replication_conditions = models.TextField(_("conditions pour reproduire"), blank=True)
    # Decision
    decision = models.CharField(_("décision"), max_length=20, choices=ExperimentDecision.choices, blank=True)
    decision_rationale = models.TextField(_("justification de la décision"), blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    ECONOMIC_FIELDS = (
        "build_cost",
        "run_cost_per_year",
        "hours_saved_per_year",
        "cases_per_year",
        "hour_value",
        "horizon_years",
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("expérimentation")
        verbose_name_plural = _("expérimentations")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _(
                "La date de fin (%(end_date)s) est antérieure à la date de début (%(start_date)s)."
            ) % {
                "end_date": format(self.end_date, "%d/%m/%Y"),
                "start_date": format(self.start_date, "%d/%m/%Y"),
            }
        if self.decision and not self.decision_rationale.strip():
            errors["decision_rationale"] = _("Justifiez la décision (généraliser, itérer ou arrêter).")
        filled = [f for f in self.ECONOMIC_FIELDS if getattr(self, f) is not None]
        if filled and len(filled) < len(self.ECONOMIC_FIELDS):
            for name in self.ECONOMIC_FIELDS:
                if getattr(self, name) is None:
                    label = getattr(self._meta.get_field(name), "verbose_name", name)
                    errors[name] = _(
                        "« %(label)s » : renseignez toutes les données médico-économiques, ou aucune."
                    ) % {"label": label}
        elif filled:
            inputs = self.economic_inputs()
            problems = economics.check_inputs(inputs) if inputs else []
            if problems:
                errors.setdefault("build_cost", []).extend(problems)
        if errors:
            raise ValidationError(errors)

    def economic_inputs(self) -> economics.EconomicInputs | None:
        if any(getattr(self, f) is None for f in self.ECONOMIC_FIELDS):
            return None
        return economics.EconomicInputs(
            build_cost=float(self.build_cost or 0),
            run_cost_per_year=float(self.run_cost_per_year or 0),
            hours_saved_per_year=float(self.hours_saved_per_year or 0),
            cases_per_year=float(self.cases_per_year or 0),
            hour_value=float(self.hour_value or 0),
            horizon_years=float(self.horizon_years or 0),
            hours_per_fte=float(self.hours_per_fte or 0),
        )

    @property
    def is_over(self) -> bool:
        return self.end_date is not None and self.end_date < timezone.localdate()


class Kpi(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(_("indicateur"), max_length=200)
    unit = models.CharField(_("unité"), max_length=50, blank=True)
    baseline = models.FloatField(_("valeur de référence"), null=True, blank=True)
    target = models.FloatField(_("cible"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")

    def __str__(self) -> str:
        return self.name


class KpiMeasurement(models.Model):
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField(_("date"))
    value = models.FloatField(_("valeur mesurée"))
    note = models.CharField(_("commentaire"), max_length=300, blank=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("mesure")
        verbose_name_plural = _("mesures")
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "date"],
                name="lifecycle_one_measurement_per_day",
                violation_error_message="Une mesure existe déjà à cette date pour cet indicateur.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value} ({self.date})"


class Charter(models.Model):
    kind = models.CharField(_("type"), max_length=20, choices=CharterKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("présentation"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("charte")
        verbose_name_plural = _("chartes")

    def __str__(self) -> str:
        return self.name


class CharterPrinciple(models.Model):
    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="principles")
    code = models.CharField(_("principe"), max_length=30, choices=PrincipleCode.choices)
    statement = models.TextField(_("engagement"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["charter", "position", "id"]
        verbose_name = _("principe de charte")
        verbose_name_plural = _("principes de charte")
        constraints = [models.UniqueConstraint(fields=["charter", "code"], name="lifecycle_principle_once")]

    def __str__(self) -> str:
        return f"{self.charter} — {self.get_code_display()}"


class CharterAssessment(models.Model):
    use_case = models.ForeignKey(
        "registry.UseCase", on_delete=models.CASCADE, related_name="charter_assessments"
    )
    principle = models.ForeignKey(CharterPrinciple, on_delete=models.CASCADE, related_name="assessments")
    level = models.CharField(_("niveau"), max_length=20, choices=AssessmentLevel.choices)
    evidence = models.TextField(_("éléments de preuve"), blank=True)
    assessed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["principle__charter__position", "principle__position"]
        verbose_name = _("auto-évaluation")
        verbose_name_plural = _("auto-évaluations")
        constraints = [
            models.UniqueConstraint(fields=["use_case", "principle"], name="lifecycle_assessment_once")
        ]

    def __str__(self) -> str:
        return f"{self.use_case} — {self.principle}"

    def clean(self) -> None:
        if self.level in (AssessmentLevel.MET, AssessmentLevel.PARTIAL) and not self.evidence.strip():
            raise ValidationError(
                {
                    "evidence": _(
                        "Indiquez les éléments qui montrent que le principe est (partiellement) respecté."
                    )
                }
            )


class ReminderLog(models.Model):
    """One review digest sent to a user on a day: makes ``send_review_reminders`` idempotent per day."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    item_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rappel envoyé")
        verbose_name_plural = _("rappels envoyés")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="lifecycle_one_reminder_per_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
