"""Reads of the publication app: dashboard figures over what a user may see, and the public register.

The public side only ever starts from :func:`atlasia.registry.selectors.public_usecases`, so a record
that is internal or shared with the network cannot reach a public page, an export or the algorithm
library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, TextChoices

from atlasia.accounts.actor import ActorLike, as_actor
from atlasia.lifecycle import selectors as lifecycle_selectors
from atlasia.lifecycle.enums import ExperimentDecision
from atlasia.qualification import selectors as qualification_selectors
from atlasia.qualification.enums import Category
from atlasia.registry import reference
from atlasia.registry import selectors as registry_selectors
from atlasia.registry.enums import OrganisationType, PublicationLevel, Status
from atlasia.registry.models import AITechnique, Algorithm, Organisation, Theme, UseCase
from atlasia.search import selectors as search_selectors

from . import aggregation

DIMENSIONS = ("theme", "status", "organisation_type", "region", "technique", "publication_level")


def dashboard_usecases(
    user: ActorLike | None, filters: registry_selectors.UseCaseFilters
) -> QuerySet[UseCase]:
    """The use cases a dashboard counts: exactly those of the use-case list with the same filters."""
    return search_selectors.usecase_list(user, filters).order_by()


def choice_labels(choices: type[TextChoices]) -> dict[str, str]:
    """``{code: label}`` of a domain's choices, in the active language and in their reference order."""
    return {str(k): str(v) for k, v in choices.choices}


def _reference_labels() -> dict[str, dict[str, str]]:
    return {
        # ``label``: the English label when the interface is in English
        "theme": {t.code: t.label for t in Theme.objects.order_by("position", "label_fr")},
        "status": {str(k): str(v) for k, v in Status.choices},
        "organisation_type": {str(k): str(v) for k, v in OrganisationType.choices},
        "region": reference.region_names(),
        "technique": {t.code: t.label for t in AITechnique.objects.order_by("position", "label_fr")},
        "publication_level": {str(k): str(v) for k, v in PublicationLevel.choices},
    }


def figures(qs: QuerySet[UseCase], *, region_link: Callable[[str], str] | None = None) -> dict[str, Any]:
    """Counts by every dimension, the yearly trend (start date), the map and the optional blocks.

    One query reads the few columns needed; the counting is done by the pure helpers."""
    rows = list(
        qs.order_by().values_list(
            "id",
            "theme__code",
            "status",
            "organisation__type",
            "organisation__region",
            "ai_technique__code",
            "publication_level",
            "start_date",
        )
    )
    labels = _reference_labels()
    columns = {dim: [r[i + 1] or "" for r in rows] for i, dim in enumerate(DIMENSIONS)}
    counts = {dim: aggregation.count_by(columns[dim], labels[dim]) for dim in DIMENSIONS}  # type: ignore[arg-type]
    trend, without_year = aggregation.trend_by_year(r[7].year if r[7] else None for r in rows)
    region_counts = {b.code: b.n for b in counts["region"]}
    ids = [r[0] for r in rows]
    result: dict[str, Any] = {
        "total": len(rows),
        "counts": counts,
        "trend": trend,
        "without_year": without_year,
        "map": aggregation.map_svg(region_counts, reference.region_names(), link=region_link),
        "ai_act": None,
        "outcomes": None,
    }
    qualified = qualification_selectors.ai_act_summaries_for(ids)
    result["ai_act"] = aggregation.count_by(
        [(s.category or "") if (s := qualified.get(i)) else "" for i in ids],
        choice_labels(Category),
        keep_zero=False,
    )
    decisions = lifecycle_selectors.experiment_decisions_for(ids)
    result["outcomes"] = aggregation.count_by(
        list(decisions.values()), choice_labels(ExperimentDecision), keep_zero=False
    )
    return result


def dashboard_scopes(user: ActorLike | None) -> list[dict[str, str]]:
    """Scopes offered to the user as shortcuts: everything she may see, each of her organisations,
    her reviewed region."""
    scopes = [{"label": "Tout ce que je peux voir", "query": ""}]
    actor = as_actor(user)
    for region in sorted(actor.perimeter.regions):
        name = reference.region_names().get(region, region)
        scopes.append({"label": f"Ma région : {name}", "query": f"region={region}"})
    for org in Organisation.objects.filter(pk__in=actor.organisation_ids).order_by("name"):
        scopes.append({"label": org.name, "query": f"organisation={org.slug}"})
    return scopes


# --- public register ----------------------------------------------------------------------------


@dataclass
class RegisterFilters:
    q: str = ""
    theme: str = ""
    organisation_type: str = ""
    region: str = ""


def register_list(filters: RegisterFilters) -> QuerySet[UseCase]:
    qs = registry_selectors.public_usecases()
    if filters.q:
        qs = qs.filter(
            Q(title__icontains=filters.q)
            | Q(summary__icontains=filters.q)
            | Q(organisation__name__icontains=filters.q)
        )
    if filters.theme:
        qs = qs.filter(theme__code=filters.theme)
    if filters.organisation_type:
        qs = qs.filter(organisation__type=filters.organisation_type)
    if filters.region:
        qs = qs.filter(organisation__region=filters.region)
    return qs.select_related("organisation", "theme", "ai_technique").order_by("title", "id")


# --- algorithm library ----------------------------------------------------------------------------


def public_algorithms() -> QuerySet[Algorithm]:
    """Algorithms run by at least one public record; an algorithm used only by internal or network
    records is absent."""
    public = registry_selectors.public_usecases().filter(algorithm=OuterRef("pk"))
    return Algorithm.objects.filter(Exists(public)).select_related("organisation").order_by("name", "id")


def public_usecases_of(algorithm: Algorithm) -> QuerySet[UseCase]:
    return (
        registry_selectors.public_usecases()
        .filter(algorithm=algorithm)
        .select_related("organisation", "theme")
        .order_by("title", "id")
    )
