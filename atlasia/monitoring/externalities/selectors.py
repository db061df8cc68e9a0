"""Reads of externalities, scoped to what the user may see."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import QuerySet

from atlasia.accounts import perms
from atlasia.accounts.actor import ActorLike
from atlasia.core.roles import Action
from atlasia.registry.models import Organisation, UseCase

from .enums import ExternalityCategory, ExternalitySource, ExternalityStatus
from .models import Externality


def externalities_visible_to(user: ActorLike | None) -> QuerySet[Externality]:
    """What hangs from the use cases of the organisations the actor reads (``usecase.view`` on the
    organisation: a record shared with the network does not open its monitoring)."""
    qs = Externality.objects.select_related("use_case__organisation")
    return perms.scoped(qs, user, Action.USECASE_VIEW, organisation="use_case__organisation")


# --- externalities: anonymised counts ---------------------------------------------------------------


def externality_counts(scope: QuerySet[UseCase]) -> dict[str, Any]:
    """Anonymised counts of negative externalities on the use cases of ``scope`` — the agents' reports
    and the public register's problem reports, one model — by category, by status, by organisation
    type and by source. Only codes, labels and integers: no names, e-mails or descriptions."""
    ids = scope.order_by().values("pk")
    all_rows = list(
        Externality.objects.filter(use_case_id__in=ids).values_list(
            "category", "status", "use_case__organisation__type", "source"
        )
    )
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


def public_reports_for(user: ActorLike | None, use_case: UseCase) -> QuerySet[Externality] | None:
    """The public's reports on a record (with the reporter's contact address), for the members of its
    owner organisation and the platform administrators; ``None`` for anyone else."""
    if not (perms.is_platform_admin(user) or use_case.organisation_id in perms.member_organisation_ids(user)):
        return None
    return Externality.objects.filter(use_case=use_case, source=ExternalitySource.PUBLIC).order_by(
        "-created_at", "-id"
    )
