"""Reads of footprint, scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet, Sum

from atlasia.accounts import perms
from atlasia.accounts.actor import ActorLike
from atlasia.core import footprint as fp
from atlasia.core.roles import Action
from atlasia.registry.models import UseCase

from .models import Footprint


def footprints_visible_to(user: ActorLike | None) -> QuerySet[Footprint]:
    """What hangs from the use cases of the organisations the actor reads (``usecase.view`` on the
    organisation: a record shared with the network does not open its monitoring)."""
    qs = Footprint.objects.select_related("use_case__organisation")
    return perms.scoped(qs, user, Action.USECASE_VIEW, organisation="use_case__organisation")


# --- footprint aggregates ----------------------------------------------------------------------------


def _sums(qs: QuerySet[Footprint]) -> dict[str, float]:
    agg = qs.aggregate(energy=Sum("energy_kwh"), co2e=Sum("co2e_kg"), water=Sum("water_l"), n=Count("id"))
    return {
        "energy_kwh": agg["energy"] or 0.0,
        "co2e_kg": agg["co2e"] or 0.0,
        "water_l": agg["water"] or 0.0,
        "n": agg["n"],
    }


def footprint_totals(scope: QuerySet[UseCase]) -> dict[str, Any]:
    """Energy, CO2e and water summed over ``scope``: in total (the nation, or a region, depending on the
    scope), by phase, by method, by organisation and by organisation type."""
    qs = Footprint.objects.filter(use_case_id__in=scope.order_by().values("pk"))
    by_org = (
        qs.values("use_case__organisation_id", "use_case__organisation__name", "use_case__organisation__type")
        .annotate(
            energy_kwh=Sum("energy_kwh"),
            co2e_kg=Sum("co2e_kg"),
            water_l=Sum("water_l"),
            use_cases=Count("use_case_id", distinct=True),
        )
        .order_by("-co2e_kg", "use_case__organisation__name")
    )
    return {
        "total": _sums(qs),
        "by_phase": {p: _sums(qs.filter(phase=p)) for p in ("training", "inference")},
        "by_method": {m: _sums(qs.filter(method=m)) for m in ("measured", "estimated", "declared")},
        "by_organisation": [
            {
                "organisation_id": r["use_case__organisation_id"],
                "organisation": r["use_case__organisation__name"],
                "type": r["use_case__organisation__type"],
                "energy_kwh": r["energy_kwh"] or 0.0,
                "co2e_kg": r["co2e_kg"] or 0.0,
                "water_l": r["water_l"] or 0.0,
                "use_cases": r["use_cases"],
            }
            for r in by_org
        ],
        "use_cases": qs.values("use_case_id").distinct().count(),
        "electricity_factor": fp.electricity_factor(),
    }


def footprint_by_usecase(use_case_ids: Iterable[int]) -> dict[int, dict[str, float]]:
    """``{use_case_id: {"energy_kwh", "co2e_kg", "water_l"}}`` summed over phases and methods."""
    rows = (
        Footprint.objects.filter(use_case_id__in=list(use_case_ids))
        .values("use_case_id")
        .annotate(energy_kwh=Sum("energy_kwh"), co2e_kg=Sum("co2e_kg"), water_l=Sum("water_l"))
    )
    return {
        r["use_case_id"]: {
            "energy_kwh": r["energy_kwh"] or 0.0,
            "co2e_kg": r["co2e_kg"] or 0.0,
            "water_l": r["water_l"] or 0.0,
        }
        for r in rows
    }
