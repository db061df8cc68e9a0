"""Fixtures of the compliance tests: an in-house high-risk system (Annex III 5(a), provider and deployer)
qualified through the real service, so that its obligations exist as work items."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from atlasia.qualification.services import qualification_complete


@pytest.fixture
def qualified(world: dict[str, Any], in_house_answers: dict[str, Any]) -> Any:
    """Org A's internal record, qualified by its referent (obligations created by the completion hook)."""
    use_case = world["records"]["a_internal"]
    qualification_complete(actor=world["users"]["referent"], use_case=use_case, answers=in_house_answers)
    return use_case


@pytest.fixture
def login() -> Any:
    def _login(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login
