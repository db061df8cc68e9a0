"""Reads of the exchange app: API scoping, the records this instance shares, their serialisation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from atlasia.registry.enums import PublicationLevel
from atlasia.registry.models import UseCase

from .exchange_format import FORMAT_NAME, FORMAT_VERSION
from .models import ApiToken, ImportJob, RemoteProvenance, Subscription


def tokens_of(organisation_ids: set[int] | None) -> QuerySet[ApiToken]:
    qs = ApiToken.objects.select_related("organisation", "created_by")
    return qs if organisation_ids is None else qs.filter(organisation_id__in=organisation_ids)


def import_jobs_of(user: Any) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(created_by=user).select_related("organisation").defer("content", "sheet")


def subscriptions() -> QuerySet[Subscription]:
    return Subscription.objects.all()


def provenance_of(use_case: UseCase) -> RemoteProvenance | None:
    return RemoteProvenance.objects.filter(use_case=use_case).select_related("subscription").first()


def shared_records(*, with_token: bool) -> QuerySet[UseCase]:
    """What this instance shares with others: its own public records, plus its network records when
    the caller holds a token. Records pulled from another instance are not passed on."""
    levels = [PublicationLevel.PUBLIC] + ([PublicationLevel.NETWORK] if with_token else [])
    return (
        UseCase.objects.filter(publication_level__in=levels, remote_provenance__isnull=True)
        .select_related("organisation", "theme", "ai_technique")
        .order_by("uid")
    )


def _latest_qualification(use_case: UseCase) -> dict[str, Any] | None:
    if not apps.is_installed("atlasia.qualification"):
        return None
    from atlasia.qualification.models import Qualification

    q = Qualification.objects.filter(use_case=use_case).order_by("-version").first()
    if q is None:
        return None
    return {
        "version": q.version,
        "law_version": q.law_version,
        "category": q.category,
        "completed_at": q.completed_at,
        "result": q.result if isinstance(q.result, dict) else {},
    }


def _experiments(use_case: UseCase) -> list[dict[str, Any]]:
    if not apps.is_installed("atlasia.lifecycle"):
        return []
    from atlasia.lifecycle.models import Experiment

    out = []
    for e in Experiment.objects.filter(use_case=use_case).order_by("start_date", "pk"):
        lessons = "\n".join(
            f"{label} : {text}"
            for label, text in (
                ("Ce qui a fonctionné", e.what_worked),
                ("Ce qui n'a pas fonctionné", e.what_did_not),
                ("Conditions pour reproduire", e.replication_conditions),
            )
            if text
        )
        out.append(
            {
                "title": e.title,
                "objective": e.objective,
                "start_date": e.start_date,
                "end_date": e.end_date,
                "results_summary": e.results_summary,
                "lessons_learned": lessons,
                "decision": e.decision,
                "decision_rationale": e.decision_rationale,
            }
        )
    return out


def exchange_record(use_case: UseCase) -> dict[str, Any]:
    org = use_case.organisation
    return {
        "uid": use_case.uid,
        "updated_at": use_case.updated_at,
        "title": use_case.title,
        "summary": use_case.summary,
        "problem": use_case.problem,
        "expected_benefits": use_case.expected_benefits,
        "theme": use_case.theme.code,
        "ai_technique": use_case.ai_technique.code,
        "status": use_case.status,
        "publication_level": use_case.publication_level,
        "organisation": {
            "name": org.name,
            "slug": org.slug,
            "type": org.type,
            "region": org.region,
            "country": org.country,
        },
        "provider_type": use_case.provider_type,
        "provider_name": use_case.provider_name,
        "hosting": use_case.hosting,
        "personal_data": use_case.personal_data,
        "health_data": use_case.health_data,
        "start_date": use_case.start_date,
        "end_date": use_case.end_date,
        "tags": list(use_case.tags or []),
        "qualification": _latest_qualification(use_case),
        "experiments": _experiments(use_case),
    }


def exchange_document(*, with_token: bool, limit: int, offset: int) -> dict[str, Any]:
    qs = shared_records(with_token=with_token)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "generated_at": timezone.now(),
        "instance": {
            "name": getattr(settings, "ATLASIA_INSTANCE_NAME", "") or "Atlas IA",
            "url": getattr(settings, "ATLASIA_PUBLIC_URL", ""),
        },
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "records": [exchange_record(uc) for uc in qs[offset : offset + limit]],
    }


def parse_since(value: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None
