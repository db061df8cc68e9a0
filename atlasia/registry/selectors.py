"""Reads of the registry, always scoped to what the user may see.

A record the user may not see is simply absent from these querysets, so views answer 404 for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from atlasia.accounts import perms
from atlasia.accounts.models import ReviewerScope
from atlasia.core.roles import Action

from .enums import PublicationLevel
from .models import Organisation, UseCase

SHARED_LEVELS = (PublicationLevel.NETWORK, PublicationLevel.PUBLIC)


def usecases_visible_to(user: Any) -> QuerySet[UseCase]:
    """Every use case the user may read: her organisations' records at any level, the records of her
    reviewing scope, and the records other organisations share with the network or the public."""
    qs = UseCase.objects.all()
    if not user.is_authenticated:
        return qs.filter(publication_level=PublicationLevel.PUBLIC)
    if perms.is_platform_admin(user) or user.reviewer_scope == ReviewerScope.NATIONAL:
        return qs
    condition = Q(publication_level__in=SHARED_LEVELS) | Q(
        organisation_id__in=perms.member_organisation_ids(user)
    )
    if user.reviewer_scope == ReviewerScope.REGIONAL and user.reviewer_region:
        condition |= Q(organisation__region=user.reviewer_region)
    return qs.filter(condition)


def usecases_for(user: Any, action: Action) -> QuerySet[UseCase]:
    """Use cases on which the user may perform ``action`` (edit, delete, publish…)."""
    qs = UseCase.objects.all()
    if perms.is_platform_admin(user):
        return qs
    return qs.filter(organisation_id__in=perms.organisation_ids_with(user, action))


def public_usecases() -> QuerySet[UseCase]:
    return UseCase.objects.filter(publication_level=PublicationLevel.PUBLIC)


def organisations_for(user: Any, action: Action) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    if perms.is_platform_admin(user):
        return qs
    return qs.filter(pk__in=perms.organisation_ids_with(user, action))


@dataclass
class UseCaseFilters:
    q: str = ""
    theme: str = ""
    status: str = ""
    organisation: str = ""
    organisation_type: str = ""
    region: str = ""
    technique: str = ""
    publication_level: str = ""
    sort: str = "-updated_at"
    extra: dict[str, str] = field(default_factory=dict)


SORTS: dict[str, tuple[str, ...]] = {
    "-updated_at": ("-updated_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "organisation": ("organisation__name", "title", "id"),
    "status": ("status", "title", "id"),
    "-start_date": ("-start_date", "-id"),
}


def filter_usecases(
    qs: QuerySet[UseCase],
    *,
    theme: str | None = "",
    status: str | None = "",
    organisation: str | None = "",
    organisation_type: str | None = "",
    region: str | None = "",
    technique: str | None = "",
    publication_level: str | None = "",
) -> QuerySet[UseCase]:
    """The list filters shared by the screens, the API and the dashboards (codes, as in the URLs)."""
    lookups = {
        "theme__code": theme,
        "status": status,
        "organisation__slug": organisation,
        "organisation__type": organisation_type,
        "organisation__region": region,
        "ai_technique__code": technique,
        "publication_level": publication_level,
    }
    return qs.filter(**{key: value for key, value in lookups.items() if value})


def usecase_list(user: Any, filters: UseCaseFilters) -> QuerySet[UseCase]:
    """The filtered, sorted list of visible use cases, with what the list page shows fetched in a
    constant number of queries whatever the page size."""
    qs = filter_usecases(
        usecases_visible_to(user),
        theme=filters.theme,
        status=filters.status,
        organisation=filters.organisation,
        organisation_type=filters.organisation_type,
        region=filters.region,
        technique=filters.technique,
        publication_level=filters.publication_level,
    )
    order = SORTS.get(filters.sort, SORTS["-updated_at"])
    qs = qs.select_related("organisation", "theme", "ai_technique").order_by(*order)
    if filters.q:
        # French full-text search (stemming, accents, weights), best match first unless another sort
        # was chosen. Imported here: search depends on the registry, not the other way round.
        from atlasia.search.selectors import filter_and_rank

        qs = filter_and_rank(qs, filters.q, by_relevance=filters.sort == "-updated_at")
    return qs


def usecase_detail_queryset(user: Any) -> QuerySet[UseCase]:
    return (
        usecases_visible_to(user)
        .select_related(
            "organisation",
            "organisation__parent",
            "theme",
            "pillar",
            "ai_technique",
            "algorithm",
            "created_by",
        )
        .prefetch_related("data_categories", "partner_organisations", "contacts", "sources", "attachments")
    )


def home_counts(user: Any) -> dict[str, Any]:
    """Figures for the home dashboard, over what the user may see."""
    qs = usecases_visible_to(user)
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_level = dict(
        qs.order_by()
        .values_list("publication_level")
        .annotate(n=Count("id"))
        .values_list("publication_level", "n")
    )
    by_theme = list(
        qs.order_by()
        .values("theme__code", "theme__label_fr", "theme__label_en")
        .annotate(n=Count("id"))
        .order_by("-n", "theme__label_fr")
    )
    mine = qs.filter(organisation_id__in=perms.member_organisation_ids(user)).count()
    return {
        "total": sum(by_status.values()),
        "mine": mine,
        "by_status": by_status,
        "by_level": by_level,
        "by_theme": by_theme,
        "organisations": qs.order_by().values("organisation_id").distinct().count(),
    }


@dataclass(frozen=True)
class OrganisationRef:
    """An organisation as other domains see it (accounts proposes one from a ProConnect SIRET)."""

    pk: int
    name: str
    slug: str
    siren: str


def organisations_with_siren(siren: str) -> list[OrganisationRef]:
    """The organisations registered under ``siren`` (9 digits; a SIRET's first 9 digits), by name."""
    if len(siren) != 9 or not siren.isdigit():
        return []
    return [
        OrganisationRef(pk=pk, name=name, slug=slug, siren=siren)
        for pk, name, slug in Organisation.objects.filter(siren=siren)
        .order_by("name")
        .values_list("pk", "name", "slug")
    ]
