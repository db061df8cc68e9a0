"""Helpers shared by the lifecycle tests (importable because pytest puts this folder on sys.path)."""

from __future__ import annotations

from typing import Any

from atlasia.core import prioritisation as prio
from atlasia.lifecycle.models import PriorityAssessment
from atlasia.registry.models import UseCase


def qualified(category: str = "minimal", fria: bool = False, registration: bool = False) -> dict[str, Any]:
    """An engine output (qualification-spec.md §4) reduced to what the lifecycle reads."""
    return {
        "ai_act": {
            "category": category,
            "fria_required": fria,
            "registration": {"required": registration, "sections": ["C"] if registration else []},
            "missing": [],
        },
        "gdpr": {"dpia": "required"},
    }


def full_scores(value: int = 4, feasibility: int = 3, risk: int = 2) -> dict[str, dict[str, Any]]:
    by_group = {prio.Group.VALUE: value, prio.Group.FEASIBILITY: feasibility, prio.Group.RISK: risk}
    return {
        c.value: {"score": by_group[prio.CRITERION_GROUP[c]], "justification": f"Justification de {c.value}."}
        for c in prio.Criterion
    }


def score(use_case: UseCase, people: int | None = 1000, **kwargs: int) -> PriorityAssessment:
    return PriorityAssessment.objects.update_or_create(
        use_case=use_case, defaults={"scores": full_scores(**kwargs), "people_reached": people}
    )[0]
