"""Lifecycle and prioritisation labels in the active language (the pure core keeps French and English)."""

from __future__ import annotations

from typing import Any

from atlasia.core import lifecycle as lc
from atlasia.core import prioritisation as prio
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
