"""Fixtures of the campaign tests: the shared ``world`` with e-mail addresses, and two MDPH of
Hauts-de-France (region 32) besides the CHU de Lille."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from atlasia.campaigns.models import Campaign
from atlasia.campaigns.services import campaign_launch


@pytest.fixture
def cworld(
    world: dict[str, Any], make_org: Callable[..., Any], make_user: Callable[..., Any]
) -> dict[str, Any]:
    for name, user in world["users"].items():
        user.email = f"{name}@example.org"
        user.save()
    world["mdph_nord"] = make_org(
        name="MDPH du Nord", slug="mdph-nord", type="mdph", region="32", department="59"
    )
    world["mdph_somme"] = make_org(
        name="MDPH de la Somme", slug="mdph-somme", type="mdph", region="32", department="80"
    )
    world["mdph_gironde"] = make_org(
        name="MDPH de la Gironde", slug="mdph-gironde", type="mdph", region="75", department="33"
    )
    world["users"]["mdph_referent"] = make_user(
        world["mdph_nord"], "referent", username="mdph-ref", email="mdph-ref@example.org"
    )
    return world


@pytest.fixture
def launch(cworld: dict[str, Any]) -> Callable[..., Campaign]:
    import datetime as dt

    from django.utils import timezone

    def _launch(actor: Any = None, **data: Any) -> Campaign:
        today = timezone.localdate()
        values: dict[str, Any] = {
            "title": "Recensement 2026",
            "kind": "census",
            "instructions": "Confirmez ou mettez à jour vos fiches.",
            "opens_on": today,
            "closes_on": today + dt.timedelta(days=20),
            "target_types": ["mdph"],
            "target_regions": ["32"],
        }
        values.update(data)
        return campaign_launch(actor=actor or cworld["users"]["national"], data=values)

    return _launch
