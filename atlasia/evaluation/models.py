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
