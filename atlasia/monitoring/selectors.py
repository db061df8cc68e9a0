"""Reads of the monitoring app, scoped to what the user may see, and anonymised aggregates for the
dashboards and the annual report.

Hooks for ``atlasia.publication``: :func:`externality_counts`, :func:`footprint_totals` and
:func:`footprint_by_usecase` take a queryset of use cases (the scope of the dashboard or report) and
return counts and sums only — no names, no e-mails, no free text.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from atlasia.accounts import perms
from atlasia.accounts.models import Membership, ReviewerScope
from atlasia.core import footprint as fp
from atlasia.core.roles import Action
from atlasia.registry.models import Organisation, UseCase

from .enums import ExternalityCategory, ExternalityStatus, IncidentStatus
from .models import Externality, Footprint, Incident, LiteracyDeclaration, TrainingCompletion

logger = logging.getLogger(__name__)

#: Coverage below which an organisation is reminded to train its agents (AI Act Art. 4).
LITERACY_THRESHOLD = 0.8


def _organisation_condition(user: Any, prefix: str) -> Q | None:
    """Organisations whose monitoring the user may read (``usecase.view`` on the organisation itself):
    ``None`` for everything, otherwise a filter on ``prefix`` + organisation."""
    if perms.is_platform_admin(user) or getattr(user, "reviewer_scope", "") == ReviewerScope.NATIONAL:
        return None
    condition = Q(**{f"{prefix}organisation_id__in": perms.member_organisation_ids(user)})
    if user.reviewer_scope == ReviewerScope.REGIONAL and user.reviewer_region:
        condition |= Q(**{f"{prefix}organisation__region": user.reviewer_region})
    return condition


def incidents_visible_to(user: Any) -> QuerySet[Incident]:
    qs = Incident.objects.select_related("use_case__organisation")
    if not user.is_authenticated:
        return qs.none()
    condition = _organisation_condition(user, "use_case__")
    return qs if condition is None else qs.filter(condition)


def externalities_visible_to(user: Any) -> QuerySet[Externality]:
    qs = Externality.objects.select_related("use_case__organisation")
    if not user.is_authenticated:
        return qs.none()
    condition = _organisation_condition(user, "use_case__")
    return qs if condition is None else qs.filter(condition)


def footprints_visible_to(user: Any) -> QuerySet[Footprint]:
    qs = Footprint.objects.select_related("use_case__organisation")
    if not user.is_authenticated:
        return qs.none()
    condition = _organisation_condition(user, "use_case__")
    return qs if condition is None else qs.filter(condition)


# --- "to do" -----------------------------------------------------------------------------------------


def todo_for(user: Any, today: date | None = None) -> dict[str, Any]:
    """What the owners must do: serious incidents to report (with the countdown), open incidents,
    new externalities, organisations below the training threshold — for the organisations where the
    user manages incidents (referent, DPO, organisation administrator)."""
    day = today or timezone.localdate()
    managed = perms.organisation_ids_with(user, Action.USECASE_TRANSITION)
    incidents = Incident.objects.select_related("use_case__organisation")
    externalities = Externality.objects.select_related("use_case__organisation")
    if not perms.is_platform_admin(user):
        incidents = incidents.filter(use_case__organisation_id__in=managed)
        externalities = externalities.filter(use_case__organisation_id__in=managed)
    to_report = [
        i
        for i in incidents.filter(severity="serious", reported_on__isnull=True)
        .exclude(status=IncidentStatus.CLOSED)
        .order_by("aware_on", "id")
        if i.deadline
    ]
    to_report.sort(key=lambda i: (i.deadline, i.pk))
    literacy_orgs = Organisation.objects.filter(
        pk__in=Membership.objects.filter(user=user, role__in=["referent", "org_admin"]).values(
            "organisation_id"
        )
    )
    below = [row for row in literacy_coverage(literacy_orgs) if row["below_threshold"]]
    return {
        "to_report": [
            {"incident": i, "countdown": i.countdown(day), "overdue": i.deadline < day}  # type: ignore[operator]
            for i in to_report
        ],
        "open_incidents": list(incidents.exclude(status=IncidentStatus.CLOSED).order_by("-occurred_on")[:20]),
        "new_externalities": list(externalities.filter(status=ExternalityStatus.NEW)[:20]),
        "literacy_below": below,
    }


# --- externalities: anonymised counts ---------------------------------------------------------------


def _public_reports(use_case_ids: QuerySet[Any]) -> list[tuple[str, str, str]]:
    """(category, status, organisation type) of public problem reports not yet mirrored as externalities."""
    from atlasia.publication.models import ProblemReport  # until externalities and reports are one model

    status_map = {"new": "new", "in_progress": "accepted", "closed": "addressed", "rejected": "rejected"}
    rows = (
        ProblemReport.objects.filter(use_case_id__in=use_case_ids)
        .exclude(pk__in=Externality.objects.filter(public_report_id__isnull=False).values("public_report_id"))
        .values_list("category", "status", "use_case__organisation__type")
    )
    return [
        (c if c in ExternalityCategory.values else "other", status_map.get(s, "new"), t) for c, s, t in rows
    ]


def externality_counts(scope: QuerySet[UseCase]) -> dict[str, Any]:
    """Anonymised counts of negative externalities on the use cases of ``scope`` — the agents' reports
    and the public register's problem reports (counted once) — by category, by status, by organisation
    type and by source. Only codes, labels and integers: no names, e-mails or descriptions."""
    ids = scope.order_by().values("pk")
    rows = list(
        Externality.objects.filter(use_case_id__in=ids).values_list(
            "category", "status", "use_case__organisation__type", "source"
        )
    )
    public = _public_reports(ids)
    all_rows = rows + [(c, s, t, "public") for c, s, t in public]
    by_category = Counter(r[0] for r in all_rows)
    by_status = Counter(r[1] for r in all_rows)
    by_type = Counter(r[2] for r in all_rows)
    by_source = Counter(r[3] for r in all_rows)
    type_labels = dict(Organisation._meta.get_field("type").choices)  # type: ignore[arg-type]
    return {
        "total": len(all_rows),
        "by_category": [
            {"code": code, "label": str(label), "n": by_category.get(code, 0)}
            for code, label in ExternalityCategory.choices
        ],
        "by_status": [
            {"code": code, "label": str(label), "n": by_status.get(code, 0)}
            for code, label in ExternalityStatus.choices
        ],
        "by_organisation_type": [
            {"code": code, "label": str(type_labels.get(code, code)), "n": n}
            for code, n in sorted(by_type.items())
        ],
        "by_source": dict(by_source),
    }


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
