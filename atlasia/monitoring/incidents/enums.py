"""Enumerations of incidents."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    MINOR = "minor", _("Mineur")
    MAJOR = "major", _("Majeur")
    SERIOUS = "serious", _("Grave (AI Act art. 3(49))")


class SeriousKind(models.TextChoices):
    # Codes of atlasia.core.qualification.serious_incident_deadline
    GENERAL = "general", _("Incident grave — cas général (15 jours, art. 73(2))")
    DEATH = "death", _("Décès d'une personne (10 jours, art. 73(4))")
    WIDESPREAD = (
        "widespread_or_critical_infrastructure",
        _("Infraction de grande ampleur ou infrastructure critique (2 jours, art. 73(3))"),
    )


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Ouvert")
    INVESTIGATING = "investigating", _("En cours d'analyse")
    CORRECTIVE_ACTIONS = "corrective_actions", _("Actions correctives en cours")
    CLOSED = "closed", _("Clos")


class Authority(models.TextChoices):
    MARKET_SURVEILLANCE = "market_surveillance", _("Autorité de surveillance du marché")
    ANSM = "ansm", _("ANSM (dispositif médical)")
