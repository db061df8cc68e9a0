"""Enumerations of the monitoring app. Externality categories use the same codes as the public
register's problem categories (``atlasia.publication.enums.ProblemCategory``) so that a public report
maps onto an externality without translation."""

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


class ExternalityCategory(models.TextChoices):
    BIAS = "bias", _("Biais ou discrimination")
    ERROR = "error", _("Erreurs")
    EXTRA_WORK = "extra_work", _("Travail supplémentaire")
    LOSS_OF_RIGHTS = "loss_of_rights", _("Perte ou retard de droits")
    OVER_RELIANCE = "over_reliance", _("Confiance excessive dans l'outil")
    ENVIRONMENTAL = "environmental", _("Coût environnemental")
    OTHER = "other", _("Autre")


class ExternalitySource(models.TextChoices):
    AGENT = "agent", _("Agent")
    PUBLIC = "public", _("Registre public")


class ExternalityStatus(models.TextChoices):
    NEW = "new", _("Nouveau")
    ACCEPTED = "accepted", _("Retenu")
    REJECTED = "rejected", _("Non retenu")
    ADDRESSED = "addressed", _("Traité")


class Phase(models.TextChoices):
    TRAINING = "training", _("Entraînement")
    INFERENCE = "inference", _("Utilisation (inférence)")


class FootprintMethod(models.TextChoices):
    MEASURED = "measured", _("Mesuré (CodeCarbon)")
    ESTIMATED = "estimated", _("Estimé (EcoLogits)")
    DECLARED = "declared", _("Déclaré")


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
