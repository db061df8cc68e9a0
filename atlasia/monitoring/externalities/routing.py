"""Who triages a negative externality or a public problem report: the organisation's referent, DPO or
administrator; when the organisation has none of them, its regional team, or the national team when the
region has none (issue 22: a report to an organisation without members must reach someone)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from atlasia.accounts.actor import ActorLike, as_actor
from atlasia.accounts.models import Membership, ReviewerScope, User
from atlasia.core.roles import Role
from atlasia.monitoring import perms as mperms

#: The member roles that triage (``usecase.transition`` in the matrix).
MANAGER_ROLES = tuple(r.value for r in (Role.REFERENT, Role.DPO, Role.ORG_ADMIN))


def organisation_has_manager(organisation: Any) -> bool:
    """Whether an active member of ``organisation`` can triage its externalities (referent, DPO,
    organisation administrator)."""
    return Membership.objects.filter(
        organisation_id=organisation.pk, role__in=MANAGER_ROLES, user__is_active=True
    ).exists()


def region_has_reviewer(region: str) -> bool:
    return (
        bool(region)
        and User.objects.filter(
            reviewer_scope=ReviewerScope.REGIONAL, reviewer_region=region, is_active=True
        ).exists()
    )


def is_fallback_triager(user: ActorLike | None, organisation: Any) -> bool:
    """A problem report to an organisation without anyone to triage it goes to its regional team, or to
    the national team when the region has none: they triage it in the organisation's place."""
    perimeter = as_actor(user).perimeter
    if not perimeter or organisation_has_manager(organisation):
        return False
    if perimeter.national:
        return not region_has_reviewer(organisation.region)
    return bool(organisation.region) and organisation.region in perimeter.regions


def can_triage(user: ActorLike | None, organisation: Any) -> bool:
    return mperms.can_manage(user, organisation) or is_fallback_triager(user, organisation)


def orphans_routed_to(user: ActorLike | None) -> Q:
    """Externalities of organisations with nobody to triage them, routed to the user as regional team
    (organisations of her region) or national team (regions without a regional team)."""
    with_manager = Membership.objects.filter(role__in=MANAGER_ROLES, user__is_active=True).values(
        "organisation_id"
    )
    orphan = ~Q(use_case__organisation_id__in=with_manager)
    perimeter = as_actor(user).perimeter
    if perimeter.regions:
        return orphan & Q(use_case__organisation__region__in=sorted(perimeter.regions))
    if perimeter.national:
        covered = (
            User.objects.filter(reviewer_scope=ReviewerScope.REGIONAL, is_active=True)
            .exclude(reviewer_region="")
            .values("reviewer_region")
        )
        return orphan & ~Q(use_case__organisation__region__in=covered)
    return Q(pk__in=[])
