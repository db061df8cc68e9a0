"""One evaluation of a use case's model on a file of predictions (an :class:`EvaluationRun`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import RunStatus


class EvaluationRunQuerySet(models.QuerySet["EvaluationRun"]):
    def done(self) -> EvaluationRunQuerySet:
        return self.filter(status=RunStatus.DONE)

    def versioned(self) -> EvaluationRunQuerySet:
        return self.filter(version__isnull=False)


class EvaluationRun(models.Model):
    """An evaluation of a predictions file. The uploaded file is kept in a private directory
    (``upload_dir``) only until the run ends: what is stored afterwards is the aggregated result
    (counts and metrics per group), never the rows.

    ``version`` (v1, v2… per use case) is given when the run is launched, so that an abandoned upload
    or a file rejected at the mapping step does not use a number. ``experiment_id`` refers to
    ``lifecycle.Experiment`` without a foreign key so that this app does not depend on that one; the
    service checks it belongs to the use case.
    """

    use_case = models.ForeignKey(
        "registry.UseCase",
        verbose_name=_("cas d'usage"),
        on_delete=models.CASCADE,
        related_name="evaluation_runs",
    )
    experiment_id = models.PositiveBigIntegerField(_("expérimentation"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    file_name = models.CharField(_("fichier de prédictions"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    reference_name = models.CharField(_("fichier de référence"), max_length=255, blank=True)
    reference_sha256 = models.CharField(_("empreinte SHA-256 de la référence"), max_length=64, blank=True)
    columns = models.JSONField(_("colonnes du fichier"), default=list, blank=True)
    parameters = models.JSONField(_("paramètres"), default=dict, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    step = models.CharField(_("étape en cours"), max_length=200, blank=True)
    result = models.JSONField(_("résultat"), null=True, blank=True)
    error = models.TextField(_("message d'erreur"), blank=True)
    error_column = models.CharField(_("colonne en cause"), max_length=255, blank=True)
    # The engine's message as a code and parameters (atlasia.core.messages), shown in the reader's
    # language; ``error`` keeps its French (and is all a run failed before the codes has).
    error_message = models.JSONField(_("message d'erreur (code et paramètres)"), null=True, blank=True)
    upload_dir = models.CharField(_("dossier privé du fichier"), max_length=255, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)

    objects = EvaluationRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("évaluation de modèle")
        verbose_name_plural = _("évaluations de modèle")
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "version"],
                condition=models.Q(version__isnull=False),
                name="evaluation_version_unique_per_usecase",
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="evaluation_progress_lte_100"),
        ]
        indexes = [models.Index(fields=["use_case", "-created_at"])]

    def __str__(self) -> str:
        label = f"v{self.version}" if self.version else "brouillon"
        return f"Évaluation {label} — {self.use_case}"

    @property
    def label(self) -> str:
        return f"v{self.version}" if self.version else f"n° {self.pk} (non lancée)"

    @property
    def is_finished(self) -> bool:
        return self.status in {RunStatus.DONE, RunStatus.FAILED}

    @property
    def is_pending(self) -> bool:
        return self.status in {RunStatus.QUEUED, RunStatus.RUNNING}

    @property
    def mapping(self) -> dict[str, Any]:
        return dict(self.parameters.get("mapping", {}))


class MonitoringSeries(models.Model):
    """Post-market monitoring of a use case's model (AI Act Art. 26(5), Art. 72): a reference batch,
    the organisation's thresholds, then :class:`MonitoringBatch` after batch. The reference's rows are
    not kept: only its columns, group values, a profile (quantiles, counts) and its summary figures."""

    use_case = models.OneToOneField(
        "registry.UseCase",
        verbose_name=_("cas d'usage"),
        on_delete=models.CASCADE,
        related_name="monitoring_series",
    )
    target = models.CharField(_("colonne de la valeur réelle"), max_length=255)
    pred = models.CharField(_("colonne de la décision"), max_length=255, blank=True)
    score = models.CharField(_("colonne du score"), max_length=255, blank=True)
    groups = models.JSONField(_("colonnes de groupe"), default=list, blank=True)
    max_performance_drop = models.FloatField(_("baisse de performance tolérée"), default=0.05)
    max_recall_gap = models.FloatField(_("écart de rappel toléré entre groupes"), default=0.10)
    max_psi = models.FloatField(_("dérive tolérée (PSI)"), default=0.25)
    reference_name = models.CharField(_("fichier de référence"), max_length=255)
    reference_sha256 = models.CharField(_("empreinte SHA-256 de la référence"), max_length=64)
    reference_columns = models.JSONField(_("colonnes de la référence"), default=list)
    reference_groups = models.JSONField(_("valeurs des groupes de la référence"), default=dict)
    reference_profile = models.JSONField(_("profil de la référence"), default=dict)
    reference_summary = models.JSONField(_("indicateurs de la référence"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("suivi après déploiement")
        verbose_name_plural = _("suivis après déploiement")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_performance_drop__gte=0, max_recall_gap__gte=0, max_psi__gte=0),
                name="monitoring_thresholds_non_negative",
            )
        ]

    def __str__(self) -> str:
        return f"Suivi — {self.use_case}"


class BatchSource(models.TextChoices):
    UPLOAD = "upload", _("dépôt sur la page")
    API = "api", _("API (jeton d'organisation)")
    DEMO = "demo", _("démonstration")


class MonitoringBatch(models.Model):
    """One batch of predictions of a monitoring series, evaluated against the reference: its summary
    figures, its drift table and the alerts it raised (aggregates only, never the rows)."""

    series = models.ForeignKey(
        MonitoringSeries, verbose_name=_("suivi"), on_delete=models.CASCADE, related_name="batches"
    )
    number = models.PositiveIntegerField(_("numéro"))
    label = models.CharField(_("période ou libellé"), max_length=120, blank=True)
    file_name = models.CharField(_("fichier"), max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    n_rows = models.PositiveBigIntegerField(_("lignes"), default=0)
    source = models.CharField(
        _("origine"), max_length=10, choices=BatchSource.choices, default=BatchSource.UPLOAD
    )
    summary = models.JSONField(_("indicateurs"), default=dict)
    drift = models.JSONField(_("dérive"), default=list)
    alerts = models.JSONField(_("alertes"), default=list, blank=True)
    alert_reviewed_at = models.DateTimeField(_("alerte examinée le"), null=True, blank=True)
    alert_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("reçu le"), auto_now_add=True)

    class Meta:
        ordering = ["series", "number"]
        verbose_name = _("lot de suivi")
        verbose_name_plural = _("lots de suivi")
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="monitoring_batch_number_unique")
        ]

    def __str__(self) -> str:
        return f"Lot {self.number} — {self.series.use_case}"

    @property
    def has_alert(self) -> bool:
        return bool(self.alerts)

    @property
    def alert_open(self) -> bool:
        return bool(self.alerts) and self.alert_reviewed_at is None
