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
