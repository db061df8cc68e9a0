"""Enumerations of the lifecycle app (codes shared with the pure core where the core defines them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DpiaDecision(models.TextChoices):
    # "recommended" is what the qualification engine may say; only "required" and "not_required"
    # open the DPIA gate (atlasia.core.lifecycle.DPIA_DECISIONS), so the DPO must settle it.
    REQUIRED = "required", _("AIPD requise")
    NOT_REQUIRED = "not_required", _("AIPD non requise")
    RECOMMENDED = "recommended", _("AIPD recommandée (à trancher)")


class ProfileScope(models.TextChoices):
    NATIONAL = "national", _("National")
    ORGANISATION = "organisation", _("Organisation")


class ExperimentDecision(models.TextChoices):
    GENERALISE = "generalise", _("Généraliser")
    ITERATE = "iterate", _("Itérer")
    STOP = "stop", _("Arrêter")


class CharterKind(models.TextChoices):
    USAGE = "usage", _("Charte d'usage")
    PURCHASING = "purchasing", _("Charte d'achat")
    ETHICS = "ethics", _("Charte éthique")


class PrincipleCode(models.TextChoices):
    HUMAN_PRIMACY = "human_primacy", _("Primauté humaine")
    TRANSPARENCY = "transparency", _("Transparence")
    NON_DISCRIMINATION = "non_discrimination", _("Non-discrimination")
    ENERGY_SOBRIETY = "energy_sobriety", _("Sobriété énergétique")
    SECURITY = "security", _("Sécurité")
    PRIVACY_BY_DEFAULT = "privacy_by_default", _("Protection des données dès la conception")


class AssessmentLevel(models.TextChoices):
    MET = "met", _("Respecté")
    PARTIAL = "partial", _("Partiellement respecté")
    NOT_MET = "not_met", _("Non respecté")
    NOT_APPLICABLE = "not_applicable", _("Sans objet")
