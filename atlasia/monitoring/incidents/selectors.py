"""Reads of incidents, scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from atlasia.monitoring.common import organisation_condition as _organisation_condition

from .models import Incident


def incidents_visible_to(user: Any) -> QuerySet[Incident]:
    qs = Incident.objects.select_related("use_case__organisation")
    if not user.is_authenticated:
        return qs.none()
    condition = _organisation_condition(user, "use_case__")
    return qs if condition is None else qs.filter(condition)
