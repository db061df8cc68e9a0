"""A questionnaire draft per use case and the completed qualifications, one immutable version each.

Writes go through ``services.py``, reads through ``selectors.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atlasia.registry.models import UseCase

from .enums import Category


class QualificationDraft(models.Model):
    """The answers being given, saved at every section submit; one per use case."""

    use_case = models.OneToOneField(
        UseCase, verbose_name=_("cas d'usage"), on_delete=models.CASCADE, related_name="qualification_draft"
    )
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("brouillon de qualification")
        verbose_name_plural = _("brouillons de qualification")

    def __str__(self) -> str:
        return f"Brouillon de qualification — {self.use_case}"


class QualificationQuerySet(models.QuerySet["Qualification"]):
    def latest_per_use_case(self) -> QualificationQuerySet:
        """The latest version of each use case (one row per use case), in one query."""
        latest = (
            Qualification.objects.filter(use_case_id=models.OuterRef("use_case_id"))
            .order_by("-version")
            .values("pk")[:1]
        )
        return self.filter(pk=models.Subquery(latest))


class Qualification(models.Model):
    """A completed qualification: the answers, the engine's output and the law version it used.

    Versions are numbered 1..n per use case and never modified: a new completion is a new version.
    ``category`` repeats ``result["ai_act"]["category"]`` so that lists and counts need no JSON query.
    """

    use_case = models.ForeignKey(
        UseCase, verbose_name=_("cas d'usage"), on_delete=models.CASCADE, related_name="qualifications"
    )
    version = models.PositiveIntegerField(_("version"))
    answers = models.JSONField(_("réponses"), default=dict)
    result = models.JSONField(_("résultat"), default=dict)
    law_version = models.CharField(_("version du droit"), max_length=40)
    category = models.CharField(_("catégorie AI Act"), max_length=20, choices=Category.choices)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("qualifié par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("qualifié le"), auto_now_add=True)

    objects = QualificationQuerySet.as_manager()

    class Meta:
        ordering = ["use_case_id", "-version"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.UniqueConstraint(fields=["use_case", "version"], name="qualification_unique_version"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="qualification_version_positive"),
        ]
        indexes = [models.Index(fields=["category"]), models.Index(fields=["law_version"])]

    def __str__(self) -> str:
        return f"Qualification v{self.version} — {self.use_case}"
