"""Reads of people, scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from atlasia.accounts.models import Membership
from atlasia.core import footprint as fp
from atlasia.registry.models import Organisation

from .models import LiteracyDeclaration, TrainingCompletion

#: Coverage below which an organisation is reminded to train its agents (AI Act Art. 4).
LITERACY_THRESHOLD = 0.8


# --- AI literacy -------------------------------------------------------------------------------------


def literacy_coverage(
    organisations: QuerySet[Organisation], threshold: float = LITERACY_THRESHOLD
) -> list[dict[str, Any]]:
    """Per organisation: people trained (distinct names), agents using AI as declared, coverage rate."""
    trained = dict(
        TrainingCompletion.objects.filter(organisation__in=organisations)
        .values("organisation_id")
        .annotate(n=Count("person_name", distinct=True))
        .values_list("organisation_id", "n")
    )
    declared = dict(
        LiteracyDeclaration.objects.filter(organisation__in=organisations).values_list(
            "organisation_id", "agents_using_ai"
        )
    )
    out = []
    for org in organisations.order_by("name"):
        n = trained.get(org.pk, 0)
        agents = declared.get(org.pk)
        rate = fp.coverage_rate(n, agents)
        out.append(
            {
                "organisation": org,
                "trained": n,
                "agents_using_ai": agents,
                "rate": rate,
                "rate_label": fp.format_rate_fr(rate),
                "below_threshold": rate is None or rate < threshold,
            }
        )
    return out


def literacy_national(threshold: float = LITERACY_THRESHOLD) -> dict[str, Any]:
    """National coverage over the organisations that declared their number of agents using AI."""
    rows = literacy_coverage(Organisation.objects.filter(literacy_declaration__isnull=False), threshold)
    trained = sum(min(r["trained"], r["agents_using_ai"] or 0) for r in rows)
    agents = sum(r["agents_using_ai"] or 0 for r in rows)
    rate = fp.coverage_rate(trained, agents)
    return {
        "organisations_declared": len(rows),
        "trained": trained,
        "agents_using_ai": agents,
        "rate": rate,
        "rate_label": fp.format_rate_fr(rate),
        "below_threshold": sum(1 for r in rows if r["below_threshold"]),
    }


# --- ambassadors -------------------------------------------------------------------------------------


def ambassadors(region: str = "", organisation: str = "") -> QuerySet[Membership]:
    """Referent memberships (AI ambassadors), filtered by region code and organisation slug."""
    qs = Membership.objects.filter(role="referent", user__is_active=True).select_related(
        "user", "organisation"
    )
    if region:
        qs = qs.filter(organisation__region=region)
    if organisation:
        qs = qs.filter(organisation__slug=organisation)
    return qs.order_by("organisation__region", "organisation__name", "user__last_name", "user__username")
