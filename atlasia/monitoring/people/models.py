"""Models of people: data and integrity rules (``clean``); writes go through ``services``."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atlasia.monitoring.common import fmt_date as _fmt

from .enums import EventFormat, ModuleKind, ModuleLevel

# --- AI literacy -------------------------------------------------------------------------------------


class TrainingModule(models.Model):
    title = models.CharField(_("intitulé"), max_length=200)
    provider = models.CharField(_("organisme de formation"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=ModuleKind.choices, default=ModuleKind.EXTERNAL)
    duration_hours = models.DecimalField(_("durée (heures)"), max_digits=6, decimal_places=1)
    level = models.CharField(_("niveau"), max_length=15, choices=ModuleLevel.choices)
    url = models.URLField(_("adresse"), blank=True, max_length=500)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("proposé"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("module de formation")
        verbose_name_plural = _("modules de formation")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.duration_hours is not None and self.duration_hours <= 0:
            raise ValidationError({"duration_hours": _("La durée doit être positive.")})


class TrainingCompletion(models.Model):
    """One person (a user, or an agent named by the organisation) who completed a module."""

    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT, related_name="completions")
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="training_completions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_name = models.CharField(_("nom de la personne"), max_length=200)
    completed_on = models.DateField(_("terminé le"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name = _("formation suivie")
        verbose_name_plural = _("formations suivies")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "organisation", "person_name"], name="completion_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_name} — {self.module}"

    def clean(self) -> None:
        self.person_name = " ".join((self.person_name or "").split())
        errors: dict[str, Any] = {}
        if not self.person_name:
            errors["person_name"] = _("Indiquez la personne formée.")
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = _("La date (%(completed_on)s) est dans le futur.") % {
                "completed_on": _fmt(self.completed_on)
            }
        if errors:
            raise ValidationError(errors)


class LiteracyDeclaration(models.Model):
    """What an organisation declares: how many of its agents use AI (the denominator of coverage)."""

    organisation = models.OneToOneField(
        "registry.Organisation", on_delete=models.CASCADE, related_name="literacy_declaration"
    )
    agents_using_ai = models.PositiveIntegerField(_("agents utilisant l'IA"))
    declared_on = models.DateField(_("déclaré le"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("déclaration d'acculturation")
        verbose_name_plural = _("déclarations d'acculturation")

    def __str__(self) -> str:
        return f"{self.organisation} : {self.agents_using_ai} agents"


# --- ambassadors network -----------------------------------------------------------------------------


class NetworkEvent(models.Model):
    title = models.CharField(_("intitulé"), max_length=200)
    date = models.DateField(_("date"))
    format = models.CharField(
        _("format"), max_length=10, choices=EventFormat.choices, default=EventFormat.ONLINE
    )
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    url = models.URLField(_("lien d'inscription ou de connexion"), blank=True, max_length=500)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("événement du réseau")
        verbose_name_plural = _("événements du réseau")

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})" if self.date else self.title

    def clean(self) -> None:
        if self.format in {EventFormat.ONSITE, EventFormat.HYBRID} and not self.place.strip():
            raise ValidationError({"place": _("Indiquez le lieu d'un événement sur place.")})


def resource_path(instance: NetworkResource, filename: str) -> str:
    # The stored name never reuses the uploaded name: no path tricks, no collisions.
    return f"network/{uuid.uuid4().hex}"


class NetworkResource(models.Model):
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("adresse"), blank=True, max_length=500)
    file = models.FileField(_("fichier"), upload_to=resource_path, blank=True, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ressource du réseau")
        verbose_name_plural = _("ressources du réseau")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not self.url and not self.file:
            raise ValidationError({"url": _("Indiquez une adresse ou déposez un fichier.")})
