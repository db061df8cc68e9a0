"""Choices of the campaigns domain."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    CENSUS = "census", _("Recensement des cas d'usage")
    SURVEY = "survey", _("Enquête")


class CampaignScope(models.TextChoices):
    NATIONAL = "national", _("Nationale")
    REGIONAL = "regional", _("Régionale")


class QuestionKind(models.TextChoices):
    CHOICE = "choice", _("Choix dans une liste")
    SCALE = "scale", _("Échelle de 1 à 5")
    NUMBER = "number", _("Nombre")
    TEXT = "text", _("Texte libre")


class CensusAction(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmée sans changement")
    UPDATED = "updated", _("Mise à jour")
    DECLARED = "declared", _("Déclarée pendant la campagne")


class EmailKind(models.TextChoices):
    LAUNCH = "launch", _("Lancement")
    REMINDER = "reminder", _("Rappel avant l'échéance")
    LAST_CALL = "last_call", _("Dernier appel")
    MANUAL = "manual", _("Relance de l'équipe")


class Verdict(models.TextChoices):
    FAVOURABLE = "favourable", _("Favorable")
    RESERVATIONS = "reservations", _("Favorable avec réserves")
    UNFAVOURABLE = "unfavourable", _("Défavorable")
