"""Lifecycle and prioritisation labels in the active language (the pure core keeps French and English)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from atlasia.core import lifecycle as lc
from atlasia.core import prioritisation as prio
from atlasia.qualification.enums import Category
from atlasia.www.templatetags.atlasia_i18n import localised_choice

GROUP_LABELS_EN: dict[Any, str] = {
    prio.Group.VALUE: "Value",
    prio.Group.FEASIBILITY: "Feasibility",
    prio.Group.RISK: "Risk",
}


def status_label(status: Any) -> str:
    return localised_choice(lc.STATUS_LABELS_FR, lc.STATUS_LABELS_EN, status)


def criterion_label(criterion: Any) -> str:
    return localised_choice(prio.CRITERION_LABELS_FR, prio.CRITERION_LABELS_EN, criterion)


def criterion_scale(criterion: Any) -> str:
    """What 1 and 5 mean for ``criterion``, in the active language."""
    return localised_choice(prio.CRITERION_SCALES_FR, prio.CRITERION_SCALES_EN, criterion)


def group_label(group: Any) -> str:
    return localised_choice(prio.GROUP_LABELS_FR, GROUP_LABELS_EN, group)


#: The qualification engine's DPIA conclusion (``result["gdpr"]["dpia"]``) as words, not codes.
QUALIFICATION_DPIA_LABELS: dict[str, Any] = {
    "required": gettext_lazy("requise"),
    "recommended": gettext_lazy("recommandée"),
    "not_required": gettext_lazy("non requise"),
    "undetermined": gettext_lazy("indéterminée (réponses manquantes)"),
}


def qualification_dpia_label(code: Any) -> str:
    return str(QUALIFICATION_DPIA_LABELS.get(code, "")) if code else ""


def category_label(code: Any) -> str:
    """The AI Act category's label (« Haut risque »), never its code (« high_risk »)."""
    try:
        return str(Category(code).label)
    except ValueError:
        return ""
