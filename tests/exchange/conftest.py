"""Fixtures of the exchange tests: API tokens for the ``world`` organisations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from atlasia.exchange import services


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_token(world: dict[str, Any]) -> Callable[..., str]:
    def _make(org_key: str = "org_a", role: str = "referent", **kwargs: Any) -> str:
        org = world[org_key]
        admin = world["users"]["admin"]
        _token, raw = services.token_create(
            actor=admin,
            organisation=org,
            role=role,
            label=kwargs.pop("label", f"{org.slug} {role}"),
            **kwargs,
        )
        return raw

    return _make


@pytest.fixture
def expired_token(world: dict[str, Any], make_token: Callable[..., str]) -> str:
    from atlasia.exchange.models import ApiToken

    raw = make_token(expires_at=timezone.now() + dt.timedelta(days=1))
    ApiToken.objects.filter(token_hash=services.hash_token(raw)).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    return raw


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
