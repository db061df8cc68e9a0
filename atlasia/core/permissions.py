"""The one permission rule of Atlas IA, in pure Python: who (an :class:`Actor`) may do what
(an :class:`~atlasia.core.roles.Action`) on which object (a :class:`Target`).

The rule is written once, as a :class:`Grant`: the set of objects on which an actor may perform an
action, described by what every object of the platform carries — its organisation, that organisation's
region and, for a use case, its publication level. Both answers of the permission API come from it:

- ``can(actor, action, obj)`` asks whether the grant *covers* one object (:meth:`Grant.covers`);
- the scoped querysets (``usecases_for(actor, action)``…) turn the *same* grant into a SQL condition
  (``atlasia.accounts.perms.scope_q``).

So the list a user sees and the checks made on each object cannot disagree; a test walks every demo
user, record and action to prove it (``tests/accounts/test_permission_agreement.py``).

The scope rules (``docs/permissions.md``):

- a member role (contributor, referent, DPO, organisation administrator) acts in the organisations the
  person belongs to, with the actions the matrix gives that role;
- the regional team acts with its actions on the organisations of its region, the national team on
  every organisation — except the network-level actions (:data:`NETWORK_ACTIONS`), which a reviewer
  holds for the network as a whole (the national weight profile, the annual map, campaigns, the
  committee) and not on each organisation's own records;
- the platform administrator may do everything everywhere;
- anyone signed in reads the use cases shared with the network or the public; anonymous callers read
  public use cases only. This applies to the use case itself (``usecase.view``), not to what hangs from
  it (incidents, obligations, history…), which stays with the organisation and its reviewers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .roles import Action, Role, role_allows

#: Publication levels, as stored on a use case (``atlasia.registry.enums.PublicationLevel``; a test
#: checks they are the same codes).
LEVEL_INTERNAL = "internal"
LEVEL_NETWORK = "network"
LEVEL_PUBLIC = "public"
#: What anyone signed in reads of other organisations, and what an anonymous caller reads.
SHARED_LEVELS: frozenset[str] = frozenset({LEVEL_NETWORK, LEVEL_PUBLIC})
PUBLIC_LEVELS: frozenset[str] = frozenset({LEVEL_PUBLIC})

#: Actions a reviewer team holds for the network as a whole, never on one organisation's objects: the
#: national weight profile (an organisation's own weights are its administrators'), the annual map,
#: campaigns and the expert committee (their own rules: ``atlasia.campaigns.perms``).
NETWORK_ACTIONS: frozenset[Action] = frozenset(
    {Action.WEIGHTS_EDIT, Action.REPORT_PUBLISH, Action.CAMPAIGN_MANAGE, Action.COMMITTEE_MANAGE}
)

_NO_ROLES: Mapping[int, frozenset[Role]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Perimeter:
    """The organisations a reviewer team reads: every one (``national``) or those of some regions."""

    national: bool = False
    regions: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return self.national or bool(self.regions)

    @property
    def role(self) -> Role | None:
        if self.national:
            return Role.NATIONAL_REVIEWER
        if self.regions:
            return Role.REGIONAL_REVIEWER
        return None


NO_PERIMETER = Perimeter()


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, built once per request from the user and her memberships (``atlasia.accounts.actor``).

    ``roles`` maps an organisation id to the member roles held there; ``perimeter`` is the reviewer
    team's (regional or national); ``is_service_account`` marks an API token's account, which holds one
    membership with the token's role and nothing else.
    """

    user_id: int | None
    is_authenticated: bool = True
    is_platform_admin: bool = False
    roles: Mapping[int, frozenset[Role]] = field(default_factory=lambda: _NO_ROLES, hash=False)
    perimeter: Perimeter = NO_PERIMETER
    is_service_account: bool = False

    @property
    def is_national_team(self) -> bool:
        """The national team, or a platform administrator: the network-wide screens (duplicates, every
        annual report run, the network's training catalogue)."""
        return self.is_authenticated and (self.is_platform_admin or self.perimeter.national)

    @property
    def organisation_ids(self) -> frozenset[int]:
        """The organisations the actor is a member of."""
        return frozenset(self.roles)

    def organisation_ids_with(self, action: Action) -> frozenset[int]:
        """The organisations where a member role of the actor allows ``action``."""
        return frozenset(
            org_id for org_id, roles in self.roles.items() if any(role_allows(r, action) for r in roles)
        )

    def roles_in(self, organisation_id: int | None, region: str = "") -> frozenset[Role]:
        """Every role the actor holds with respect to one organisation (member, reviewer, admin)."""
        if not self.is_authenticated:
            return frozenset()
        held = set(self.roles.get(organisation_id, frozenset())) if organisation_id is not None else set()
        if self.perimeter.national:
            held.add(Role.NATIONAL_REVIEWER)
        elif region and region in self.perimeter.regions:
            held.add(Role.REGIONAL_REVIEWER)
        if self.is_platform_admin:
            held.add(Role.PLATFORM_ADMIN)
        return frozenset(held)


ANONYMOUS = Actor(user_id=None, is_authenticated=False)


@dataclass(frozen=True, slots=True)
class Target:
    """What the rule needs to know of an object: its organisation, that organisation's region and, for a
    use case itself, its publication level (``None`` for an organisation or what hangs from a record)."""

    organisation_id: int | None
    region: str = ""
    publication_level: str | None = None


@dataclass(frozen=True, slots=True)
class Grant:
    """The objects on which an actor may perform one action: every object, or those of some
    organisations, of some regions, or (use cases only) of some publication levels."""

    everything: bool = False
    organisation_ids: frozenset[int] = frozenset()
    regions: frozenset[str] = frozenset()
    publication_levels: frozenset[str] = frozenset()

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.organisation_ids or self.regions or self.publication_levels)

    def covers(self, target: Target) -> bool:
        if self.everything:
            return True
        if target.organisation_id is not None and target.organisation_id in self.organisation_ids:
            return True
        if target.region and target.region in self.regions:
            return True
        return target.publication_level is not None and target.publication_level in self.publication_levels


NOTHING = Grant()
EVERYTHING = Grant(everything=True)


def grant(actor: Actor, action: Action | str) -> Grant:
    """The objects on which ``actor`` may perform ``action`` — the single rule behind ``can`` and the
    scoped querysets."""
    action = Action(action)
    if not actor.is_authenticated:
        return Grant(publication_levels=PUBLIC_LEVELS) if action == Action.USECASE_VIEW else NOTHING
    if actor.is_platform_admin:
        return EVERYTHING
    reviewer = actor.perimeter.role
    by_reviewer = reviewer is not None and action not in NETWORK_ACTIONS and role_allows(reviewer, action)
    if by_reviewer and actor.perimeter.national:
        return EVERYTHING
    return Grant(
        organisation_ids=actor.organisation_ids_with(action),
        regions=actor.perimeter.regions if by_reviewer else frozenset(),
        publication_levels=SHARED_LEVELS if action == Action.USECASE_VIEW else frozenset(),
    )


def allows(actor: Actor, action: Action | str, target: Target) -> bool:
    """May ``actor`` perform ``action`` on the object described by ``target``?"""
    return grant(actor, action).covers(target)


def allows_somewhere(actor: Actor, action: Action | str) -> bool:
    """May ``actor`` perform ``action`` on at least one organisation's objects, or at the network level
    (to show a button or a menu entry)? Publication levels do not count: reading shared records is not
    a reason to show a screen."""
    action = Action(action)
    if not actor.is_authenticated:
        return False
    if actor.is_platform_admin or actor.organisation_ids_with(action):
        return True
    reviewer = actor.perimeter.role
    return reviewer is not None and role_allows(reviewer, action)
