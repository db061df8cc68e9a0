"""The monitoring home (« Suivi »): what the owners must do, gathered from the sub-domains' selectors.
Each sub-domain has its own reads (``incidents.selectors``, ``externalities.selectors``,
``footprint.selectors``, ``people.selectors``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from atlasia.accounts import perms
from atlasia.accounts.actor import ActorLike, as_actor
from atlasia.core.roles import Action
from atlasia.monitoring import perms as mperms
from atlasia.registry.models import Organisation

from .externalities.enums import ExternalityStatus
from .externalities.models import Externality
from .incidents.enums import IncidentStatus
from .incidents.models import Incident
from .people.selectors import literacy_coverage

# --- "to do" -----------------------------------------------------------------------------------------


def todo_for(user: ActorLike | None, today: date | None = None) -> dict[str, Any]:
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
    actor = as_actor(user)
    literacy_orgs = Organisation.objects.filter(
        pk__in=[org_id for org_id, roles in actor.roles.items() if roles & mperms.LITERACY_ROLES]
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
