"""One test (at least) per rule of the qualification spec: rules 1-14, G1-G9, derived answers, skip
logic, ignored answers, validation, law versions, Art. 111(2), Art. 73."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from atlasia.core.qualification import (
    CURRENT_LAW_VERSION,
    DEBATABLE_REASONS_FR,
    DISCLAIMER_EN,
    DISCLAIMER_FR,
    LAW_TABLES,
    QUESTIONS,
    QUESTIONS_BY_ID,
    SECTIONS,
    AnswerError,
    UnknownLawVersionError,
    applicable_questions,
    derived_answers,
    format_text_fr,
    qualify,
    serious_incident_deadline,
    validate_answers,
)

from .scenarios import GDPR_PERSONAL, MINIMAL_DEPLOYER, answers


def ids(result: dict[str, Any]) -> list[str]:
    return [o["id"] for o in result["ai_act"]["obligations"]]


def obligation(result: dict[str, Any], oid: str) -> dict[str, Any]:
    return next(o for o in result["ai_act"]["obligations"] if o["id"] == oid)


def reason(key: str) -> str:
    return DEBATABLE_REASONS_FR[key]


HIGH_RISK_TRIAGE = {"annex3_areas": ["emergency_triage"], "art6_3_conditions": ["none"], "profiling": "no"}


# --- structure -------------------------------------------------------------------------------------


def test_questionnaire_structure() -> None:
    assert len(QUESTIONS) == len(QUESTIONS_BY_ID) == 39
    assert QUESTIONS[0].id == "ai_technique"
    assert [q.id for q in QUESTIONS][-2:] == ["hosting", "seeks_reimbursement"]
    grouped = [qid for s in SECTIONS for qid in s.question_ids]
    assert grouped == [q.id for q in QUESTIONS]
    assert [s.label_fr for s in SECTIONS][:3] == [
        "Système d'IA",
        "Exclusions et interdictions",
        "Haut risque",
    ]
    for q in QUESTIONS:
        assert q.section in ("ai_act", "gdpr")
        assert q.type in ("bool", "single", "multi")
        assert q.text_fr and q.text_en and q.help_fr and q.help_en
        assert any(ch.isdigit() for ch in q.help_fr), f"{q.id}: the help text cites an article"
        if q.type == "multi":
            assert q.option_ids[-1] == "none"
        if q.type == "bool":
            assert q.option_ids == ("yes", "no")


def test_question_is_frozen() -> None:
    with pytest.raises(AttributeError):
        QUESTIONS[0].id = "x"  # type: ignore[misc]


def test_result_is_json_serialisable_and_deterministic() -> None:
    a = answers(**HIGH_RISK_TRIAGE, **GDPR_PERSONAL)
    first = json.dumps(qualify(a), sort_keys=False)
    assert first == json.dumps(qualify(dict(reversed(list(a.items())))), sort_keys=False)
    assert list(qualify(a)) == [
        "law_version",
        "ai_act",
        "gdpr",
        "mdr",
        "confidence",
        "ignored",
        "debatable_reasons",
        "citations",
    ]


def test_disclaimers() -> None:
    assert "pas un avis juridique" in DISCLAIMER_FR
    assert "not legal advice" in DISCLAIMER_EN
    assert DISCLAIMER_FR in format_text_fr(qualify(MINIMAL_DEPLOYER))


# --- rule 1: missing answers ---------------------------------------------------------------------


def test_rule1_empty_answers_undetermined() -> None:
    result = qualify({})
    assert result["ai_act"]["category"] == "undetermined"
    assert result["ai_act"]["missing"] == ["ai_technique", "organisation_kind"]
    assert result["ai_act"]["fria_required"] is None
    assert result["ai_act"]["registration"]["required"] is None
    assert result["gdpr"]["dpia"] == "undetermined"
    assert result["gdpr"]["missing"] == ["personal_data"]


@pytest.mark.parametrize("missing", ["annex3_areas", "prohibited_practices", "transparency", "exclusion"])
def test_rule1_unknown_needed_question(missing: str) -> None:
    a = answers(**{missing: "unknown"})
    result = qualify(a)
    assert result["ai_act"]["category"] == "undetermined"
    assert missing in result["ai_act"]["missing"]
    assert result["ai_act"]["obligations"] == []


def test_rule1_unanswered_equals_unknown() -> None:
    a = answers()
    del a["annex3_areas"]
    assert qualify(a)["ai_act"]["missing"] == qualify(answers(annex3_areas="unknown"))["ai_act"]["missing"]


def test_rule1_mdr_class_unknown_is_not_missing_but_rule11_questions_are() -> None:
    result = qualify(answers(annex1_product="mdr", mdr_class="unknown", mdr_in_house="no"))
    assert result["ai_act"]["category"] == "undetermined"
    assert "mdr_class" not in result["ai_act"]["missing"]
    assert "mdr_purpose" in result["ai_act"]["missing"]


def test_rule1_gdpr_independent_of_ai_act() -> None:
    result = qualify({"personal_data": "no"})
    assert result["ai_act"]["category"] == "undetermined"
    assert result["gdpr"]["dpia"] == "not_required"
    assert result["gdpr"]["missing"] == []


def test_rule1_detail_question_missing_keeps_category() -> None:
    a = answers(**HIGH_RISK_TRIAGE, organisation_kind="public_law_body")
    result = qualify(a)  # in_service_before_application unanswered
    assert result["ai_act"]["category"] == "high_risk"
    assert result["ai_act"]["missing"] == ["in_service_before_application"]


# --- rule 2: not an AI system ---------------------------------------------------------------------


def test_rule2_fixed_rules_not_ai_certain() -> None:
    result = qualify(
        {"ai_technique": "fixed_rules", "organisation_kind": "public_law_body", "personal_data": "no"}
    )
    assert result["ai_act"]["category"] == "not_ai_system"
    assert result["ai_act"]["bases"] == ["art3_1"]
    assert result["confidence"] == "certain"
    assert result["ai_act"]["obligations"] == []
    assert result["ai_act"]["missing"] == []


def test_rule2_basic_optimisation_debatable_and_gdpr_still_computed() -> None:
    result = qualify(
        {"ai_technique": "basic_optimisation", "organisation_kind": "public_law_body", **GDPR_PERSONAL}
    )
    assert result["ai_act"]["category"] == "not_ai_system"
    assert result["confidence"] == "debatable"
    assert reason("basic_optimisation") in result["debatable_reasons"]
    assert result["gdpr"]["personal_data"] is True


# --- rule 3: exclusions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "basis"),
    [("military_national_security", "art2_3"), ("personal_non_professional", "art2_10")],
)
def test_rule3_hard_exclusions(option: str, basis: str) -> None:
    result = qualify(answers(exclusion=[option]))
    assert result["ai_act"]["category"] == "excluded"
    assert result["ai_act"]["bases"] == [basis]
    assert "prohibited_practices" in result["ignored"]


@pytest.mark.parametrize(("option", "basis"), [("research_only", "art2_6"), ("pre_market_testing", "art2_8")])
def test_rule3_research_excluded_when_outputs_not_used(option: str, basis: str) -> None:
    result = qualify(answers(exclusion=[option], outputs_used_for_people="no"))
    assert result["ai_act"]["category"] == "excluded"
    assert result["ai_act"]["bases"] == [basis]


def test_rule3_research_used_on_people_not_excluded_debatable() -> None:
    result = qualify(answers(exclusion=["research_only"], outputs_used_for_people="yes"))
    assert result["ai_act"]["category"] == "minimal"
    assert reason("used_on_real_persons") in result["debatable_reasons"]


def test_rule3_research_outputs_unknown_undetermined() -> None:
    result = qualify(answers(exclusion=["research_only"], outputs_used_for_people="unknown"))
    assert result["ai_act"]["category"] == "undetermined"
    assert result["ai_act"]["missing"][0] == "outputs_used_for_people"


# --- rule 4: prohibited ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("practice", "basis"),
    [
        ("subliminal_manipulation", "art5_1_a"),
        ("exploits_vulnerabilities", "art5_1_b"),
        ("social_scoring", "art5_1_c"),
        ("crime_risk_profiling", "art5_1_d"),
        ("facial_scraping", "art5_1_e"),
        ("biometric_categorisation_sensitive", "art5_1_g"),
        ("realtime_remote_biometric_id", "art5_1_h"),
    ],
)
def test_rule4_prohibited(practice: str, basis: str) -> None:
    result = qualify(answers(prohibited_practices=[practice]))
    assert result["ai_act"]["category"] == "prohibited"
    assert result["ai_act"]["bases"] == [basis]
    stop = obligation(result, "stop_prohibited")
    assert stop["applies_from"] == "2025-02-02"
    assert stop["role"] == "all"


@pytest.mark.parametrize(
    ("option", "basis", "point"),
    [
        ("non_consensual_intimate_content", "art5_1_ba", "point (ba)"),
        ("child_sexual_abuse_material", "art5_1_bb", "point (bb)"),
    ],
)
def test_rule4_omnibus_prohibitions_cited_to_the_point(option: str, basis: str, point: str) -> None:
    result = qualify(answers(prohibited_practices=[option]))
    assert result["ai_act"]["category"] == "prohibited"
    assert result["ai_act"]["bases"] == [basis]
    assert obligation(result, "stop_prohibited")["applies_from"] == "2026-12-02"
    assert any(point in c and "2026/1744" in c for c in result["citations"])
    assert not any(c.endswith("art. 5") for c in result["citations"])


def test_rule4_omnibus_and_classic_prohibition_take_the_earlier_date() -> None:
    result = qualify(answers(prohibited_practices=["social_scoring", "child_sexual_abuse_material"]))
    assert result["ai_act"]["bases"] == ["art5_1_c", "art5_1_bb"]
    assert obligation(result, "stop_prohibited")["applies_from"] == "2025-02-02"


def test_rule4_omnibus_prohibition_absent_from_original_version() -> None:
    """Points (ba) and (bb) do not exist in the 2024 text: nothing is prohibited on that ground there."""
    result = qualify(
        answers(prohibited_practices=["non_consensual_intimate_content"], transparency=["deep_fake"]),
        law_version="2024-07-original",
    )
    assert result["ai_act"]["category"] == "limited"
    assert "stop_prohibited" not in ids(result)
    assert reason("omnibus_prohibition_not_in_version") in result["debatable_reasons"]
    assert any("absents de la version du droit" in c for c in result["citations"])


def test_rule4_emotion_recognition_at_work_prohibited() -> None:
    result = qualify(
        answers(prohibited_practices=["emotion_recognition_work_education"], emotion_medical_safety="no")
    )
    assert result["ai_act"]["category"] == "prohibited"
    assert result["ai_act"]["bases"] == ["art5_1_f"]


def test_rule4_emotion_medical_safety_exception() -> None:
    result = qualify(
        answers(prohibited_practices=["emotion_recognition_work_education"], emotion_medical_safety="yes")
    )
    assert result["ai_act"]["category"] == "limited"
    assert result["ai_act"]["transparency"] == ["art50_3"]
    assert reason("emotion_annex3_1c") in result["debatable_reasons"]


def test_rule4_emotion_exception_unknown_undetermined() -> None:
    result = qualify(answers(prohibited_practices=["emotion_recognition_work_education"]))
    assert result["ai_act"]["category"] == "undetermined"
    assert "emotion_medical_safety" in result["ai_act"]["missing"]


def test_rule4_prohibited_settles_even_with_later_gaps() -> None:
    a = answers(prohibited_practices=["social_scoring"])
    del a["annex3_areas"]
    result = qualify(a)
    assert result["ai_act"]["category"] == "prohibited"
    assert result["ai_act"]["missing"] == []


# --- rule 5: Art. 6(1) ----------------------------------------------------------------------------


@pytest.mark.parametrize("cls", ["IIa", "IIb", "III"])
def test_rule5_mdr_declared_class(cls: str) -> None:
    result = qualify(
        answers(annex1_product="mdr", mdr_class=cls, mdr_in_house="no", seeks_reimbursement="no")
    )
    assert result["ai_act"]["category"] == "high_risk"
    assert result["ai_act"]["bases"] == [f"art6_1_mdr_class_{cls}"]
    assert result["mdr"] == {
        "class": cls,
        "derived_by": "declared",
        "ce_marking_required": True,
        "has_evaluation_flag": False,
    }
    assert result["confidence"] == "certain"


def test_rule5_mdr_class_i_not_high_risk() -> None:
    result = qualify(
        answers(annex1_product="mdr", mdr_class="I", mdr_in_house="no", seeks_reimbursement="no")
    )
    assert result["ai_act"]["category"] == "minimal"
    assert result["mdr"]["ce_marking_required"] is True


def test_rule5_mdr_is_im_debatable() -> None:
    result = qualify(
        answers(annex1_product="mdr", mdr_class="Is_Im", mdr_in_house="no", seeks_reimbursement="no")
    )
    assert result["ai_act"]["category"] == "high_risk"
    assert result["ai_act"]["bases"] == ["art6_1_mdr_class_Is_Im"]
    assert reason("mdr_class_is_im") in result["debatable_reasons"]


@pytest.mark.parametrize(
    ("extra", "cls"),
    [
        ({"mdr_purpose": "diagnosis_therapy_information", "mdr_impact": "death_irreversible"}, "III"),
        (
            {
                "mdr_purpose": "diagnosis_therapy_information",
                "mdr_impact": "serious_deterioration_or_surgery",
            },
            "IIb",
        ),
        ({"mdr_purpose": "diagnosis_therapy_information", "mdr_impact": "other"}, "IIa"),
        ({"mdr_purpose": "monitoring_physiological", "mdr_vital_immediate_danger": "yes"}, "IIb"),
        ({"mdr_purpose": "monitoring_physiological", "mdr_vital_immediate_danger": "no"}, "IIa"),
        ({"mdr_purpose": "other"}, "I"),
    ],
)
def test_rule5_rule11_derivation(extra: dict[str, str], cls: str) -> None:
    a = answers(
        annex1_product="mdr", mdr_class="unknown", mdr_in_house="no", seeks_reimbursement="no", **extra
    )
    result = qualify(a)
    assert result["mdr"]["class"] == cls
    assert result["mdr"]["derived_by"] == "rule_11"
    expected = "minimal" if cls == "I" else "high_risk"
    assert result["ai_act"]["category"] == expected


def test_rule5_mdr_in_house_not_6_1_debatable() -> None:
    a = answers(annex1_product="mdr", mdr_class="IIa", mdr_in_house="yes", seeks_reimbursement="no")
    result = qualify(a)
    assert result["ai_act"]["category"] == "minimal"
    assert reason("mdr_in_house") in result["debatable_reasons"]
    assert result["mdr"]["ce_marking_required"] is False


@pytest.mark.parametrize(
    ("cls", "high"), [("A", False), ("A_sterile", True), ("B", True), ("C", True), ("D", True)]
)
def test_rule5_ivdr(cls: str, high: bool) -> None:
    result = qualify(answers(annex1_product="ivdr", ivdr_class=cls))
    assert (result["ai_act"]["category"] == "high_risk") is high
    if high:
        assert result["ai_act"]["bases"] == [f"art6_1_ivdr_class_{cls}"]


def test_rule5_ivdr_unknown_class_missing() -> None:
    result = qualify(answers(annex1_product="ivdr", ivdr_class="unknown"))
    assert result["ai_act"]["category"] == "undetermined"
    assert "ivdr_class" in result["ai_act"]["missing"]


@pytest.mark.parametrize(("third_party", "category"), [("yes", "high_risk"), ("no", "minimal")])
def test_rule5_other_annex1(third_party: str, category: str) -> None:
    result = qualify(answers(annex1_product="other_annex1", annex1_third_party=third_party))
    assert result["ai_act"]["category"] == category
    if category == "high_risk":
        assert result["ai_act"]["bases"] == ["art6_1_annex1"]


def test_rule5_annex1_only_no_fria_no_eu_registration() -> None:
    a = answers(annex1_product="mdr", mdr_class="IIb", mdr_in_house="no", seeks_reimbursement="no")
    result = qualify(a)
    assert result["ai_act"]["fria_required"] is False
    assert result["ai_act"]["registration"]["required"] is False
    assert obligation(result, "deployer_human_oversight")["applies_from"] == "2028-08-02"


# --- rule 6: Annex III and Art. 6(3) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "basis"),
    [
        ("biometrics", "annex3_1"),
        ("critical_infrastructure", "annex3_2"),
        ("education", "annex3_3"),
        ("recruitment", "annex3_4a"),
        ("work_decisions", "annex3_4b"),
        ("creditworthiness", "annex3_5b"),
        ("life_health_insurance", "annex3_5c"),
        ("emergency_triage", "annex3_5d"),
        ("law_enforcement", "annex3_6"),
        ("migration", "annex3_7"),
        ("justice_democracy", "annex3_8"),
    ],
)
def test_rule6_annex3_areas(area: str, basis: str) -> None:
    result = qualify(answers(annex3_areas=[area], art6_3_conditions=["none"], profiling="no"))
    assert result["ai_act"]["category"] == "high_risk"
    assert result["ai_act"]["bases"] == [basis]


def test_rule6_public_benefits_needs_purpose() -> None:
    a = answers(annex3_areas=["public_benefits"], art6_3_conditions=["none"], profiling="no")
    assert "benefits_purpose" in applicable_questions(a)
    a["benefits_purpose"] = "eligibility_decision"
    result = qualify(a)
    assert result["ai_act"]["bases"] == ["annex3_5a"]
    assert result["confidence"] == "certain"


@pytest.mark.parametrize(
    ("purpose", "key"),
    [
        ("control_targeting", "benefits_control_targeting"),
        ("outreach_non_take_up", "benefits_outreach"),
        ("information_only", "benefits_information_only"),
    ],
)
def test_rule6_benefits_purpose_debatable(purpose: str, key: str) -> None:
    a = answers(
        annex3_areas=["public_benefits"], benefits_purpose=purpose, art6_3_conditions=["none"], profiling="no"
    )
    result = qualify(a)
    assert result["ai_act"]["category"] == "high_risk"
    assert reason(key) in result["debatable_reasons"]


@pytest.mark.parametrize(
    ("condition", "basis"),
    [
        ("narrow_procedural", "art6_3_a"),
        ("improves_completed_human_activity", "art6_3_b"),
        ("detects_patterns_without_replacing", "art6_3_c"),
        ("preparatory_task", "art6_3_d"),
    ],
)
def test_rule6_art6_3_derogation(condition: str, basis: str) -> None:
    a = answers(
        annex3_areas=["emergency_triage"], art6_3_conditions=[condition], profiling="no", role="provider"
    )
    result = qualify(a)
    assert result["ai_act"]["category"] == "minimal"
    assert result["ai_act"]["bases"] == [basis]
    assert result["ai_act"]["registration"] == {
        "required": True,
        "sections": ["B"],
        "non_public": False,
        "national_level": False,
    }
    assert obligation(result, "registration_6_3")["applies_from"] == "2027-12-02"


def test_rule6_profiling_always_high_risk() -> None:
    a = answers(annex3_areas=["emergency_triage"], art6_3_conditions=["preparatory_task"], profiling="yes")
    result = qualify(a)
    assert result["ai_act"]["category"] == "high_risk"
    assert result["ai_act"]["bases"] == ["annex3_5d"]


def test_rule6_profiling_unknown_with_6_3_undetermined() -> None:
    a = answers(
        annex3_areas=["emergency_triage"], art6_3_conditions=["preparatory_task"], profiling="unknown"
    )
    assert qualify(a)["ai_act"]["category"] == "undetermined"


def test_rule5_and_6_stack() -> None:
    a = answers(
        annex1_product="mdr",
        mdr_class="IIa",
        mdr_in_house="no",
        seeks_reimbursement="no",
        annex3_areas=["emergency_triage"],
        art6_3_conditions=["none"],
        profiling="no",
    )
    result = qualify(a)
    assert result["ai_act"]["bases"] == ["art6_1_mdr_class_IIa", "annex3_5d"]
    # Annex III date (earlier) governs a system that is high-risk on both grounds
    assert obligation(result, "deployer_human_oversight")["applies_from"] == "2027-12-02"


# --- rule 7: transparency -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "basis", "oid", "role"),
    [
        ("interacts_with_people", "art50_1", "disclose_ai_interaction", "provider_and_deployer"),
        ("generates_synthetic_content", "art50_2", "mark_synthetic_content", "provider_and_deployer"),
        ("emotion_or_biometric_categorisation", "art50_3", "inform_emotion_biometric", "deployer"),
        ("deep_fake", "art50_4", "disclose_deep_fake_or_text", "deployer"),
        ("public_interest_text", "art50_4", "disclose_deep_fake_or_text", "deployer"),
    ],
)
def test_rule7_transparency_limited(option: str, basis: str, oid: str, role: str) -> None:
    result = qualify(answers(transparency=[option], role=role))
    assert result["ai_act"]["category"] == "limited"
    assert result["ai_act"]["transparency"] == [basis]
    assert obligation(result, oid)["applies_from"] == "2026-08-02"


def test_rule7_transparency_provider_duty_not_on_pure_deployer() -> None:
    result = qualify(answers(transparency=["interacts_with_people"], role="deployer"))
    assert result["ai_act"]["category"] == "limited"
    assert "disclose_ai_interaction" not in ids(result)


def test_rule7_transparency_whatever_the_category() -> None:
    result = qualify(
        answers(**HIGH_RISK_TRIAGE, transparency=["interacts_with_people"], role="provider_and_deployer")
    )
    assert result["ai_act"]["category"] == "high_risk"
    assert result["ai_act"]["transparency"] == ["art50_1"]
    assert "disclose_ai_interaction" in ids(result)


# --- rule 8: minimal ------------------------------------------------------------------------------


def test_rule8_minimal_certain() -> None:
    result = qualify(MINIMAL_DEPLOYER)
    assert result["ai_act"]["category"] == "minimal"
    assert result["confidence"] == "certain"
    assert ids(result) == ["ai_literacy"]


def test_rule8_minimal_deciding_about_persons_debatable() -> None:
    result = qualify(answers(**{**GDPR_PERSONAL, "automated_decision": "human_decides"}))
    assert result["ai_act"]["category"] == "minimal"
    assert reason("minimal_decisions_about_persons") in result["debatable_reasons"]


# --- rule 9: open source --------------------------------------------------------------------------


def test_rule9_open_source_minimal_provider_excluded() -> None:
    result = qualify(answers(exclusion=["free_open_source"], role="provider"))
    assert result["ai_act"]["category"] == "excluded"
    assert result["ai_act"]["bases"] == ["art2_12"]
    assert result["confidence"] == "certain"
    assert result["ai_act"]["obligations"] == []


def test_rule9_open_source_other_role_excluded_debatable() -> None:
    result = qualify(answers(exclusion=["free_open_source"], role="deployer"))
    assert result["ai_act"]["category"] == "excluded"
    assert reason("open_source_role") in result["debatable_reasons"]


@pytest.mark.parametrize(
    ("extra", "category"),
    [
        (HIGH_RISK_TRIAGE, "high_risk"),
        ({"transparency": ["interacts_with_people"]}, "limited"),
        ({"prohibited_practices": ["social_scoring"]}, "prohibited"),
    ],
)
def test_rule9_open_source_never_covers(extra: dict[str, Any], category: str) -> None:
    result = qualify(answers(exclusion=["free_open_source"], role="provider", **extra))
    assert result["ai_act"]["category"] == category


# --- rule 10: GPAI --------------------------------------------------------------------------------


def test_rule10_places_gpai_on_market() -> None:
    result = qualify(answers(gpai="places_gpai_on_market", gpai_systemic="no"))
    assert result["ai_act"]["gpai"] == {
        "provider": True,
        "systemic_risk": False,
        "modified_model_provider": False,
    }
    assert obligation(result, "gpai_documentation_copyright_summary")["applies_from"] == "2025-08-02"
    assert "gpai_systemic_risk_duties" not in ids(result)


def test_rule10_systemic() -> None:
    result = qualify(answers(gpai="places_gpai_on_market", gpai_systemic="yes"))
    assert result["ai_act"]["gpai"]["systemic_risk"] is True
    assert "gpai_systemic_risk_duties" in ids(result)


def test_rule10_fine_tune_above_third() -> None:
    result = qualify(answers(gpai="fine_tunes_gpai", fine_tune_compute="above_one_third", gpai_systemic="no"))
    assert result["ai_act"]["gpai"] == {
        "provider": True,
        "systemic_risk": False,
        "modified_model_provider": True,
    }
    assert reason("fine_tune_one_third") in result["debatable_reasons"]


def test_rule10_fine_tune_below_third() -> None:
    result = qualify(answers(gpai="fine_tunes_gpai", fine_tune_compute="below_one_third"))
    assert result["ai_act"]["gpai"] == {
        "provider": False,
        "systemic_risk": False,
        "modified_model_provider": False,
    }
    assert result["confidence"] == "debatable"
    assert "gpai_systemic" not in applicable_questions(
        answers(gpai="fine_tunes_gpai", fine_tune_compute="below_one_third")
    )


def test_rule10_fine_tune_unknown_flag_undetermined_only() -> None:
    result = qualify(answers(gpai="fine_tunes_gpai", fine_tune_compute="unknown"))
    assert result["ai_act"]["gpai"] == {
        "provider": None,
        "systemic_risk": None,
        "modified_model_provider": None,
    }
    assert result["ai_act"]["category"] == "minimal"
    assert "fine_tune_compute" in result["ai_act"]["missing"]


def test_rule10_builds_on_gpai_no_obligation() -> None:
    result = qualify(answers(gpai="builds_on_gpai"))
    assert result["ai_act"]["gpai"] == {
        "provider": False,
        "systemic_risk": False,
        "modified_model_provider": False,
    }
    assert not any(o.startswith("gpai") for o in ids(result))


# --- rule 11: Art. 25 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "effective"),
    [("deployer", "provider_and_deployer"), ("importer", "provider"), ("distributor", "provider")],
)
def test_rule11_becomes_provider(role: str, effective: str) -> None:
    result = qualify(answers(**HIGH_RISK_TRIAGE, role=role, art25_triggers=["own_name_on_high_risk"]))
    assert result["ai_act"]["became_provider_art25"] is True
    assert result["ai_act"]["role"] == effective
    assert "risk_management" in ids(result)


def test_rule11_no_trigger_or_not_high_risk() -> None:
    assert qualify(answers(**HIGH_RISK_TRIAGE))["ai_act"]["became_provider_art25"] is False
    result = qualify(answers(art25_triggers=["substantial_modification"]))
    assert result["ai_act"]["became_provider_art25"] is False
    assert result["ai_act"]["role"] == "deployer"


# --- rule 12: FRIA --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "area", "role", "expected"),
    [
        ("public_law_body", "emergency_triage", "deployer", True),
        ("private_public_service", "public_benefits", "provider_and_deployer", True),
        ("private_other", "emergency_triage", "deployer", False),
        ("private_other", "creditworthiness", "deployer", True),
        ("private_other", "life_health_insurance", "deployer", True),
        ("public_law_body", "critical_infrastructure", "deployer", False),
        ("public_law_body", "emergency_triage", "provider", False),
    ],
)
def test_rule12_fria(kind: str, area: str, role: str, expected: bool) -> None:
    a = answers(
        annex3_areas=[area],
        art6_3_conditions=["none"],
        profiling="no",
        organisation_kind=kind,
        role=role,
        in_service_before_application="no",
    )
    if area == "public_benefits":
        a["benefits_purpose"] = "eligibility_decision"
    result = qualify(a)
    assert result["ai_act"]["fria_required"] is expected
    assert ("fria" in ids(result)) is expected


def test_rule12_fria_for_deployer_who_became_provider() -> None:
    a = answers(
        **HIGH_RISK_TRIAGE, art25_triggers=["own_name_on_high_risk"], in_service_before_application="no"
    )
    assert qualify(a)["ai_act"]["fria_required"] is True


# --- rule 13: registration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "kind", "sections"),
    [
        ("provider", "private_other", ["A"]),
        ("deployer", "public_law_body", ["C"]),
        ("deployer", "private_public_service", ["C"]),
        ("deployer", "private_other", []),
        ("provider_and_deployer", "public_law_body", ["A", "C"]),
        ("provider_and_deployer", "private_other", ["A"]),
    ],
)
def test_rule13_registration_sections(role: str, kind: str, sections: list[str]) -> None:
    a = answers(**HIGH_RISK_TRIAGE, role=role, organisation_kind=kind, in_service_before_application="no")
    registration = qualify(a)["ai_act"]["registration"]
    assert registration["sections"] == sections
    assert registration["required"] is bool(sections)


def test_rule13_point2_national_registration() -> None:
    a = answers(
        annex3_areas=["critical_infrastructure"], art6_3_conditions=["none"], profiling="no", role="provider"
    )
    registration = qualify(a)["ai_act"]["registration"]
    assert registration == {"required": False, "sections": [], "non_public": False, "national_level": True}


@pytest.mark.parametrize(
    ("areas", "non_public"),
    [
        (["law_enforcement"], True),
        (["migration"], True),
        (["biometrics"], False),
        (["biometrics", "law_enforcement"], True),
    ],
)
def test_rule13_non_public_section(areas: list[str], non_public: bool) -> None:
    a = answers(annex3_areas=areas, art6_3_conditions=["none"], profiling="no", role="provider")
    assert qualify(a)["ai_act"]["registration"]["non_public"] is non_public


def test_rule13_annex1_registered_under_sectoral_rules() -> None:
    a = answers(annex1_product="ivdr", ivdr_class="C", role="provider_and_deployer")
    result = qualify(a)
    assert result["ai_act"]["registration"]["sections"] == []
    assert "registration_provider" not in ids(result)


# --- rule 14: dates -------------------------------------------------------------------------------


def test_rule14_dates_current_version() -> None:
    a = answers(**HIGH_RISK_TRIAGE, role="provider_and_deployer", in_service_before_application="no")
    result = qualify(a)
    assert obligation(result, "ai_literacy")["applies_from"] == "2025-02-02"
    assert obligation(result, "risk_management")["applies_from"] == "2027-12-02"
    assert obligation(result, "fria")["applies_from"] == "2027-12-02"
    assert result["law_version"] == CURRENT_LAW_VERSION == "2026-07-omnibus"


def test_rule14_dates_original_version() -> None:
    a = answers(**HIGH_RISK_TRIAGE, role="provider_and_deployer", in_service_before_application="no")
    result = qualify(a, law_version="2024-07-original")
    assert result["law_version"] == "2024-07-original"
    assert obligation(result, "risk_management")["applies_from"] == "2026-08-02"
    assert obligation(result, "ai_literacy")["title_fr"] == "Assurer la maîtrise de l'IA du personnel"
    b = answers(annex1_product="ivdr", ivdr_class="B")
    assert (
        obligation(qualify(b, law_version="2024-07-original"), "deployer_monitoring")["applies_from"]
        == "2027-08-02"
    )


def test_rule14_art111_2_public_authority_legacy() -> None:
    a = answers(**HIGH_RISK_TRIAGE, role="provider_and_deployer", in_service_before_application="yes")
    result = qualify(a)
    for oid in ("risk_management", "deployer_human_oversight", "fria", "registration_deployer"):
        assert obligation(result, oid)["applies_from"] == "2030-08-02"
    assert obligation(result, "ai_literacy")["applies_from"] == "2025-02-02"
    assert any("111(2)" in c for c in result["citations"])


def test_rule14_art111_2_private_public_service_keeps_ordinary_date() -> None:
    a = answers(
        **HIGH_RISK_TRIAGE, organisation_kind="private_public_service", in_service_before_application="yes"
    )
    result = qualify(a)
    assert obligation(result, "deployer_human_oversight")["applies_from"] == "2027-12-02"
    assert reason("legacy_private_public_service") in result["debatable_reasons"]


def test_rule14_in_service_not_asked_for_private_other() -> None:
    a = answers(**HIGH_RISK_TRIAGE, organisation_kind="private_other", in_service_before_application="yes")
    assert "in_service_before_application" in qualify(a)["ignored"]


def test_law_tables() -> None:
    assert set(LAW_TABLES) >= {"2024-07-original", "2026-07-omnibus"}
    omnibus = LAW_TABLES["2026-07-omnibus"]
    assert omnibus.dates["high_risk_annex3"] == date(2027, 12, 2)
    assert omnibus.dates["high_risk_annex1"] == date(2028, 8, 2)
    assert omnibus.dates["transparency_marking_legacy"] == date(2026, 12, 2)
    assert omnibus.dates["public_authority_legacy"] == date(2030, 8, 2)
    assert any("2026/1744" in s for s in omnibus.sources)
    original = LAW_TABLES["2024-07-original"]
    assert original.dates["high_risk_annex3"] == date(2026, 8, 2)
    assert original.dates["high_risk_annex1"] == date(2027, 8, 2)
    assert original.dates["prohibitions_omnibus"] is None


def test_unknown_law_version() -> None:
    with pytest.raises(UnknownLawVersionError):
        qualify(MINIMAL_DEPLOYER, law_version="1999-01-nope")


# --- Art. 73 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("general", date(2026, 3, 16)),
        ("death", date(2026, 3, 11)),
        ("widespread_or_critical_infrastructure", date(2026, 3, 3)),
    ],
)
def test_art73_deadlines(kind: Any, expected: date) -> None:
    assert serious_incident_deadline(date(2026, 3, 1), kind) == expected


def test_art73_unknown_kind() -> None:
    with pytest.raises(ValueError, match="type d'incident"):
        serious_incident_deadline(date(2026, 3, 1), "minor")  # type: ignore[arg-type]


# --- GDPR -----------------------------------------------------------------------------------------


def test_g1_no_personal_data() -> None:
    gdpr = qualify(answers(personal_data="no", special_categories=["health"]))["gdpr"]
    assert gdpr == {
        "personal_data": False,
        "special_categories": [],
        "dpia": "not_required",
        "dpia_reasons": [],
        "art22": False,
        "prior_consultation_possible": False,
        "crpa_mention_required": False,
        "hds_required": False,
        "flags": [],
        "missing": [],
    }
    assert (
        "special_categories" in qualify(answers(personal_data="no", special_categories=["health"]))["ignored"]
    )


@pytest.mark.parametrize(
    ("extra", "dpia", "reasons"),
    [
        ({"art35_3": ["systematic_public_monitoring"]}, "required", ["art35_3:systematic_public_monitoring"]),
        ({"cnil_list": ["health_data_warehouse"]}, "required", ["cnil:health_data_warehouse"]),
        (
            {"edpb_criteria": ["large_scale", "matching_datasets"]},
            "required",
            ["edpb:large_scale", "edpb:matching_datasets"],
        ),
        ({"edpb_criteria": ["large_scale"]}, "recommended", ["edpb:large_scale"]),
        ({}, "not_required", []),
        ({"cnil_list": "unknown"}, "undetermined", []),
    ],
)
def test_g2_dpia(extra: dict[str, Any], dpia: str, reasons: list[str]) -> None:
    gdpr = qualify(answers(**{**GDPR_PERSONAL, **extra}))["gdpr"]
    assert gdpr["dpia"] == dpia
    assert gdpr["dpia_reasons"] == reasons


def test_g2_unknown_does_not_block_required() -> None:
    gdpr = qualify(
        answers(**{**GDPR_PERSONAL, "cnil_list": ["health_data_warehouse"], "edpb_criteria": "unknown"})
    )["gdpr"]
    assert gdpr["dpia"] == "required"
    assert "edpb_criteria" in gdpr["missing"]


def test_derived_answers() -> None:
    a = answers(
        annex3_areas=["public_benefits"],
        benefits_purpose="eligibility_decision",
        art6_3_conditions=["none"],
        profiling="yes",
        **{
            **GDPR_PERSONAL,
            "special_categories": ["health"],
            "automated_decision": "solely_automated_significant",
        },
    )
    derived = derived_answers(a)
    assert list(derived["edpb_criteria"]) == [
        "evaluation_scoring",
        "automated_decision_legal_effect",
        "sensitive_data",
    ]
    assert all(text.startswith("Coché d'office") for text in derived["edpb_criteria"].values())
    gdpr = qualify(a)["gdpr"]
    assert gdpr["dpia"] == "required"
    assert gdpr["dpia_reasons"] == [
        "edpb:evaluation_scoring",
        "edpb:automated_decision_legal_effect",
        "edpb:sensitive_data",
    ]


def test_derived_innovative_technology_never_ticked() -> None:
    assert derived_answers(answers(**GDPR_PERSONAL)) == {}
    assert "innovative_technology" in QUESTIONS_BY_ID["edpb_criteria"].help_fr or "usage innovant" in (
        QUESTIONS_BY_ID["edpb_criteria"].help_fr
    )


def test_derived_single_criterion_makes_dpia_recommended() -> None:
    gdpr = qualify(answers(**{**GDPR_PERSONAL, "special_categories": ["health"], "art9_exception": "care"}))[
        "gdpr"
    ]
    assert gdpr["dpia"] == "recommended"
    assert gdpr["dpia_reasons"] == ["edpb:sensitive_data"]


@pytest.mark.parametrize(("residual", "expected"), [("yes", True), ("no", False), ("unknown", None)])
def test_g3_prior_consultation(residual: str, expected: bool | None) -> None:
    a = answers(**{**GDPR_PERSONAL, "cnil_list": ["health_data_warehouse"], "residual_high_risk": residual})
    assert qualify(a)["gdpr"]["prior_consultation_possible"] is expected


def test_g3_residual_not_asked_without_dpia() -> None:
    a = answers(**{**GDPR_PERSONAL, "residual_high_risk": "yes"})
    result = qualify(a)
    assert result["gdpr"]["prior_consultation_possible"] is False
    assert "residual_high_risk" in result["ignored"]


def test_g4_art22() -> None:
    a = answers(**{**GDPR_PERSONAL, "automated_decision": "solely_automated_significant"})
    gdpr = qualify(a)["gdpr"]
    assert gdpr["art22"] is True
    assert "art22_legal_basis_and_safeguards" in gdpr["flags"]
    b = answers(
        **{
            **GDPR_PERSONAL,
            "automated_decision": "solely_automated_significant",
            "special_categories": ["health"],
            "art9_exception": "social_protection",
        }
    )
    assert "art22_4_special_categories" in qualify(b)["gdpr"]["flags"]


def test_g5_crpa() -> None:
    gdpr = qualify(answers(**{**GDPR_PERSONAL, "individual_administrative_decision": "yes"}))["gdpr"]
    assert gdpr["crpa_mention_required"] is True
    private = answers(
        **{**GDPR_PERSONAL, "individual_administrative_decision": "yes"}, organisation_kind="private_other"
    )
    result = qualify(private)
    assert result["gdpr"]["crpa_mention_required"] is False
    assert "individual_administrative_decision" in result["ignored"]


def test_g5_crpa_solely_algorithmic_with_special_categories_barred() -> None:
    a = answers(
        **{
            **GDPR_PERSONAL,
            "individual_administrative_decision": "yes",
            "automated_decision": "solely_automated_significant",
            "special_categories": ["health"],
            "art9_exception": "social_protection",
        }
    )
    assert "crpa_solely_algorithmic_special_categories_barred" in qualify(a)["gdpr"]["flags"]


@pytest.mark.parametrize(
    ("hosting", "hds", "flag", "debatable"),
    [
        ("internal", False, False, False),
        ("third_party_hds", True, False, False),
        ("third_party_not_hds", True, True, False),
        ("public_cloud_unknown_certification", True, False, True),
    ],
)
def test_g6_hds(hosting: str, hds: bool, flag: bool, debatable: bool) -> None:
    a = answers(
        **{**GDPR_PERSONAL, "special_categories": ["health"], "art9_exception": "care", "hosting": hosting}
    )
    result = qualify(a)
    assert result["gdpr"]["hds_required"] is hds
    assert ("hds_non_compliant" in result["gdpr"]["flags"]) is flag
    assert (reason("hds_public_cloud") in result["debatable_reasons"]) is debatable


def test_g6_no_health_no_hds() -> None:
    assert (
        qualify(answers(**{**GDPR_PERSONAL, "hosting": "third_party_not_hds"}))["gdpr"]["hds_required"]
        is False
    )


def test_g7_legitimate_interests_public_body() -> None:
    a = answers(**{**GDPR_PERSONAL, "legal_basis": "legitimate_interests"})
    assert "legitimate_interests_public_authority" in qualify(a)["gdpr"]["flags"]
    b = answers(**{**GDPR_PERSONAL, "legal_basis": "legitimate_interests"}, organisation_kind="private_other")
    assert qualify(b)["gdpr"]["flags"] == []


@pytest.mark.parametrize(
    ("framework", "flagged"), [("none", True), ("mr_004", False), ("cnil_authorisation", False)]
)
def test_g8_research_framework(framework: str, flagged: bool) -> None:
    a = answers(
        **{
            **GDPR_PERSONAL,
            "special_categories": ["health"],
            "art9_exception": "research",
            "research_framework": framework,
        }
    )
    assert ("research_framework_missing" in qualify(a)["gdpr"]["flags"]) is flagged


def test_g9_medical_device_information() -> None:
    a = answers(annex1_product="mdr", mdr_class="IIa", mdr_in_house="no", seeks_reimbursement="yes")
    mdr = qualify(a)["mdr"]
    assert mdr["ce_marking_required"] is True
    assert mdr["has_evaluation_flag"] is True
    assert qualify(MINIMAL_DEPLOYER)["mdr"] == {
        "class": None,
        "derived_by": None,
        "ce_marking_required": False,
        "has_evaluation_flag": False,
    }


def test_nir_flag() -> None:
    assert "nir_decree" in qualify(answers(**{**GDPR_PERSONAL, "nir": "yes"}))["gdpr"]["flags"]


# --- skip logic and ignored answers ---------------------------------------------------------------


def test_skip_logic_not_ai_path() -> None:
    path = applicable_questions({"ai_technique": "fixed_rules", "personal_data": "no"})
    assert path == ["ai_technique", "organisation_kind", "personal_data"]


def test_skip_logic_full_minimal_path() -> None:
    assert applicable_questions(MINIMAL_DEPLOYER) == [
        "ai_technique",
        "exclusion",
        "prohibited_practices",
        "annex1_product",
        "annex3_areas",
        "transparency",
        "gpai",
        "role",
        "art25_triggers",
        "organisation_kind",
        "personal_data",
    ]


def test_skip_logic_pending_questions_are_neither_asked_nor_ignored() -> None:
    a = {"annex3_areas": ["emergency_triage"], "personal_data": "no"}
    assert applicable_questions(a) == ["ai_technique", "organisation_kind", "personal_data"]
    assert qualify(a)["ignored"] == []


def test_skip_logic_mdr_branch() -> None:
    path = applicable_questions(
        answers(annex1_product="mdr", mdr_class="unknown", mdr_purpose="monitoring_physiological")
    )
    assert "mdr_vital_immediate_danger" in path
    assert "mdr_impact" not in path
    assert "seeks_reimbursement" in path


def test_ignored_answers_listed_in_order() -> None:
    a = answers(emotion_medical_safety="yes", mdr_class="IIa", profiling="yes", personal_data="no", nir="yes")
    assert qualify(a)["ignored"] == ["emotion_medical_safety", "mdr_class", "profiling", "nir"]


def test_ignored_answers_do_not_count() -> None:
    # profiling is not asked without an Annex III area: it must not derive evaluation_scoring
    a = answers(profiling="yes", **{**GDPR_PERSONAL, "edpb_criteria": ["large_scale"]})
    assert qualify(a)["gdpr"]["dpia"] == "recommended"


def test_asked_when_is_three_valued_on_raw_answers() -> None:
    condition = QUESTIONS_BY_ID["outputs_used_for_people"].asked_when
    assert condition({"exclusion": ["research_only"]}) is True
    assert condition({"exclusion": ["none"]}) is False
    assert condition({}) is None


# --- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "qid", "allowed"),
    [
        ({"not_a_question": "yes"}, "not_a_question", "ai_technique"),
        ({"ai_technique": "magic"}, "ai_technique", "machine_learning"),
        ({"personal_data": True}, "personal_data", "yes"),
        ({"exclusion": "none"}, "exclusion", "none"),
        ({"exclusion": []}, "exclusion", "none"),
        ({"exclusion": ["none", "research_only"]}, "exclusion", "none"),
        ({"exclusion": ["research_only", "research_only"]}, "exclusion", "research_only"),
        ({"exclusion": ["bogus"]}, "exclusion", "free_open_source"),
        ({"exclusion": ["unknown"]}, "exclusion", "unknown"),
        ({"mdr_class": "IV"}, "mdr_class", "IIb"),
    ],
)
def test_validation_errors(bad: dict[str, Any], qid: str, allowed: str) -> None:
    with pytest.raises(AnswerError) as info:
        validate_answers(bad)
    assert info.value.question_id == qid
    assert allowed in info.value.allowed_values
    assert info.value.message_fr
    with pytest.raises(AnswerError):
        qualify(bad)


def test_validation_accepts_unknown_and_null() -> None:
    validate_answers({q.id: "unknown" for q in QUESTIONS})
    validate_answers({q.id: None for q in QUESTIONS})
    assert "unknown" in AnswerError("x", "m", ("a", "unknown")).allowed_values
