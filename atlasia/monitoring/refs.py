"""Typed reads of monitoring records for other domains: training records cited as evidence of AI
literacy (Art. 4), incidents and externalities that feed the risk register (Art. 9). Frozen records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .externalities.models import Externality
from .incidents.models import Incident
from .people.models import TrainingCompletion


@dataclass(frozen=True)
class TrainingRef:
    id: int
    organisation_id: int
    label: str
    completed_on: dt.date


@dataclass(frozen=True)
class IncidentRef:
    id: int
    use_case_id: int
    title: str
    occurred_on: dt.date
    severity: str
    severity_label: str
    status_label: str
    description: str


@dataclass(frozen=True)
class ExternalityRef:
    id: int
    use_case_id: int
    category: str
    category_label: str
    status_label: str
    description: str
    observed_on: dt.date | None


def _training(c: TrainingCompletion) -> TrainingRef:
    label = f"Formation « {c.module.title} » — {c.person_name} ({c.completed_on:%d/%m/%Y})"
    return TrainingRef(c.pk, c.organisation_id, label, c.completed_on)


def trainings_of(organisation_id: int) -> list[TrainingRef]:
    completions = TrainingCompletion.objects.filter(organisation_id=organisation_id).select_related("module")
    return [_training(c) for c in completions.order_by("-completed_on", "-id")]


def training(organisation_id: int, completion_id: int) -> TrainingRef | None:
    """One training record of that organisation, or ``None``."""
    found = (
        TrainingCompletion.objects.filter(organisation_id=organisation_id, pk=completion_id)
        .select_related("module")
        .first()
    )
    return _training(found) if found else None


def incidents_of(use_case_id: int) -> list[IncidentRef]:
    return [
        IncidentRef(
            i.pk,
            i.use_case_id,
            i.title,
            i.occurred_on,
            i.severity,
            str(i.get_severity_display()),
            str(i.get_status_display()),
            i.description,
        )
        for i in Incident.objects.filter(use_case_id=use_case_id).order_by("-occurred_on", "-id")
    ]


def externalities_of(use_case_id: int) -> list[ExternalityRef]:
    return [
        ExternalityRef(
            e.pk,
            e.use_case_id,
            e.category,
            str(e.get_category_display()),
            str(e.get_status_display()),
            e.description,
            e.observed_on,
        )
        for e in Externality.objects.filter(use_case_id=use_case_id).order_by("-created_at", "-id")
    ]
