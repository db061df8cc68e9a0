"""Enumerations of people."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModuleKind(models.TextChoices):
    INTERNAL = "internal", _("Interne")
    EXTERNAL = "external", _("Externe")


class ModuleLevel(models.TextChoices):
    DISCOVERY = "discovery", _("Découverte")
    INTERMEDIATE = "intermediate", _("Intermédiaire")
    ADVANCED = "advanced", _("Avancé")


class EventFormat(models.TextChoices):
    ONSITE = "onsite", _("Sur place")
    ONLINE = "online", _("En ligne")
    HYBRID = "hybrid", _("Hybride")
