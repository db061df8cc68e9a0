"""Reads of incidents, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from atlasia.accounts import perms
from atlasia.accounts.actor import ActorLike
from atlasia.core.roles import Action

from .models import Incident


def incidents_visible_to(user: ActorLike | None) -> QuerySet[Incident]:
    """What hangs from the use cases of the organisations the actor reads (``usecase.view`` on the
    organisation: a record shared with the network does not open its monitoring)."""
    qs = Incident.objects.select_related("use_case__organisation")
    return perms.scoped(qs, user, Action.USECASE_VIEW, organisation="use_case__organisation")
