"""Enumerations of footprint."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    TRAINING = "training", _("Entraînement")
    INFERENCE = "inference", _("Utilisation (inférence)")


class FootprintMethod(models.TextChoices):
    MEASURED = "measured", _("Mesuré (CodeCarbon)")
    ESTIMATED = "estimated", _("Estimé (EcoLogits)")
    DECLARED = "declared", _("Déclaré")
