"""The compliance file of a use case: obligations as work items with their evidence.

Writes go through ``services.py`` (permission, validation, audit row in one transaction), reads
through ``selectors.py``. What the qualification asks is computed by the pure core
(:mod:`atlasia.core.compliance`); these tables hold the work done on it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import EvidenceKind, ObligationStatus, SignerRole

USER = settings.AUTH_USER_MODEL


def person(user: Any) -> str:
    """A user as people read her name (« Diane Caf »), or "" for nobody."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)


class ObligationItem(models.Model):
    """One obligation of the latest qualification, as work: owner, status, due date, evidence, sign-off.

    ``key`` is the engine's obligation id (or ``gdpr_*``); a requalification updates article, title and
    due date, flags what changed (``requalification_note``) and never deletes the work done: an item
    the new result no longer asks for is kept with ``dropped=True``.
    """

    use_case = models.ForeignKey(
        "registry.UseCase",
        verbose_name=_("cas d'usage"),
        on_delete=models.CASCADE,
        related_name="obligations",
    )
    key = models.CharField(_("identifiant"), max_length=60)
    source = models.CharField(_("texte"), max_length=10)
    article = models.CharField(_("article"), max_length=80)
    title = models.CharField(_("intitulé"), max_length=400)
    title_en = models.CharField(_("intitulé (anglais)"), max_length=400)
    operator_role = models.CharField(_("rôle de l'organisme"), max_length=30, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=ObligationStatus.choices, default=ObligationStatus.TODO
    )
    status_reason = models.TextField(_("motif"), blank=True, max_length=5000)
    owner = models.ForeignKey(
        USER,
        verbose_name=_("responsable"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signer_role = models.CharField(_("validée par"), max_length=10, choices=SignerRole.choices)
    signed_off_by = models.ForeignKey(
        USER,
        verbose_name=_("validée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    qualification_version = models.PositiveIntegerField(_("version de la qualification"))
    requalification_note = models.TextField(_("ce que la requalification a changé"), blank=True)
    to_review = models.BooleanField(_("à revoir après requalification"), default=False)
    dropped = models.BooleanField(_("n'est plus exigée"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["use_case_id", "dropped", "due_date", "id"]
        verbose_name = _("obligation à suivre")
        verbose_name_plural = _("obligations à suivre")
        constraints = [
            models.UniqueConstraint(fields=["use_case", "key"], name="compliance_obligation_once_per_usecase")
        ]
        indexes = [models.Index(fields=["key", "due_date"]), models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return f"{self.title} — {self.use_case}"

    @property
    def owner_name(self) -> str:
        return person(self.owner)

    @property
    def signed_off_name(self) -> str:
        return person(self.signed_off_by)

    @property
    def is_closed(self) -> bool:
        return self.status in (ObligationStatus.DONE, ObligationStatus.NOT_APPLICABLE)


class Evidence(models.Model):
    """A proof attached to an obligation: a file (a use-case attachment, so the attachment rules apply),
    a link, or a platform object (a generated qualification document, an evaluation run, a training
    record), referred to by its id and kept with its label at the time."""

    obligation = models.ForeignKey(ObligationItem, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("nature"), max_length=30, choices=EvidenceKind.choices)
    attachment = models.ForeignKey(
        "registry.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    url = models.URLField(_("adresse"), blank=True, max_length=500)
    object_id = models.PositiveBigIntegerField(_("objet de la plateforme"), null=True, blank=True)
    label = models.CharField(_("libellé"), max_length=300)
    note = models.CharField(_("commentaire"), max_length=500, blank=True)
    added_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(_("ajoutée le"), auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("preuve")
        verbose_name_plural = _("preuves")

    def __str__(self) -> str:
        return self.label

    @property
    def added_by_name(self) -> str:
        return person(self.added_by)
