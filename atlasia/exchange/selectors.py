"""Reads of the exchange app: API scoping, the records this instance shares, their serialisation."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from atlasia.accounts.actor import ActorLike, as_actor
from atlasia.publication.public import PublicRecord, records_of
from atlasia.registry.enums import PublicationLevel
from atlasia.registry.models import UseCase

from .exchange_format import FORMAT_NAME, FORMAT_VERSION
from .models import ApiToken, ImportJob, InstanceIdentity, RemoteProvenance, Subscription


def tokens_of(organisation_ids: set[int] | None) -> QuerySet[ApiToken]:
    qs = ApiToken.objects.select_related("organisation", "created_by")
    return qs if organisation_ids is None else qs.filter(organisation_id__in=organisation_ids)


def import_jobs_of(user: ActorLike | None) -> QuerySet[ImportJob]:
    creator_id = as_actor(user).user_id
    if creator_id is None:
        return ImportJob.objects.none()
    return (
        ImportJob.objects.filter(created_by_id=creator_id)
        .select_related("organisation")
        .defer("content", "sheet")
    )


def subscriptions() -> QuerySet[Subscription]:
    return Subscription.objects.all()


@dataclass(frozen=True)
class CopyProvenance:
    """Where a copy pulled from another instance comes from, as shown on its public page."""

    source_instance: str
    source_record_url: str
    remote_uid: uuid.UUID
    remote_updated_at: dt.datetime
    pulled_at: dt.datetime
    withdrawn: bool


def copy_provenance(uid: uuid.UUID | str) -> CopyProvenance | None:
    """The provenance of the local record ``uid`` when it is a copy, else ``None``."""
    found = RemoteProvenance.objects.filter(use_case__uid=uid).select_related("subscription").first()
    if found is None:
        return None
    base = found.subscription.base_url.rstrip("/")
    return CopyProvenance(
        source_instance=found.source_instance,
        source_record_url=f"{base}/registre/{found.remote_uid}/",
        remote_uid=found.remote_uid,
        remote_updated_at=found.remote_updated_at,
        pulled_at=found.pulled_at,
        withdrawn=found.withdrawn,
    )


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


def instance_id() -> str:
    """The stable identifier of this instance (created on first use)."""
    identity = InstanceIdentity.objects.order_by("pk").first() or InstanceIdentity.objects.create()
    return str(identity.uid)


def _full_qualification(use_case_id: int) -> dict[str, Any] | None:
    from atlasia.qualification.models import Qualification

    q = Qualification.objects.filter(use_case_id=use_case_id).order_by("-version").first()
    if q is None:
        return None
    return {
        "version": q.version,
        "law_version": q.law_version,
        "category": q.category,
        "completed_at": q.completed_at,
        "result": q.result if isinstance(q.result, dict) else {},
    }


def _experiments(use_case_id: int) -> list[dict[str, Any]]:
    from atlasia.lifecycle.models import Experiment

    out = []
    for e in Experiment.objects.filter(use_case_id=use_case_id).order_by("start_date", "pk"):
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


def exchange_record(
    rec: PublicRecord, *, publication_level: str = "public", with_token: bool = False
) -> dict[str, Any]:
    """A record in the exchange format 1.1: every field of the public record (the one definition of
    ``atlasia.publication.public``); with an instance token, also the full qualification result and
    the experiments, which are not public fields."""
    org = rec.organisation
    q, c, a = rec.qualification, rec.compliance, rec.algorithm
    out: dict[str, Any] = {
        "uid": rec.uid,
        "created_at": rec.created_at,
        "updated_at": rec.updated_at,
        "title": rec.title,
        "summary": rec.summary,
        "problem": rec.problem,
        "expected_benefits": rec.expected_benefits,
        "theme": rec.theme_code,
        "pillar": rec.pillar_code,
        "ai_technique": rec.ai_technique_code,
        "status": rec.status,
        "publication_level": publication_level,
        "organisation": {
            "name": org.name,
            "slug": org.slug,
            "type": org.type,
            "region": org.region,
            "country": org.country,
            "siren": org.siren,
            "department": org.department,
            "website": org.website,
        },
        "provider_type": rec.provider_type,
        "provider_name": rec.provider_name,
        "hosting": rec.hosting,
        "personal_data": rec.personal_data,
        "health_data": rec.health_data,
        "start_date": rec.start_date,
        "end_date": rec.end_date,
        "tags": list(rec.tags),
        "target_population": rec.target_population,
        "team": rec.team,
        "senior_responsible_owner": rec.senior_responsible_owner,
        "human_oversight": rec.human_oversight,
        "legal_basis_details": rec.legal_basis_details,
        "proportionality": rec.proportionality,
        "risks_and_mitigations": rec.risks_and_mitigations,
        "data_categories": list(rec.data_category_codes),
        "data_sources": rec.data_sources,
        "data_volume": rec.data_volume,
        "cost_eur": rec.cost_eur,
        "contacts": [{"role": x.role, "name": x.name, "email": x.email} for x in rec.contacts],
        "sources": [{"url": x.url, "title": x.title} for x in rec.sources],
        "algorithm": {
            "uid": a.uid,
            "name": a.name,
            "description": a.description,
            "purpose": a.purpose,
            "training_data": a.training_data,
            "performance": a.performance,
            "known_limits": a.known_limits,
            "licence": a.licence,
            "repository_url": a.repository_url,
        }
        if a
        else None,
        "public_qualification": {
            "version": q.version,
            "law_version": q.law_version,
            "category": q.category,
            "completed_at": q.completed_at,
            "legal_basis": q.legal_basis,
            "special_category_exception": q.special_category_exception,
            "dpia": q.dpia,
            "fria_required": q.fria_required,
            "annex3_points": list(q.annex3_points),
        }
        if q
        else None,
        "impact_assessments": {
            "dpia_decision": c.dpia_decision,
            "dpia_completed_at": c.dpia_completed_at,
            "fria_completed_at": c.fria_completed_at,
            "registration_reference": c.registration_reference,
        }
        if c
        else None,
        "qualification": None,
        "experiments": [],
    }
    return out


def exchange_document(*, with_token: bool, limit: int, offset: int) -> dict[str, Any]:
    qs = shared_records(with_token=with_token)
    page = list(qs[offset : offset + limit])
    levels = {uc.uid: uc.publication_level for uc in page}
    by_uid = {r.uid: r for r in records_of(page)}
    records = []
    for uc in page:
        rec = by_uid.get(uc.uid)
        if rec is None:
            continue
        item = exchange_record(rec, publication_level=levels[uc.uid], with_token=with_token)
        if with_token:
            item["qualification"] = _full_qualification(uc.pk)
            item["experiments"] = _experiments(uc.pk)
        records.append(item)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "generated_at": timezone.now(),
        "instance": {
            "name": getattr(settings, "ATLASIA_INSTANCE_NAME", "") or "Atlas IA",
            "url": getattr(settings, "ATLASIA_PUBLIC_URL", ""),
            "id": instance_id(),
        },
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "records": records,
    }


def parse_since(value: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None
