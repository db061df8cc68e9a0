"""Codes of the qualification results, with their French labels and DSFR colours."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class Category(models.TextChoices):
    """AI Act category (``result["ai_act"]["category"]``, docs/qualification.md, « Résultat »)."""

    PROHIBITED = "prohibited", gettext_lazy("Pratique interdite")
    HIGH_RISK = "high_risk", gettext_lazy("Haut risque")
    LIMITED = "limited", gettext_lazy("Risque limité (transparence)")
    MINIMAL = "minimal", gettext_lazy("Risque minimal")
    UNDETERMINED = "undetermined", gettext_lazy("Indéterminé")
    NOT_AI_SYSTEM = "not_ai_system", gettext_lazy("Pas un système d'IA")
    EXCLUDED = "excluded", gettext_lazy("Exclu du champ de l'AI Act")


#: DSFR badge modifier per category (prohibited = error … grey for the rest).
CATEGORY_BADGE: dict[str, str] = {
    Category.PROHIBITED: "fr-badge--error",
    Category.HIGH_RISK: "fr-badge--warning",
    Category.LIMITED: "fr-badge--info",
    Category.MINIMAL: "fr-badge--success",
    Category.UNDETERMINED: "",
    Category.NOT_AI_SYSTEM: "",
    Category.EXCLUDED: "",
}

#: Bar colour per category in the portfolio chart (DSFR palette: error, warning, info, success, grey).
CATEGORY_COLOUR: dict[str, str] = {
    Category.PROHIBITED: "#ce0500",
    Category.HIGH_RISK: "#b34000",
    Category.LIMITED: "#0063cb",
    Category.MINIMAL: "#18753c",
    Category.UNDETERMINED: "#666666",
    Category.NOT_AI_SYSTEM: "#666666",
    Category.EXCLUDED: "#666666",
}
