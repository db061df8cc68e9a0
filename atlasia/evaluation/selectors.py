"""Reads of evaluation runs, scoped like their use case: a run of a use case the user may not read is
absent from these querysets (so its pages, exports and comparisons answer 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from atlasia.registry.selectors import usecases_visible_to

from .models import EvaluationRun


def runs_visible_to(user: Any) -> QuerySet[EvaluationRun]:
    return EvaluationRun.objects.filter(use_case__in=usecases_visible_to(user)).select_related(
        "use_case", "use_case__organisation", "created_by"
    )


def runs_of_usecase(user: Any, use_case: Any) -> QuerySet[EvaluationRun]:
    return runs_visible_to(user).filter(use_case=use_case).order_by("-version", "-created_at", "-id")


def comparable_runs(run: EvaluationRun) -> QuerySet[EvaluationRun]:
    """Other finished versions of the same use case (a comparison needs two results)."""
    return (
        EvaluationRun.objects.done()
        .filter(use_case_id=run.use_case_id)
        .exclude(pk=run.pk)
        .order_by("-version")
    )
