"""Scenario data (real situations of the health and social-protection sector) and answer builders.

Each scenario is an answer set plus the expected outcome; they double as examples of the
questionnaire. ``tests/core/qualification/test_scenarios.py`` runs them.
"""

from __future__ import annotations

from typing import Any

#: A complete, certain, minimal-risk answer set: a public body deploying an AI system without
#: personal data. Tests override what they need.
MINIMAL_DEPLOYER: dict[str, Any] = {
    "ai_technique": "machine_learning",
    "exclusion": ["none"],
    "prohibited_practices": ["none"],
    "annex1_product": "none",
    "annex3_areas": ["none"],
    "transparency": ["none"],
    "gpai": "none",
    "role": "deployer",
    "art25_triggers": ["none"],
    "organisation_kind": "public_law_body",
    "personal_data": "no",
}

#: The GDPR answers of a processing of ordinary personal data without any DPIA trigger.
GDPR_PERSONAL: dict[str, Any] = {
    "personal_data": "yes",
    "special_categories": ["none"],
    "nir": "no",
    "legal_basis": "public_task",
    "automated_decision": "no_decision_about_persons",
    "individual_administrative_decision": "no",
    "art35_3": ["none"],
    "cnil_list": ["none"],
    "edpb_criteria": ["none"],
    "hosting": "internal",
}


def answers(**overrides: Any) -> dict[str, Any]:
    """:data:`MINIMAL_DEPLOYER` with ``overrides`` applied."""
    return {**MINIMAL_DEPLOYER, **overrides}
