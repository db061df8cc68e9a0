"""Loading the reference lists and the starter catalogue from ``data/`` (idempotent: loading twice
updates in place and creates no duplicate)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record

from .models import AITechnique, Algorithm, DataCategory, Organisation, Pillar, Source, Theme, UseCase

REFERENCE_MODELS: dict[str, Any] = {
    "themes": Theme,
    "pillars": Pillar,
    "ai_techniques": AITechnique,
    "data_categories": DataCategory,
}
_BASE_KEYS = {"code", "label_fr", "label_en", "description_fr"}


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def load_reference(data_dir: Path | None = None) -> dict[str, int]:
    data_dir = data_dir or Path(settings.ATLASIA_DATA_DIR)
    counts: dict[str, int] = {}
    for name, model in REFERENCE_MODELS.items():
        items = _read(data_dir / "reference" / f"{name}.json")
        for position, item in enumerate(items):
            model.objects.update_or_create(
                code=item["code"],
                defaults={
                    "label_fr": item["label_fr"],
                    "label_en": item.get("label_en", ""),
                    "description_fr": item.get("description_fr", ""),
                    "position": position,
                    "extra": {k: v for k, v in item.items() if k not in _BASE_KEYS},
                },
            )
        counts[name] = len(items)
    return counts


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def load_catalogue(data_dir: Path | None = None) -> dict[str, int]:
    """Load ``data/catalogue``: organisations then use cases (keyed by their slug)."""
    data_dir = data_dir or Path(settings.ATLASIA_DATA_DIR)
    organisations = _read(data_dir / "catalogue" / "organisations.json")
    if isinstance(organisations, dict):
        organisations = organisations.get("organisations", organisations.get("items", []))
    by_slug: dict[str, Organisation] = {}
    for item in organisations:
        org, _ = Organisation.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "type": item["type"],
                "siren": item.get("siren") or "",
                "finess": item.get("finess") or "",
                "region": item.get("region") or "",
                "department": item.get("department") or "",
                "city": item.get("city") or "",
                "country": item.get("country") or "FR",
                "website": item.get("website") or "",
            },
        )
        org.full_clean()
        by_slug[org.slug] = org
    for item in organisations:
        if item.get("parent"):
            org = by_slug[item["slug"]]
            org.parent = by_slug[item["parent"]]
            org.save(update_fields=["parent"])

    catalogue = _read(data_dir / "catalogue" / "use_cases.json")
    themes = {t.code: t for t in Theme.objects.all()}
    pillars = {p.code: p for p in Pillar.objects.all()}
    techniques = {t.code: t for t in AITechnique.objects.all()}
    categories = {c.code: c for c in DataCategory.objects.all()}
    created = 0
    for item in catalogue["use_cases"]:
        algorithm = None
        if item.get("algorithm"):
            algo = item["algorithm"]
            algorithm, _ = Algorithm.objects.update_or_create(
                name=algo["name"],
                defaults={
                    "description": algo.get("description", ""),
                    "licence": algo.get("licence") or "",
                    "repository_url": algo.get("repository_url") or "",
                    "organisation": by_slug.get(item["organisation"]),
                    "purpose": algo.get("purpose", item.get("summary", "")),
                    "training_data": algo.get("training_data", ""),
                    "performance": algo.get("performance", ""),
                    "known_limits": algo.get("known_limits", ""),
                },
            )
        cost = item.get("cost_eur")
        defaults = {
            "title": item["title"],
            "summary": item["summary"],
            "problem": item.get("problem", ""),
            "expected_benefits": item.get("expected_benefits", ""),
            "theme": themes[item["theme"]],
            "pillar": pillars.get(item.get("pillar") or ""),
            "organisation": by_slug[item["organisation"]],
            "partners_other": ", ".join(item.get("partners") or []),
            "sites": item.get("sites") or "",
            "target_population": item.get("target_population") or "",
            "ai_technique": techniques[item["ai_technique"]],
            "personal_data": bool(item.get("personal_data")),
            "health_data": bool(item.get("health_data")),
            "data_sources": item.get("data_sources") or "",
            "data_volume": (item.get("data_volume") or "")[:300],
            "hosting": item.get("hosting") or "",
            "provider_type": item.get("provider_type") or "in_house",
            "provider_name": item.get("provider_name") or "",
            "human_oversight": item.get("human_oversight") or "",
            "status": item["status"],
            "start_date": _date(item.get("start_date")),
            "end_date": _date(item.get("end_date")),
            "dates_note": (item.get("dates_note") or "")[:300],
            "cost_eur": Decimal(str(cost)) if cost is not None else None,
            "funding": item.get("funding") or "",
            "tags": list(item.get("tags") or []),
            "publication_level": item.get("publication_level") or "public",
            "from_public_sources": True,
            "algorithm": algorithm,
        }
        use_case = UseCase.objects.filter(catalogue_slug=item["slug"]).first()
        is_new = use_case is None
        if use_case is None:
            use_case = UseCase(catalogue_slug=item["slug"])
        for key, value in defaults.items():
            setattr(use_case, key, value)
        use_case.full_clean()
        use_case.save()
        use_case.data_categories.set([categories[c] for c in item.get("data_categories") or []])
        use_case.sources.all().delete()
        Source.objects.bulk_create(
            [
                Source(
                    use_case=use_case,
                    url=s["url"],
                    title=(s.get("title") or "")[:300],
                    reliability=s.get("reliability") or "V",
                )
                for s in item.get("sources") or []
            ]
        )
        if item.get("contact_role") and not use_case.contacts.exists():
            use_case.contacts.create(role=item["contact_role"][:200], is_public=True)
        if is_new:
            created += 1
            audit_record(
                actor=None,
                action=AuditAction.CREATE,
                obj=use_case,
                use_case_id=use_case.pk,
                organisation_id=use_case.organisation_id,
                message="Chargé depuis le catalogue de départ (sources publiques).",
            )
    return {"organisations": len(by_slug), "use_cases": len(catalogue["use_cases"]), "created": created}
