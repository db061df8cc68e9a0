"""Enumerations of the exchange app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Fichier déposé, analyse en attente")
    ANALYSING = "analysing", _("Analyse en cours")
    ANALYSED = "analysed", _("Analyse terminée")
    QUEUED = "queued", _("En file d'attente")
    RUNNING = "running", _("Import en cours")
    DONE = "done", _("Import terminé")
    FAILED = "failed", _("Échec de l'import")


class SubscriptionStatus(models.TextChoices):
    NEW = "new", _("Jamais synchronisé")
    OK = "ok", _("Synchronisé")
    ERROR = "error", _("En erreur")
    PAUSED = "paused", _("En pause")
