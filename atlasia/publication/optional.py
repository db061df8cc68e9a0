"""Figures that come from apps written in parallel (``atlasia.qualification``, ``atlasia.lifecycle``,
``atlasia.evaluation``). Their models are not known here: each helper checks that the app is
installed, looks for a model linked to the use case with a recognisable field, and returns ``None``
when anything is missing, so that the dashboard and the report simply skip the block.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models

logger = logging.getLogger(__name__)

AI_ACT_FIELDS = ("ai_act_category", "risk_category", "category")
OUTCOME_FIELDS = ("decision", "outcome", "result")
LESSON_FIELDS = ("lessons_learned", "lessons", "lessons_learnt")


def _linked_model(
    app_label: str, fields: tuple[str, ...], name_hint: str = ""
) -> tuple[Any, str, str] | None:
    """(model, name of its foreign key to UseCase, name of the first field of ``fields`` it has)."""
    if not apps.is_installed(f"atlasia.{app_label}"):
        return None
    try:
        config = apps.get_app_config(app_label)
    except LookupError:
        return None
    candidates = sorted(
        config.get_models(), key=lambda m: (name_hint.lower() not in m.__name__.lower(), m.__name__)
    )
    for model in candidates:
        fk = next(
            (
                f.name
                for f in model._meta.get_fields()
                if isinstance(f, models.ForeignKey | models.OneToOneField)
                and f.related_model is not None
                and f.related_model._meta.label == "registry.UseCase"  # type: ignore[union-attr]
            ),
            None,
        )
        if fk is None:
            continue
        names = {f.name for f in model._meta.get_fields()}
        for field in fields:
            if field in names:
                return model, fk, field
    return None


def _latest_per_use_case(found: tuple[Any, str, str], use_case_ids: Iterable[int]) -> dict[int, Any]:
    model, fk, field = found
    values: dict[int, Any] = {}
    try:
        rows = (
            model.objects.filter(**{f"{fk}_id__in": list(use_case_ids)})
            .order_by("pk")
            .values_list(f"{fk}_id", field)
        )
        for uc_id, value in rows:
            if value not in (None, ""):
                values[uc_id] = value  # later rows win: the latest result
    except Exception:  # a schema in flux must not break publication pages
        logger.warning("optional figures unavailable for %s", model, exc_info=True)
        return {}
    return values


def _labels(found: tuple[Any, str, str]) -> dict[str, str]:
    model, _fk, field = found
    choices = model._meta.get_field(field).choices or []
    return {str(k): str(v) for k, v in choices}


def ai_act_categories(use_case_ids: Iterable[int]) -> tuple[dict[int, str], dict[str, str]] | None:
    """``({use_case_id: category code}, {code: label})`` or ``None`` when qualification is absent."""
    found = _linked_model("qualification", AI_ACT_FIELDS, "result")
    if found is None:
        return None
    return {k: str(v) for k, v in _latest_per_use_case(found, use_case_ids).items()}, _labels(found)


def experiment_outcomes(use_case_ids: Iterable[int]) -> tuple[dict[int, str], dict[str, str]] | None:
    found = _linked_model("lifecycle", OUTCOME_FIELDS, "experiment")
    if found is None:
        return None
    return {k: str(v) for k, v in _latest_per_use_case(found, use_case_ids).items()}, _labels(found)


def lessons_learned(use_case_ids: Iterable[int]) -> dict[int, str] | None:
    found = _linked_model("lifecycle", LESSON_FIELDS, "experiment")
    if found is None:
        return None
    return {k: str(v) for k, v in _latest_per_use_case(found, use_case_ids).items()}


EXPERIMENT_FIELDS = (
    "title",
    "objective",
    "start_date",
    "end_date",
    "decision",
    "results_summary",
    "what_worked",
    "what_did_not",
    "lessons_learned",
)


def experiments(use_case_ids: Iterable[int]) -> list[dict[str, Any]] | None:
    """Experiments of these use cases with whichever descriptive fields the lifecycle app has, in a
    stable order, or ``None`` when there is no experiment model."""
    found = _linked_model("lifecycle", ("decision", "outcome"), "experiment")
    if found is None:
        return None
    model, fk, _field = found
    names = {f.name for f in model._meta.get_fields()}
    fields = [f for f in EXPERIMENT_FIELDS if f in names]
    labels = _labels(found)
    try:
        rows = list(
            model.objects.filter(**{f"{fk}_id__in": list(use_case_ids)})
            .order_by(f"{fk}_id", "pk")
            .values(f"{fk}_id", *fields)
        )
    except Exception:
        logger.warning("experiments unavailable", exc_info=True)
        return None
    for row in rows:
        row["use_case_id"] = row.pop(f"{fk}_id")
        if "decision" in row:
            row["decision_label"] = labels.get(str(row["decision"]), str(row["decision"] or ""))
        for key, value in list(row.items()):
            if hasattr(value, "isoformat"):
                row[key] = value.isoformat()
    return rows


def footprint_co2e_kg(use_case_ids: Iterable[int]) -> dict[int, float] | None:
    """Declared, estimated or measured CO2e in kg per use case, from the monitoring app's footprints
    (summed over phases and methods), or else from an evaluation app that records it."""
    if apps.is_installed("atlasia.monitoring"):
        from atlasia.monitoring.footprint.selectors import footprint_by_usecase

        return {pk: float(row["co2e_kg"]) for pk, row in footprint_by_usecase(use_case_ids).items()}
    found = _linked_model("evaluation", ("co2e_kg", "emissions_kg", "co2e"), "footprint")
    if found is None:
        return None
    out: dict[int, float] = {}
    for k, v in _latest_per_use_case(found, use_case_ids).items():
        try:
            out[k] = float(v)
        except (TypeError, ValueError):
            continue
    return out
