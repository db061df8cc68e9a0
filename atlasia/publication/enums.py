"""Enumerations of the publication app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemCategory(models.TextChoices):
    """The categories of the public form, in words meant for the public: the codes are those of
    ``atlasia.monitoring.externalities.enums.ExternalityCategory`` (the report is stored as one)."""

    BIAS = "bias", _("Biais ou discrimination")
    ERROR = "error", _("Erreur ou résultat faux")
    EXTRA_WORK = "extra_work", _("Travail supplémentaire pour les agents ou les usagers")
    LOSS_OF_RIGHTS = "loss_of_rights", _("Perte ou retard de droits")
    OVER_RELIANCE = "over_reliance", _("Confiance excessive dans le résultat de l'outil")
    ENVIRONMENTAL = "environmental", _("Impact environnemental")
    OTHER = "other", _("Autre problème")


class ReportScope(models.TextChoices):
    NATION = "nation", _("National")
    REGION = "region", _("Région")
    ORGANISATION = "organisation", _("Organisation")


class RunStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")
