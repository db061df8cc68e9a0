"""Who may do what in monitoring, expressed with the platform's permission matrix
(``atlasia.core.roles``) so that no new role is invented:

- read incidents, externalities and footprints of a use case: ``usecase.view`` *on its organisation*
  (members, reviewers of its scope, administrators) — a use case shared with the network does not
  expose its incidents to other organisations;
- declare an incident, report an externality as an agent, add a footprint: ``usecase.edit``
  (externality: ``usecase.view``);
- move an incident through its workflow, record its reporting, triage externalities, suspend:
  ``usecase.transition`` (referent, DPO, organisation administrator); an externality of an organisation
  without any of them is triaged by its regional, then national team (``externalities.routing``);
- record training completions and declare the number of agents using AI: referent or organisation
  administrator of that organisation;
- the training catalogue, events and resources of the network: national team or platform administrator.
"""

from __future__ import annotations

from typing import Any

from atlasia.accounts import perms
from atlasia.accounts.actor import ActorLike, as_actor
from atlasia.core.roles import Action, Role

LITERACY_ROLES = frozenset({Role.REFERENT, Role.ORG_ADMIN, Role.PLATFORM_ADMIN})


def can_read(user: ActorLike | None, organisation: Any) -> bool:
    return perms.can(user, Action.USECASE_VIEW, organisation)


def can_declare(user: ActorLike | None, organisation: Any) -> bool:
    return perms.can(user, Action.USECASE_EDIT, organisation)


def can_manage(user: ActorLike | None, organisation: Any) -> bool:
    return perms.can(user, Action.USECASE_TRANSITION, organisation)


def can_manage_literacy(user: ActorLike | None, organisation: Any) -> bool:
    return bool(perms.roles_for(user, organisation) & LITERACY_ROLES)


def can_manage_network(user: ActorLike | None) -> bool:
    return as_actor(user).is_national_team
