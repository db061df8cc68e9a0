"""Who may run a campaign and who may answer it.

- The national team (and platform administrators) launch campaigns to any organisation and follow
  every campaign; a regional team launches campaigns to the organisations of its region only and
  follows the campaigns of its region.
- An organisation answers through its referents and administrators (``campaign.answer`` in the
  matrix), or through the member an administrator delegated the answer to.
"""

from __future__ import annotations

from typing import Any

from atlasia.accounts import perms
from atlasia.accounts.actor import ActorLike, as_actor
from atlasia.core.roles import Action, Role, role_allows

from .enums import CampaignScope


def launch_scope(user: ActorLike | None) -> tuple[str, str] | None:
    """``(scope, region)`` of the campaigns the actor may launch, or ``None``."""
    actor = as_actor(user)
    if not actor.is_authenticated:
        return None
    if actor.is_platform_admin:
        return (CampaignScope.NATIONAL, "")
    if actor.perimeter.national and role_allows(Role.NATIONAL_REVIEWER, Action.CAMPAIGN_MANAGE):
        return (CampaignScope.NATIONAL, "")
    if actor.perimeter.regions and role_allows(Role.REGIONAL_REVIEWER, Action.CAMPAIGN_MANAGE):
        return (CampaignScope.REGIONAL, min(actor.perimeter.regions))
    return None


def can_manage(user: ActorLike | None, campaign: Any) -> bool:
    """The team that may follow, remind, extend and edit ``campaign``."""
    scope = launch_scope(user)
    if scope is None:
        return False
    if scope[0] == CampaignScope.NATIONAL:
        return True
    return campaign.scope == CampaignScope.REGIONAL and campaign.region == scope[1]


def can_answer(user: ActorLike | None, target: Any) -> bool:
    """May ``user`` answer for ``target``'s organisation?"""
    actor = as_actor(user)
    if not actor.is_authenticated:
        return False
    if target.delegate_id is not None and target.delegate_id == actor.user_id:
        return True
    return perms.can(actor, Action.CAMPAIGN_ANSWER, target.organisation)


def can_delegate(user: ActorLike | None, target: Any) -> bool:
    """Organisation administrators hand the answer to one of their members."""
    return perms.can(user, Action.MEMBERS_MANAGE, target.organisation)


def can_manage_committee(user: ActorLike | None) -> bool:
    """The national team composes the committee and its agenda."""
    return perms.can_anywhere(user, Action.COMMITTEE_MANAGE)


def is_committee_member(user: ActorLike | None) -> bool:
    from .models import CommitteeMember

    user_id = as_actor(user).user_id
    if user_id is None:
        return False
    return CommitteeMember.objects.filter(user_id=user_id, left_on__isnull=True).exists()


def can_give_opinion(user: ActorLike | None) -> bool:
    """Only the committee's members (and platform administrators) record its opinions."""
    return is_committee_member(user) or perms.is_platform_admin(user)


def can_read_committee(user: ActorLike | None) -> bool:
    return can_manage_committee(user) or can_give_opinion(user)
