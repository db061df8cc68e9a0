"""Build the typed :class:`~atlasia.core.permissions.Actor` from a user, once per request.

The actor is read from the user and her memberships in one query and kept on the user object, so a page
that checks twenty permissions reads the memberships once. ``actor_of(request)`` is what views use
(it keeps the actor on ``request.actor``); the API builds the token's actor with
``service_account=True``.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from atlasia.core.permissions import ANONYMOUS, NO_PERIMETER, Actor, Perimeter
from atlasia.core.roles import Role

from .models import ReviewerScope, User

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

#: What the permission API accepts: the typed actor, or a user it is built from (services receive the
#: user who acts, whom they audit; selectors and views may pass either).
ActorLike: TypeAlias = "Actor | User | AbstractBaseUser | AnonymousUser"

_CACHE = "_atlasia_actor"


def actor_for(user: Any, *, service_account: bool = False) -> Actor:
    """The actor of ``user`` (cached on the user object: build it again after changing memberships by
    calling :func:`forget_actor`)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached: Actor | None = getattr(user, _CACHE, None)
    # A service account's actor answers for its user everywhere (a service receiving the user rebuilds
    # nothing and gains nothing).
    if cached is not None and (cached.is_service_account or not service_account):
        return cached
    roles: dict[int, set[Role]] = {}
    for org_id, role in user.memberships.values_list("organisation_id", "role"):
        roles.setdefault(org_id, set()).add(Role(role))
    perimeter = NO_PERIMETER
    if user.reviewer_scope == ReviewerScope.NATIONAL:
        perimeter = Perimeter(national=True)
    elif user.reviewer_scope == ReviewerScope.REGIONAL and user.reviewer_region:
        perimeter = Perimeter(regions=frozenset({user.reviewer_region}))
    actor = Actor(
        user_id=user.pk,
        is_authenticated=True,
        # A service account never holds more than its token's role, whatever its flags say.
        is_platform_admin=not service_account and bool(user.is_platform_admin or user.is_superuser),
        roles=MappingProxyType({org_id: frozenset(r) for org_id, r in roles.items()}),
        perimeter=NO_PERIMETER if service_account else perimeter,
        is_service_account=service_account,
    )
    setattr(user, _CACHE, actor)
    return actor


def forget_actor(user: Any) -> None:
    """Drop the cached actor of ``user`` (after a change of her memberships or reviewer scope)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def as_actor(who: ActorLike | None) -> Actor:
    """The actor itself, or the actor of a user."""
    if isinstance(who, Actor):
        return who
    return actor_for(who)


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a page behind the login: the person who acts, whom the services audit."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def actor_of(request: HttpRequest) -> Actor:
    """The actor of the request (its signed-in user, or the anonymous actor)."""
    user = getattr(request, "user", None)
    actor = request.__dict__.get("actor")
    # Kept for the request, unless the user changed during it (a login or a logout in the view).
    if isinstance(actor, Actor) and actor.user_id == getattr(user, "pk", None):
        return actor
    built = actor_for(user)
    request.actor = built  # type: ignore[attr-defined]
    return built
