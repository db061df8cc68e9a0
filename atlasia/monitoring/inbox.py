"""The monitoring's part of the « À faire » inbox: serious incidents to report to the authority before
their Art. 73 deadline (overdue ones first), and new negative externalities or public problem reports to
triage. Registered with the lifecycle's inbox from :meth:`MonitoringConfig.ready`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atlasia.accounts import perms
from atlasia.accounts.models import Membership, ReviewerScope, User
from atlasia.core.roles import Action
from atlasia.lifecycle.selectors import InboxItem, InboxSection

from .models import Externality, ExternalityStatus, Incident, IncidentStatus
from .perms import MANAGER_ROLES

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
    InboxSection(
        "externality_triage",
        gettext_lazy("Signalements et externalités à examiner"),
        gettext_lazy(
            "Externalités négatives déclarées et signalements du public qui attendent un premier examen."
        ),
        60,
    ),
]


def _managed(user: Any) -> list[int] | None:
    """Organisations whose incidents the user handles (``None``: all, for a platform administrator)."""
    if perms.is_platform_admin(user):
        return None
    return list(perms.organisation_ids_with(user, Action.USECASE_TRANSITION))


def _orphans_routed_to(user: Any) -> Q:
    """Externalities of organisations with nobody to triage them, routed to the user as regional team
    (organisations of her region) or national team (regions without a regional team)."""
    with_manager = Membership.objects.filter(role__in=MANAGER_ROLES, user__is_active=True).values(
        "organisation_id"
    )
    orphan = ~Q(use_case__organisation_id__in=with_manager)
    if user.reviewer_scope == ReviewerScope.REGIONAL and user.reviewer_region:
        return orphan & Q(use_case__organisation__region=user.reviewer_region)
    if user.reviewer_scope == ReviewerScope.NATIONAL:
        covered = (
            User.objects.filter(reviewer_scope=ReviewerScope.REGIONAL, is_active=True)
            .exclude(reviewer_region="")
            .values("reviewer_region")
        )
        return orphan & ~Q(use_case__organisation__region__in=covered)
    return Q(pk__in=[])


def monitoring_inbox(user: Any, today: date) -> list[InboxItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    managed = _managed(user)
    incidents = Incident.objects.select_related("use_case__organisation").filter(
        severity="serious", reported_on__isnull=True
    )
    externalities = Externality.objects.select_related("use_case__organisation").filter(
        status=ExternalityStatus.NEW
    )
    if managed is not None:
        incidents = incidents.filter(use_case__organisation_id__in=managed)
        externalities = externalities.filter(
            Q(use_case__organisation_id__in=managed) | _orphans_routed_to(user)
        )
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
    for externality in externalities.order_by("created_at", "pk")[:200]:
        items.append(
            InboxItem(
                "externality_triage",
                _("Examiner : %(category)s") % {"category": externality.get_category_display()},
                externality.use_case,
                None,
                url_name="monitoring_externality",
                url_args=(externality.pk,),
                detail=externality.description[:140],
            )
        )
    return items
