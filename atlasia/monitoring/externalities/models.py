"""Models of externalities: data and integrity rules (``clean``); writes go through ``services``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atlasia.monitoring.common import fmt_date as _fmt

from .enums import ExternalityCategory, ExternalitySource, ExternalityStatus

# --- negative externalities --------------------------------------------------------------------------


class Externality(models.Model):
    """A negative externality of a use case, whatever its channel (``source``): declared by an agent of
    the organisation, or reported by anyone on a public record of the register (« Signaler un
    problème », formerly ``publication.ProblemReport``, merged here by migration 0003/0004). The owner
    organisation triages it (or its regional, then national team: ``routing``).

    ``contact_email`` is the public reporter's optional address, shown to the organisation only and
    erased after the retention period (``purge_personal_data``); ``public_report_id`` keeps the number
    of a report received before the merge."""

    use_case = models.ForeignKey(
        "registry.UseCase",
        verbose_name=_("cas d'usage"),
        on_delete=models.CASCADE,
        related_name="externalities",
    )
    source = models.CharField(_("origine"), max_length=10, choices=ExternalitySource.choices)
    category = models.CharField(_("catégorie"), max_length=20, choices=ExternalityCategory.choices)
    description = models.TextField(_("description"), max_length=5000)
    status = models.CharField(
        _("suivi"), max_length=10, choices=ExternalityStatus.choices, default=ExternalityStatus.NEW
    )
    observed_on = models.DateField(_("constaté le"), null=True, blank=True)
    contact_email = models.EmailField(_("courriel de contact"), blank=True)
    public_report_id = models.BigIntegerField(_("signalement public"), null=True, blank=True, unique=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("externalité négative")
        verbose_name_plural = _("externalités négatives")
        indexes = [models.Index(fields=["category", "status"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} — {self.use_case}"

    def clean(self) -> None:
        if self.observed_on and self.observed_on > timezone.localdate():
            raise ValidationError(
                {
                    "observed_on": _("La date (%(observed_on)s) est dans le futur.")
                    % {"observed_on": _fmt(self.observed_on)}
                }
            )
        if not self.description.strip():
            raise ValidationError({"description": _("Décrivez ce qui a été constaté.")})


class ExternalityNote(models.Model):
    externality = models.ForeignKey(Externality, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note de suivi"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("note de suivi")
        verbose_name_plural = _("notes de suivi")

    def __str__(self) -> str:
        return self.text[:60]
