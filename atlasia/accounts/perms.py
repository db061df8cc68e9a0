"""The permission API of Atlas IA — one rule for the screens, the API, the selectors and the services.

- ``can(actor, action, obj)``: may the actor perform ``action`` on ``obj`` — an organisation, a use case,
  or anything that hangs from one (an incident, an obligation, a campaign target…: whatever carries a
  ``use_case`` or an ``organisation``)?
- ``scoped(queryset, actor, action, organisation=…, level=…)``: the rows of ``queryset`` on which the
  actor may perform ``action``; ``registry.selectors.usecases_for`` and ``organisations_for`` are built
  on it, and so must every other scoped read.

Both answer from the same :func:`atlasia.core.permissions.grant`, so they cannot disagree (a test walks
every demo user, record and action). ``actor`` is the typed :class:`~atlasia.core.permissions.Actor`
(``actor_of(request)`` in a view); a user is accepted too and turned into her actor once (services
receive the user who acts, whom they audit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar

from django.db.models import Model, Q, QuerySet

from atlasia.core.permissions import Actor, Grant, Target, allows_somewhere, grant
from atlasia.core.roles import Action, Role

from .actor import ActorLike, actor_for, actor_of, as_actor

__all__ = [
    "Actor",
    "ActorLike",
    "Target",
    "actor_for",
    "actor_of",
    "as_actor",
    "can",
    "can_anywhere",
    "is_platform_admin",
    "member_organisation_ids",
    "organisation_ids_with",
    "roles_for",
    "scope_q",
    "scoped",
    "target_of",
]

if TYPE_CHECKING:
    from atlasia.registry.models import Organisation

M = TypeVar("M", bound=Model)


class OnOrganisation(Protocol):
    """An object owned by an organisation (a use case, a vendor, a campaign target…)."""

    @property
    def organisation_id(self) -> int | None: ...


class OnUseCase(Protocol):
    """An object hanging from a use case (an obligation, an incident, a risk…)."""

    @property
    def use_case_id(self) -> int | None: ...


#: What ``can`` accepts: an organisation, what it owns, what hangs from one of its use cases.
PermissionObject: TypeAlias = "Organisation | OnOrganisation | OnUseCase | Target"

_ORGANISATION = "registry.organisation"
_USE_CASE = "registry.usecase"


def _label(obj: Any) -> str:
    meta = getattr(obj, "_meta", None)
    return meta.label_lower if meta is not None else ""


def _organisation_of(obj: Any) -> tuple[int | None, Any]:
    """``(organisation id, a callable giving its region)`` of an object that hangs from a use case or
    an organisation."""
    if _label(obj) == _ORGANISATION:
        return obj.pk, lambda: obj.region
    org_id = getattr(obj, "organisation_id", None)
    if org_id is not None:
        return org_id, lambda: obj.organisation.region
    if getattr(obj, "use_case_id", None) is not None:
        use_case = obj.use_case
        return use_case.organisation_id, lambda: use_case.organisation.region
    raise TypeError(f"{type(obj).__name__} belongs to no organisation: no permission applies to it")


def target_of(obj: PermissionObject, *, with_region: bool = True) -> Target:
    """What the rule needs to know of ``obj`` (its region is read only when asked for)."""
    if isinstance(obj, Target):
        return obj
    org_id, region = _organisation_of(obj)
    level = getattr(obj, "publication_level", None) if _label(obj) == _USE_CASE else None
    return Target(
        organisation_id=org_id, region=(region() or "") if with_region else "", publication_level=level
    )


def can(who: ActorLike | None, action: Action | str, obj: PermissionObject) -> bool:
    """May ``who`` perform ``action`` on ``obj`` (an organisation, a use case, or what hangs from one)?

    The publication level counts for reading a use case itself only: a use case shared with the
    network does not open its incidents, obligations or history to other organisations."""
    the_grant = grant(as_actor(who), action)
    if the_grant.everything:
        return True
    if the_grant.nothing:
        return False
    # The organisation's region is read only when a regional team's grant needs it.
    target = target_of(obj, with_region=False)
    if the_grant.covers(target):
        return True
    return bool(the_grant.regions) and the_grant.covers(target_of(obj))


def can_anywhere(who: ActorLike | None, action: Action | str) -> bool:
    """May ``who`` perform ``action`` somewhere (in one of her organisations, in her perimeter, or at
    the network level: the national weight profile, campaigns…)? To show a button or a menu entry."""
    return allows_somewhere(as_actor(who), action)


def scope_q(
    who: ActorLike | None,
    action: Action | str,
    *,
    organisation: str = "organisation",
    level: str | None = None,
) -> Q | None:
    """The SQL condition of the actor's grant for ``action``: ``Q()`` for every row, ``None`` for none.

    ``organisation`` is the path from the model to its organisation (``""`` for the organisation
    itself), ``level`` the field holding a use case's publication level (only for use cases)."""
    return grant_q(grant(as_actor(who), action), organisation=organisation, level=level)


def grant_q(the_grant: Grant, *, organisation: str = "organisation", level: str | None = None) -> Q | None:
    if the_grant.everything:
        return Q()
    org_id = f"{organisation}_id" if organisation else "pk"
    region = f"{organisation}__region" if organisation else "region"
    parts: list[Q] = []
    if the_grant.organisation_ids:
        parts.append(Q(**{f"{org_id}__in": sorted(the_grant.organisation_ids)}))
    if the_grant.regions:
        parts.append(Q(**{f"{region}__in": sorted(the_grant.regions)}))
    if the_grant.publication_levels and level:
        parts.append(Q(**{f"{level}__in": sorted(the_grant.publication_levels)}))
    if not parts:
        return None
    condition = parts[0]
    for part in parts[1:]:
        condition |= part
    return condition


def scoped(
    queryset: QuerySet[M],
    who: ActorLike | None,
    action: Action | str,
    *,
    organisation: str = "organisation",
    level: str | None = None,
) -> QuerySet[M]:
    """The rows of ``queryset`` on which ``who`` may perform ``action`` (same rule as :func:`can`)."""
    condition = scope_q(who, action, organisation=organisation, level=level)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition) if condition else queryset


# --- what the actor is (for the screens that show a different page to a team) ---------------------------


def is_platform_admin(who: ActorLike | None) -> bool:
    return as_actor(who).is_platform_admin


def member_organisation_ids(who: ActorLike | None) -> set[int]:
    """The organisations the actor is a member of (whatever her role)."""
    return set(as_actor(who).organisation_ids)


def organisation_ids_with(who: ActorLike | None, action: Action | str) -> set[int]:
    """Organisations where the actor holds, through a membership, a role allowing ``action``."""
    return set(as_actor(who).organisation_ids_with(Action(action)))


def roles_for(who: ActorLike | None, organisation: Any) -> set[Role]:
    """Every role the actor holds with respect to ``organisation`` (membership, reviewer, admin)."""
    return set(as_actor(who).roles_in(organisation.pk, organisation.region or ""))
