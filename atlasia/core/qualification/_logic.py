"""Three-valued helpers shared by the questionnaire conditions and the engine.

The engine walks the questionnaire with an *effective* answer map: a question that is definitely not
asked on the path holds :data:`NOT_ASKED`; a question that is asked but unanswered (or answered
``unknown``), or whose condition cannot be decided yet, is absent. Conditions therefore return
``True`` (asked), ``False`` (not asked) or ``None`` (cannot be decided: an earlier answer is missing).
They also work on raw answers, where they describe the local condition only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

Tri = bool | None


class _NotAsked:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_ASKED"


NOT_ASKED: Final = _NotAsked()

#: Questions whose option ``unknown`` is a real answer (it leads to the Rule 11 questions).
LITERAL_UNKNOWN: Final = frozenset({"mdr_class"})

AI_TECHNIQUES: Final = frozenset({"machine_learning", "logic_inference"})
NOT_AI_TECHNIQUES: Final = frozenset({"fixed_rules", "basic_optimisation"})

ANNEX3_BASES: Final[Mapping[str, str]] = {
    "biometrics": "annex3_1",
    "critical_infrastructure": "annex3_2",
    "education": "annex3_3",
    "recruitment": "annex3_4a",
    "work_decisions": "annex3_4b",
    "public_benefits": "annex3_5a",
    "creditworthiness": "annex3_5b",
    "life_health_insurance": "annex3_5c",
    "emergency_triage": "annex3_5d",
    "law_enforcement": "annex3_6",
    "migration": "annex3_7",
    "justice_democracy": "annex3_8",
}

ART6_3_BASES: Final[Mapping[str, str]] = {
    "narrow_procedural": "art6_3_a",
    "improves_completed_human_activity": "art6_3_b",
    "detects_patterns_without_replacing": "art6_3_c",
    "preparatory_task": "art6_3_d",
}

EDPB_ORDER: Final[tuple[str, ...]] = (
    "evaluation_scoring",
    "automated_decision_legal_effect",
    "systematic_monitoring",
    "sensitive_data",
    "large_scale",
    "matching_datasets",
    "vulnerable_subjects",
    "innovative_technology",
    "prevents_right_or_service",
)


def value(answers: Mapping[str, Any], question_id: str) -> Any:
    """The usable value of an answer: ``None`` when unanswered or ``unknown``."""
    raw = answers.get(question_id)
    if raw == "unknown" and question_id not in LITERAL_UNKNOWN:
        return None
    return raw


def selected(answers: Mapping[str, Any], question_id: str, option: str) -> Tri:
    """Whether ``option`` is the answer (single) or among the answers (multi) of a question."""
    raw = value(answers, question_id)
    if raw is NOT_ASKED:
        return False
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw == option
    return option in raw


def one_of(answers: Mapping[str, Any], question_id: str, options: frozenset[str]) -> Tri:
    raw = value(answers, question_id)
    if raw is NOT_ASKED:
        return False
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw in options
    return any(item in options for item in raw)


def any_real_option(answers: Mapping[str, Any], question_id: str) -> Tri:
    """Whether a multi question has an option other than ``none``."""
    raw = value(answers, question_id)
    if raw is NOT_ASKED:
        return False
    if raw is None:
        return None
    return any(item != "none" for item in raw)


def is_yes(answers: Mapping[str, Any], question_id: str) -> Tri:
    raw = value(answers, question_id)
    if raw is NOT_ASKED:
        return False
    if raw is None:
        return None
    return bool(raw == "yes")


def t_and(*values: Tri) -> Tri:
    if any(v is False for v in values):
        return False
    if all(v is True for v in values):
        return True
    return None


def t_or(*values: Tri) -> Tri:
    if any(v is True for v in values):
        return True
    if all(v is False for v in values):
        return False
    return None


def t_not(v: Tri) -> Tri:
    return None if v is None else not v


def real_options(raw: Any) -> list[str]:
    """The options of a multi answer other than ``none`` (empty when not a list)."""
    if isinstance(raw, list | tuple):
        return [item for item in raw if item != "none"]
    return []


def is_ai_system(answers: Mapping[str, Any]) -> Tri:
    raw = value(answers, "ai_technique")
    if raw is None or raw is NOT_ASKED:
        return None
    return raw in AI_TECHNIQUES


def in_scope(answers: Mapping[str, Any]) -> Tri:
    """AI system and not excluded by Art. 2(3), 2(6), 2(8) or 2(10) (Art. 2(12) is decided later)."""
    ai = is_ai_system(answers)
    if ai is False:
        return False
    exclusion = value(answers, "exclusion")
    if exclusion is None or exclusion is NOT_ASKED:
        return None
    if "military_national_security" in exclusion or "personal_non_professional" in exclusion:
        return False
    if "research_only" in exclusion or "pre_market_testing" in exclusion:
        outputs = value(answers, "outputs_used_for_people")
        if outputs == "no":
            return False
        if outputs != "yes":
            return None
    return ai


def resolve_mdr_class(answers: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The medical-device class, declared or derived by MDR Annex VIII Rule 11, and how."""
    declared = value(answers, "mdr_class")
    if declared is None or declared is NOT_ASKED:
        return None, None
    if declared != "unknown":
        return str(declared), "declared"
    purpose = value(answers, "mdr_purpose")
    if purpose == "other":
        return "I", "rule_11"
    if purpose == "diagnosis_therapy_information":
        impact = value(answers, "mdr_impact")
        cls = {"death_irreversible": "III", "serious_deterioration_or_surgery": "IIb", "other": "IIa"}.get(
            impact if isinstance(impact, str) else ""
        )
        return (cls, "rule_11") if cls else (None, None)
    if purpose == "monitoring_physiological":
        vital = value(answers, "mdr_vital_immediate_danger")
        if vital == "yes":
            return "IIb", "rule_11"
        if vital == "no":
            return "IIa", "rule_11"
    return None, None


def dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
