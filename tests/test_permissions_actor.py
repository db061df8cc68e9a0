"""The typed actor: built once from the user and her memberships, never more than a token's role for a
service account, kept for the request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from atlasia.accounts import perms
from atlasia.accounts.actor import actor_for, actor_of, forget_actor
from atlasia.accounts.models import Membership, ReviewerScope, User
from atlasia.core.permissions import ANONYMOUS, Perimeter
from atlasia.core.roles import Action, Role
from atlasia.registry.models import Organisation

pytestmark = pytest.mark.django_db


def test_actor_holds_roles_per_organisation_and_the_perimeter(
    make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    a, b = make_org(), make_org(region="84")
    user = make_user(a, "referent", reviewer_scope=ReviewerScope.REGIONAL, reviewer_region="84")
    Membership.objects.create(user=user, organisation=b, role="dpo")
    actor = actor_for(user)
    assert actor.user_id == user.pk and actor.is_authenticated and not actor.is_platform_admin
    assert dict(actor.roles) == {a.pk: {Role.REFERENT}, b.pk: {Role.DPO}}
    assert actor.perimeter == Perimeter(regions=frozenset({"84"}))
    assert perms.roles_for(actor, b) == {Role.DPO, Role.REGIONAL_REVIEWER}
    assert perms.can(actor, Action.USECASE_DELETE, a) and not perms.can(actor, Action.USECASE_DELETE, b)


def test_actor_is_built_once_per_user(
    make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    org = make_org()
    user = make_user(org, "contributor")
    actor_for(user)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(20):
            perms.can(user, Action.USECASE_EDIT, org)
    assert len(queries) == 0
    Membership.objects.create(user=user, organisation=org, role="org_admin")
    forget_actor(user)
    assert perms.can(user, Action.MEMBERS_MANAGE, org)


def test_a_service_account_never_holds_more_than_its_membership(
    make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    org = make_org()
    user = make_user(org, "referent", is_superuser=True, reviewer_scope=ReviewerScope.NATIONAL)
    service = actor_for(user, service_account=True)
    assert service.is_service_account and not service.is_platform_admin and not service.perimeter
    assert dict(service.roles) == {org.pk: {Role.REFERENT}}
    # A service then receiving the same user acts with the token's rights, not more.
    assert actor_for(user) is service


def test_anonymous_and_request_actor(
    make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    assert actor_for(AnonymousUser()) is ANONYMOUS and actor_for(None) is ANONYMOUS
    request: Any = RequestFactory().get("/")
    request.user = make_user(make_org(), "dpo")
    first = actor_of(request)
    assert actor_of(request) is first and request.actor is first
    request.user = AnonymousUser()  # logged out during the request
    assert actor_of(request) is ANONYMOUS
