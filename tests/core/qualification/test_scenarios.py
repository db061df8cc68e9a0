"""Real situations of the health and social-protection sector, run through the engine."""

from __future__ import annotations

from typing import Any

import pytest

from atlasia.core.qualification import CURRENT_LAW_VERSION, format_text_fr, qualify

from .scenarios import SCENARIOS


def test_at_least_thirty_scenarios() -> None:
    assert len(SCENARIOS) >= 30
    assert len({s["name"] for s in SCENARIOS}) == len(SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(scenario: dict[str, Any]) -> None:
    result = qualify(scenario["answers"], law_version=scenario["law_version"] or CURRENT_LAW_VERSION)
    expect = scenario["expect"]
    ai, gdpr = result["ai_act"], result["gdpr"]
    assert ai["category"] == expect["category"]
    assert ai["bases"] == expect["bases"]
    assert ai["fria_required"] is expect["fria_required"]
    assert gdpr["dpia"] == expect["dpia"]
    assert gdpr["hds_required"] is expect["hds_required"]
    assert result["confidence"] == expect["confidence"]
    assert (result["confidence"] == "debatable") is bool(result["debatable_reasons"])
    assert result["ignored"] == []
    if ai["category"] != "undetermined":
        assert ai["missing"] == []
    assert ai["missing"] == expect.get("missing", ai["missing"])
    if "registration_sections" in expect:
        assert ai["registration"]["sections"] == expect["registration_sections"]
    if "transparency" in expect:
        assert ai["transparency"] == expect["transparency"]
    if "role" in expect:
        assert ai["role"] == expect["role"]
    if "became_provider" in expect:
        assert ai["became_provider_art25"] is expect["became_provider"]
    if "gpai" in expect:
        assert ai["gpai"] == expect["gpai"]
    if "mdr_class" in expect:
        assert result["mdr"]["class"] == expect["mdr_class"]
    if "has_flag" in expect:
        assert result["mdr"]["has_evaluation_flag"] is expect["has_flag"]
    if "crpa" in expect:
        assert gdpr["crpa_mention_required"] is expect["crpa"]
    if "art22" in expect:
        assert gdpr["art22"] is expect["art22"]
    if "prior_consultation" in expect:
        assert gdpr["prior_consultation_possible"] is expect["prior_consultation"]
    if "flags" in expect:
        assert gdpr["flags"] == expect["flags"]
    dates = {o["id"]: o["applies_from"] for o in ai["obligations"]}
    for oid, when in expect.get("obligation_dates", {}).items():
        assert dates[oid] == when, oid
    assert gdpr["missing"] == expect.get("gdpr_missing", [])
    text = format_text_fr(result)
    assert "pas un avis juridique" in text
