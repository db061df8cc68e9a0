"""Fixtures of the monitoring tests: the shared ``world`` (two organisations, one user per role) with
e-mail addresses and a deployed use case of organisation A."""

from __future__ import annotations

from typing import Any

import pytest

from atlasia.registry.models import UseCase


@pytest.fixture
def mworld(world: dict[str, Any]) -> dict[str, Any]:
    for name, user in world["users"].items():
        user.email = f"{name}@example.org"
        user.first_name = name.capitalize()
        user.save()
    deployed = world["records"]["a_network"]
    UseCase.objects.filter(pk=deployed.pk).update(status="deployed")
    deployed.refresh_from_db()
    other = world["records"]["b_network"]
    UseCase.objects.filter(pk=other.pk).update(status="deployed")
    other.refresh_from_db()
    world["deployed"] = deployed
    world["deployed_b"] = other
    return world
