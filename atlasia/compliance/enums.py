"""Codes of the compliance file, with their labels (French source, English in the catalogue)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ObligationStatus(models.TextChoices):
    TODO = "todo", _("À faire")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Fait")
    NOT_APPLICABLE = "not_applicable", _("Sans objet")


CLOSED_STATUSES = (ObligationStatus.DONE, ObligationStatus.NOT_APPLICABLE)


class SignerRole(models.TextChoices):
    DPO = "dpo", _("DPO")
    REFERENT = "referent", _("Référent IA")


class EvidenceKind(models.TextChoices):
    FILE = "file", _("Fichier")
    LINK = "link", _("Lien")
    QUALIFICATION_DOCUMENT = (
        "qualification_document",
        _("Document généré (AIPD, AIDF, fiche d'enregistrement)"),
    )
    EVALUATION_RUN = "evaluation_run", _("Évaluation de modèle")
    TRAINING_RECORD = "training_record", _("Formation suivie")


#: Badge colour (DSFR) per status.
STATUS_BADGE: dict[str, str] = {
    ObligationStatus.TODO: "fr-badge--new",
    ObligationStatus.IN_PROGRESS: "fr-badge--info",
    ObligationStatus.DONE: "fr-badge--success",
    ObligationStatus.NOT_APPLICABLE: "",
}


class RiskArea(models.TextChoices):
    """What the risk threatens (AI Act Art. 9(2)(a): health, safety or fundamental rights)."""

    HEALTH = "health", _("Santé")
    SAFETY = "safety", _("Sécurité")
    FUNDAMENTAL_RIGHTS = "fundamental_rights", _("Droits fondamentaux")


class RiskOrigin(models.TextChoices):
    """Where the risk was identified (Art. 9(2)(a) to (c)), or the record that revealed it."""

    INTENDED_USE = "intended_use", _("Utilisation conforme à la destination (art. 9(2)(a))")
    MISUSE = "misuse", _("Mauvaise utilisation raisonnablement prévisible (art. 9(2)(b))")
    POST_MARKET = "post_market", _("Surveillance après commercialisation (art. 9(2)(c))")
    INCIDENT = "incident", _("Incident")
    EXTERNALITY = "externality", _("Externalité négative")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("À traiter")
    MITIGATED = "mitigated", _("Maîtrisé")
    CLOSED = "closed", _("Clos")


#: CNIL PIA scale (likelihood and severity alike).
SCALE = [(1, _("Négligeable")), (2, _("Limitée")), (3, _("Importante")), (4, _("Maximale"))]

#: DSFR badge per risk level.
LEVEL_BADGE: dict[str, str] = {
    "low": "fr-badge--success",
    "moderate": "fr-badge--info",
    "high": "fr-badge--warning",
    "critical": "fr-badge--error",
}
LEVEL_LABELS = {
    "low": _("Faible"),
    "moderate": _("Modéré"),
    "high": _("Élevé"),
    "critical": _("Critique"),
}


class VendorDocumentKind(models.TextChoices):
    INSTRUCTIONS_FOR_USE = "instructions_for_use", _("Notice d'utilisation (art. 13(2))")
    TRANSPARENCY_INFORMATION = "transparency_information", _("Informations de l'article 13(3)")
    EU_DECLARATION = "eu_declaration", _("Déclaration UE de conformité (art. 47)")
    REGISTRATION = "registration", _("Référence d'enregistrement dans la base de l'UE (art. 49)")
    DPA = "dpa", _("Contrat de sous-traitance (RGPD art. 28)")
    CONTRACT = "contract", _("Marché ou contrat")
    OTHER = "other", _("Autre document")


#: Levels of a check against the purchasing charter (the lifecycle's self-assessment scale).
CHECK_LEVELS = [
    ("met", _("Respecté")),
    ("partial", _("Partiellement respecté")),
    ("not_met", _("Non respecté")),
]


class FileJobStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


#: What a file job prepares: the whole file as a ZIP, or one generated document (see documents.KINDS).
DOSSIER = "dossier"
