"""Enumerations of the registry. Codes match ``data/reference/*.json`` (a consistency test checks it)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    HOSPITAL = "hospital", _("Établissement de santé / GHT")
    ESSMS = "essms", _("EHPAD et autres ESSMS")
    MDPH = "mdph", _("MDPH")
    DEPARTMENT = "department", _("Conseil départemental")
    ARS = "ars", _("Agence régionale de santé (ARS)")
    CNSA = "cnsa", _("CNSA")
    CNAM = "cnam", _("Cnam / CPAM")
    CNAF = "cnaf", _("Cnaf / CAF")
    CNAV = "cnav", _("Cnav / Carsat")
    MSA = "msa", _("MSA")
    URSSAF = "urssaf", _("Urssaf")
    NATIONAL_AGENCY = "national_agency", _("Agence nationale")
    OTHER = "other", _("Autre")


class Status(models.TextChoices):
    IDEA = "idea", _("Idée")
    FRAMING = "framing", _("Cadrage")
    QUALIFIED = "qualified", _("Qualifié")
    PRIORITISED = "prioritised", _("Priorisé")
    EXPERIMENTATION = "experimentation", _("Expérimentation")
    EVALUATED = "evaluated", _("Évalué")
    DEPLOYED = "deployed", _("Déployé")
    GENERALISED = "generalised", _("Généralisé")
    SUSPENDED = "suspended", _("Suspendu")
    RETIRED = "retired", _("Retiré")
    ABANDONED = "abandoned", _("Abandonné")


class PublicationLevel(models.TextChoices):
    INTERNAL = "internal", _("Interne à l'organisation")
    NETWORK = "network", _("Partagé avec le réseau")
    PUBLIC = "public", _("Public")


class Hosting(models.TextChoices):
    INTERNAL = "internal", _("Infrastructure propre du responsable de traitement")
    THIRD_PARTY_HDS = "third_party_hds", _("Hébergeur tiers certifié HDS")
    THIRD_PARTY_NOT_HDS = "third_party_not_hds", _("Hébergeur tiers non certifié HDS")
    PUBLIC_CLOUD_UNKNOWN = "public_cloud_unknown_certification", _("Cloud public, certification inconnue")


class ProviderType(models.TextChoices):
    IN_HOUSE = "in_house", _("Développement interne")
    VENDOR = "vendor", _("Prestataire / éditeur")
    MIXED = "mixed", _("Mixte")
    PUBLIC_PARTNER = "public_partner", _("Partenaire public")


class SourceReliability(models.TextChoices):
    VERIFIED = "V", _("Lu dans la source citée")
    SECONDARY = "V*", _("Lu dans une source secondaire (presse, syndicat, ONG)")
    RECALLED = "R", _("Non vérifié")
