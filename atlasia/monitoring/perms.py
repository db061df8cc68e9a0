"""Who may do what in monitoring, expressed with the platform's permission matrix
(``atlasia.core.roles``) so that no new role is invented:

- read incidents, externalities and footprints of a use case: ``usecase.view`` *on its organisation*
  (members, reviewers of its scope, administrators) — a use case shared with the network does not
  expose its incidents to other organisations;
- declare an incident, report an externality as an agent, add a footprint: ``usecase.edit``
  (externality: ``usecase.view``);
- move an incident through its workflow, record its reporting, triage externalities, suspend:
  ``usecase.transition`` (referent, DPO, organisation administrator);
- record training completions and declare the number of agents using AI: referent or organisation
  administrator of that organisation;
- the training catalogue, events and resources of the network: national team or platform administrator.
"""

from __future__ import annotations

from typing import Any

from atlasia.accounts import perms
from atlasia.accounts.models import ReviewerScope
from atlasia.core.roles import Action, Role

LITERACY_ROLES = frozenset({Role.REFERENT, Role.ORG_ADMIN, Role.PLATFORM_ADMIN})


def can_read(user: Any, organisation: Any) -> bool:
    return perms.can(user, Action.USECASE_VIEW, organisation)


def can_declare(user: Any, organisation: Any) -> bool:
    return perms.can(user, Action.USECASE_EDIT, organisation)


def can_manage(user: Any, organisation: Any) -> bool:
    return perms.can(user, Action.USECASE_TRANSITION, organisation)


MANAGER_ROLES = ("referent", "dpo", "org_admin")


def organisation_has_manager(organisation: Any) -> bool:
    """Whether an active member of ``organisation`` can triage its externalities (referent, DPO,
    organisation administrator)."""
    from atlasia.accounts.models import Membership

    return Membership.objects.filter(
        organisation_id=organisation.pk, role__in=MANAGER_ROLES, user__is_active=True
    ).exists()


def region_has_reviewer(region: str) -> bool:
    from atlasia.accounts.models import User

    return (
        bool(region)
        and User.objects.filter(
            reviewer_scope=ReviewerScope.REGIONAL, reviewer_region=region, is_active=True
        ).exists()
    )


def is_fallback_triager(user: Any, organisation: Any) -> bool:
    """A problem report to an organisation without anyone to triage it goes to its regional team, or to
    the national team when the region has none: they triage it in the organisation's place."""
    if not getattr(user, "is_authenticated", False) or organisation_has_manager(organisation):
        return False
    if user.reviewer_scope == ReviewerScope.REGIONAL:
        return bool(organisation.region) and user.reviewer_region == organisation.region
    if user.reviewer_scope == ReviewerScope.NATIONAL:
        return not region_has_reviewer(organisation.region)
    return False


def can_triage_externality(user: Any, organisation: Any) -> bool:
    return can_manage(user, organisation) or is_fallback_triager(user, organisation)


def can_manage_literacy(user: Any, organisation: Any) -> bool:
    return bool(perms.roles_for(user, organisation) & LITERACY_ROLES)


def can_manage_network(user: Any) -> bool:
    return perms.is_platform_admin(user) or (
        user.is_authenticated and user.reviewer_scope == ReviewerScope.NATIONAL
    )
