"""The incidents' part of the « À faire » inbox: serious incidents to report to the authority before
their Art. 73 deadline (overdue ones first). Registered from :meth:`MonitoringConfig.ready`."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atlasia.accounts import perms
from atlasia.accounts.actor import ActorLike
from atlasia.core.roles import Action
from atlasia.lifecycle.selectors import InboxItem, InboxSection

from .enums import IncidentStatus
from .models import Incident

SECTIONS = [
    InboxSection(
        "incident_report",
        gettext_lazy("Incidents graves à signaler"),
        gettext_lazy(
            "Incidents graves pas encore signalés à l'autorité : l'article 73 du règlement sur l'IA fixe "
            "le délai (15 jours, 10 en cas de décès, 2 pour une atteinte généralisée)."
        ),
        10,
    ),
]


def incidents_inbox(user: ActorLike | None, today: date) -> list[InboxItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    incidents = Incident.objects.select_related("use_case__organisation").filter(
        severity="serious", reported_on__isnull=True
    )
    if not perms.is_platform_admin(user):
        managed = perms.organisation_ids_with(user, Action.USECASE_TRANSITION)
        incidents = incidents.filter(use_case__organisation_id__in=managed)
    items: list[InboxItem] = []
    for incident in incidents.exclude(status=IncidentStatus.CLOSED).order_by("aware_on", "pk"):
        deadline = incident.deadline
        if deadline is None:
            continue
        items.append(
            InboxItem(
                "incident_report",
                _("Signaler l'incident « %(title)s »") % {"title": incident.title},
                incident.use_case,
                deadline,
                url_name="monitoring_incident",
                url_args=(incident.pk,),
                overdue=deadline < today,
                detail=incident.countdown(today),
            )
        )
    return items
