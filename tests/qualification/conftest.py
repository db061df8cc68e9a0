"""Fixtures of the qualification tests: a complete answer set for a high-risk Annex III 5(a) system."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def minimal_answers() -> dict[str, Any]:
    return {
        "ai_technique": "machine_learning",
        "exclusion": ["none"],
        "prohibited_practices": ["none"],
        "annex1_product": "none",
        "annex3_areas": ["none"],
        "transparency": ["none"],
        "gpai": "none",
        "role": "provider_and_deployer",
        "organisation_kind": "public_law_body",
        "personal_data": "no",
    }


@pytest.fixture
def login() -> Any:
    def _login(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login
