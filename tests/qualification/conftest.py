"""Fixtures of the qualification tests: a complete answer set for a high-risk Annex III 5(a) system."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def hr_answers() -> dict[str, Any]:
    """A public-law body deploying a benefits-eligibility system: high-risk (Annex III 5(a)), FRIA,
    registration Section C, Chapter III obligations from 2 December 2027."""
    return {
        "ai_technique": "machine_learning",
        "exclusion": ["none"],
        "prohibited_practices": ["none"],
        "annex1_product": "none",
        "annex3_areas": ["public_benefits"],
        "benefits_purpose": "eligibility_decision",
        "art6_3_conditions": ["none"],
        "profiling": "yes",
        "transparency": ["none"],
        "gpai": "none",
        "role": "deployer",
        "art25_triggers": ["none"],
        "organisation_kind": "public_law_body",
        "in_service_before_application": "no",
        "personal_data": "yes",
        "special_categories": ["health"],
        "nir": "no",
        "legal_basis": "public_task",
        "art9_exception": "social_protection",
        "automated_decision": "human_decides",
        "individual_administrative_decision": "yes",
        "art35_3": ["systematic_evaluation_legal_effect"],
        "cnil_list": ["profiling_exclusion_contract"],
        "edpb_criteria": ["vulnerable_subjects", "large_scale"],
        "residual_high_risk": "no",
        "hosting": "third_party_hds",
    }


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
