"""The externalities' part of the « À faire » inbox: new negative externalities and public problem
reports to triage, for the owner organisation — or, when it has nobody to triage them, its regional
then national team (:mod:`.routing`). Registered from :meth:`MonitoringConfig.ready`."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atlasia.accounts import perms
from atlasia.accounts.actor import ActorLike
from atlasia.core.roles import Action
from atlasia.lifecycle.selectors import InboxItem, InboxSection

from .enums import ExternalityStatus
from .models import Externality
from .routing import orphans_routed_to

SECTIONS = [
    InboxSection(
        "externality_triage",
        gettext_lazy("Signalements et externalités à examiner"),
        gettext_lazy(
            "Externalités négatives déclarées et signalements du public qui attendent un premier examen."
        ),
        60,
    ),
]


def externalities_inbox(user: ActorLike | None, today: date) -> list[InboxItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    externalities = Externality.objects.select_related("use_case__organisation").filter(
        status=ExternalityStatus.NEW
    )
    if not perms.is_platform_admin(user):
        managed = perms.organisation_ids_with(user, Action.USECASE_TRANSITION)
        externalities = externalities.filter(
            Q(use_case__organisation_id__in=managed) | orphans_routed_to(user)
        )
    return [
        InboxItem(
            "externality_triage",
            _("Examiner : %(category)s") % {"category": externality.get_category_display()},
            externality.use_case,
            None,
            url_name="monitoring_externality",
            url_args=(externality.pk,),
            detail=externality.description[:140],
        )
        for externality in externalities.order_by("created_at", "pk")[:200]
    ]
