"""Who may do what, where: the permission matrix of ``atlasia.core.roles`` applied to organisations.

Scope rules:
- a member of an organisation acts there with the actions of her role(s);
- a regional reviewer acts with the reviewer's actions on organisations of her region;
- a national reviewer acts with the reviewer's actions on every organisation;
- a platform administrator may do everything everywhere.
"""

from __future__ import annotations

from typing import Any

from atlasia.core.roles import Action, Role, role_allows

from .models import ReviewerScope


def _memberships(user: Any) -> dict[int, set[Role]]:
    cached = getattr(user, "_atlasia_roles", None)
    if cached is None:
        cached = {}
        for org_id, role in user.memberships.values_list("organisation_id", "role"):
            cached.setdefault(org_id, set()).add(Role(role))
        user._atlasia_roles = cached
    return cached


def is_platform_admin(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_platform_admin or user.is_superuser))


def member_organisation_ids(user: Any) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(_memberships(user))


def organisation_ids_with(user: Any, action: Action) -> set[int]:
    """Organisations where the user holds, through a membership, a role allowing ``action``."""
    if not user.is_authenticated:
        return set()
    return {
        org_id for org_id, roles in _memberships(user).items() if any(role_allows(r, action) for r in roles)
    }


def roles_for(user: Any, organisation: Any) -> set[Role]:
    """Every role the user holds with respect to ``organisation`` (membership, reviewer, admin)."""
    if not user.is_authenticated:
        return set()
    roles = set(_memberships(user).get(organisation.pk, set()))
    if user.reviewer_scope == ReviewerScope.NATIONAL:
        roles.add(Role.NATIONAL_REVIEWER)
    elif user.reviewer_scope == ReviewerScope.REGIONAL and user.reviewer_region == organisation.region:
        roles.add(Role.REGIONAL_REVIEWER)
    if is_platform_admin(user):
        roles.add(Role.PLATFORM_ADMIN)
    return roles


def can(user: Any, action: Action, organisation: Any) -> bool:
    """True when ``user`` may perform ``action`` on an object owned by ``organisation``."""
    return any(role_allows(role, action) for role in roles_for(user, organisation))


def can_anywhere(user: Any, action: Action) -> bool:
    """True when the user may perform ``action`` in at least one organisation (e.g. to show a button)."""
    if is_platform_admin(user):
        return True
    if organisation_ids_with(user, action):
        return True
    if user.is_authenticated and user.reviewer_scope == ReviewerScope.NATIONAL:
        return role_allows(Role.NATIONAL_REVIEWER, action)
    if user.is_authenticated and user.reviewer_scope == ReviewerScope.REGIONAL:
        return role_allows(Role.REGIONAL_REVIEWER, action)
    return False
