"""Enumerations of externalities. The public register's form offers the same categories in words meant
for the public (``atlasia.publication.enums.ProblemCategory``: same codes)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExternalityCategory(models.TextChoices):
    BIAS = "bias", _("Biais ou discrimination")
    ERROR = "error", _("Erreurs")
    EXTRA_WORK = "extra_work", _("Travail supplémentaire")
    LOSS_OF_RIGHTS = "loss_of_rights", _("Perte ou retard de droits")
    OVER_RELIANCE = "over_reliance", _("Confiance excessive dans l'outil")
    ENVIRONMENTAL = "environmental", _("Coût environnemental")
    OTHER = "other", _("Autre")


class ExternalitySource(models.TextChoices):
    """The channel an externality came through."""

    AGENT = "agent", _("Agent")
    PUBLIC = "public", _("Registre public")


class ExternalityStatus(models.TextChoices):
    NEW = "new", _("Nouveau")
    ACCEPTED = "accepted", _("Retenu")
    REJECTED = "rejected", _("Non retenu")
    ADDRESSED = "addressed", _("Traité")
