"""Reads of externalities, scoped to what the user may see."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from atlasia.monitoring.common import organisation_condition as _organisation_condition
from atlasia.registry.models import Organisation, UseCase

from .enums import ExternalityCategory, ExternalityStatus
from .models import Externality

logger = logging.getLogger(__name__)


def externalities_visible_to(user: Any) -> QuerySet[Externality]:
    qs = Externality.objects.select_related("use_case__organisation")
    if not user.is_authenticated:
        return qs.none()
    condition = _organisation_condition(user, "use_case__")
    return qs if condition is None else qs.filter(condition)


# --- externalities: anonymised counts ---------------------------------------------------------------


def _public_reports(use_case_ids: QuerySet[Any]) -> list[tuple[str, str, str]] | None:
    """(category, status, organisation type) of public problem reports not yet mirrored as externalities."""
    if not apps.is_installed("atlasia.publication"):
        return None
    try:
        from atlasia.publication.models import ProblemReport
    except ImportError:
        return None
    status_map = {"new": "new", "in_progress": "accepted", "closed": "addressed", "rejected": "rejected"}
    try:
        rows = (
            ProblemReport.objects.filter(use_case_id__in=use_case_ids)
            .exclude(
                pk__in=Externality.objects.filter(public_report_id__isnull=False).values("public_report_id")
            )
            .values_list("category", "status", "use_case__organisation__type")
        )
        return [
            (c if c in ExternalityCategory.values else "other", status_map.get(s, "new"), t)
            for c, s, t in rows
        ]
    except Exception:  # a schema in flux must not break the dashboards
        logger.warning("public problem reports unavailable", exc_info=True)
        return None


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
    public = _public_reports(ids) or []
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
