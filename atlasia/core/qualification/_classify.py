"""The category decision (rules 2 to 8) and the DPIA decision (G2), on an effective answer map.

They live apart from :mod:`engine` because two questionnaire conditions depend on them
(``in_service_before_application`` is asked for a high-risk result, ``residual_high_risk`` when a
DPIA is required).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._logic import (
    ANNEX3_BASES,
    ART6_3_BASES,
    EDPB_ORDER,
    NOT_AI_TECHNIQUES,
    NOT_ASKED,
    Tri,
    real_options,
    resolve_mdr_class,
    value,
)

PROHIBITED_BASES: Mapping[str, str] = {
    "subliminal_manipulation": "art5_1_a",
    "exploits_vulnerabilities": "art5_1_b",
    "social_scoring": "art5_1_c",
    "crime_risk_profiling": "art5_1_d",
    "facial_scraping": "art5_1_e",
    "emotion_recognition_work_education": "art5_1_f",
    "biometric_categorisation_sensitive": "art5_1_g",
    "realtime_remote_biometric_id": "art5_1_h",
    # Points inserted into Art. 5(1) by Regulation (EU) 2026/1744 (the « Digital Omnibus on AI »).
    "non_consensual_intimate_content": "art5_1_ba",
    "child_sexual_abuse_material": "art5_1_bb",
}

#: Bases of the prohibitions inserted by Regulation (EU) 2026/1744: they exist only in law versions
#: whose ``prohibitions_omnibus`` date is set.
OMNIBUS_PROHIBITION_BASES: frozenset[str] = frozenset({"art5_1_ba", "art5_1_bb"})

EXCLUSION_BASES: Mapping[str, str] = {
    "military_national_security": "art2_3",
    "research_only": "art2_6",
    "pre_market_testing": "art2_8",
    "personal_non_professional": "art2_10",
}

IVDR_HIGH_RISK: frozenset[str] = frozenset({"A_sterile", "B", "C", "D"})
MDR_HIGH_RISK: frozenset[str] = frozenset({"Is_Im", "IIa", "IIb", "III"})


@dataclass
class Core:
    """What rules 2 to 8 decide, before roles, obligations and dates."""

    category: str
    bases: list[str] = field(default_factory=list)
    debatable: list[str] = field(default_factory=list)
    #: bases of Art. 6(1) (Annex I) that make the system high-risk
    annex1_bases: list[str] = field(default_factory=list)
    #: Annex III bases that make the system high-risk (after Art. 6(3))
    annex3_bases: list[str] = field(default_factory=list)
    #: every Annex III point declared, whether or not Art. 6(3) removed it
    declared_annex3: list[str] = field(default_factory=list)
    #: Art. 6(3) conditions relied on (the Annex III bases then do not make it high-risk)
    art6_3_bases: list[str] = field(default_factory=list)
    #: the Annex I product is covered by Section B legislation (Art. 2(2) then limits what applies)
    annex1_section_b: bool = False
    #: Omnibus prohibitions declared although the law version does not contain them
    unavailable_prohibitions: list[str] = field(default_factory=list)
    annex1_status: Tri = None
    annex3_status: Tri = None
    mdr_class: str | None = None
    mdr_derived_by: str | None = None
    emotion_exception: bool = False


def _annex1(a: Mapping[str, Any], core: Core) -> Tri:
    product = value(a, "annex1_product")
    if product is None or product is NOT_ASKED:
        return None
    if product == "none":
        return False
    if product == "mdr":
        cls, derived_by = resolve_mdr_class(a)
        core.mdr_class, core.mdr_derived_by = cls, derived_by
        in_house = value(a, "mdr_in_house")
        if in_house == "yes":
            core.debatable.append("mdr_in_house")
            return False
        if cls == "I":
            return False
        if cls is None or in_house is None:
            return None
        core.annex1_bases.append(f"art6_1_mdr_class_{cls}")
        if cls == "Is_Im":
            core.debatable.append("mdr_class_is_im")
        return True
    if product == "ivdr":
        ivd = value(a, "ivdr_class")
        if ivd is None:
            return None
        if ivd == "A":
            return False
        core.annex1_bases.append(f"art6_1_ivdr_class_{ivd}")
        if ivd == "A_sterile":
            core.debatable.append("ivdr_class_a_sterile")
        return True
    third_party = value(a, "annex1_third_party")
    if third_party is None:
        return None
    if third_party == "yes":
        if product == "annex1_section_b":
            core.annex1_bases.append("art6_1_annex1_section_b")
            core.annex1_section_b = True
        else:
            core.annex1_bases.append("art6_1_annex1")
        return True
    return False


def _annex3(a: Mapping[str, Any], core: Core) -> Tri:
    areas = value(a, "annex3_areas")
    if areas is None or areas is NOT_ASKED:
        return None
    declared = [ANNEX3_BASES[area] for area in areas if area != "none"]
    core.declared_annex3 = declared
    if not declared:
        return False
    purpose = value(a, "benefits_purpose")
    if purpose == "control_targeting":
        core.debatable.append("benefits_control_targeting")
    elif purpose == "outreach_non_take_up":
        core.debatable.append("benefits_outreach")
    elif purpose == "information_only":
        core.debatable.append("benefits_information_only")
    conditions = value(a, "art6_3_conditions")
    if conditions is None:
        return None
    relied = [ART6_3_BASES[c] for c in conditions if c != "none"]
    if not relied:
        core.annex3_bases = declared
        return True
    profiling = value(a, "profiling")
    if profiling == "yes":
        core.annex3_bases = declared
        return True
    if profiling == "no":
        core.art6_3_bases = relied
        return False
    return None


def _prohibited(a: Mapping[str, Any], core: Core, omnibus_prohibitions: bool = True) -> Tri:
    practices = value(a, "prohibited_practices")
    if practices is None or practices is NOT_ASKED:
        return None
    found: list[str] = []
    pending = False
    for practice in practices:
        if practice == "none":
            continue
        if practice == "emotion_recognition_work_education":
            medical = value(a, "emotion_medical_safety")
            if medical == "yes":
                core.emotion_exception = True
                continue
            if medical != "no":
                pending = True
                continue
        basis = PROHIBITED_BASES[practice]
        if basis in OMNIBUS_PROHIBITION_BASES and not omnibus_prohibitions:
            core.unavailable_prohibitions.append(basis)
            continue
        found.append(basis)
    if found:
        core.bases = found
        return True
    return None if pending else False


def ai_act_core(a: Mapping[str, Any], omnibus_prohibitions: bool = True) -> Core:
    """Rules 2 to 8 on an effective (or raw) answer map; ``undetermined`` on any needed gap.

    ``omnibus_prohibitions=False`` applies a law version without Art. 5(1)(ba) and (bb) (inserted by
    Regulation (EU) 2026/1744): declaring them then prohibits nothing. The questionnaire conditions
    call it with the default, so that the path does not depend on the law version.
    """
    technique = value(a, "ai_technique")
    if technique is None or technique is NOT_ASKED:
        return Core("undetermined")
    if technique in NOT_AI_TECHNIQUES:
        core = Core("not_ai_system", bases=["art3_1"])
        if technique == "basic_optimisation":
            core.debatable.append("basic_optimisation")
        return core
    exclusion = value(a, "exclusion")
    if exclusion is None or exclusion is NOT_ASKED:
        return Core("undetermined")
    hard = [
        EXCLUSION_BASES[e]
        for e in exclusion
        if e in ("military_national_security", "personal_non_professional")
    ]
    if hard:
        return Core("excluded", bases=hard)
    soft = [EXCLUSION_BASES[e] for e in exclusion if e in ("research_only", "pre_market_testing")]
    core = Core("undetermined")
    if soft:
        outputs = value(a, "outputs_used_for_people")
        if outputs == "no":
            return Core("excluded", bases=soft)
        if outputs != "yes":
            return core
        core.debatable.append("used_on_real_persons")

    prohibited = _prohibited(a, core, omnibus_prohibitions)
    if prohibited:
        core.category = "prohibited"
        return core

    annex1 = _annex1(a, core)
    annex3 = _annex3(a, core)
    core.annex1_status, core.annex3_status = annex1, annex3
    core.bases = core.annex1_bases + core.annex3_bases + core.art6_3_bases
    if core.emotion_exception and "annex3_1" not in core.declared_annex3:
        core.debatable.append("emotion_annex3_1c")
    if prohibited is None:
        return core
    if annex1 is True or annex3 is True:
        core.category = "high_risk"
        return core
    if annex1 is None or annex3 is None:
        return core
    transparency = value(a, "transparency")
    if transparency is None or transparency is NOT_ASKED:
        return core
    core.category = "limited" if (real_options(transparency) or core.emotion_exception) else "minimal"
    return core


def high_risk_condition(a: Mapping[str, Any]) -> Tri:
    """Whether the result so far is high-risk (condition of ``in_service_before_application``)."""
    category = ai_act_core(a).category
    if category == "high_risk":
        return True
    if category == "undetermined":
        return None
    return False


def derived_edpb(a: Mapping[str, Any]) -> list[str]:
    """EDPB criteria the engine derives from other answers (in the EDPB order)."""
    derived: set[str] = set()
    if real_options(value(a, "special_categories")):
        derived.add("sensitive_data")
    if value(a, "automated_decision") == "solely_automated_significant":
        derived.add("automated_decision_legal_effect")
    if value(a, "profiling") == "yes":
        derived.add("evaluation_scoring")
    return [c for c in EDPB_ORDER if c in derived]


def dpia_status(a: Mapping[str, Any]) -> tuple[str, list[str]]:
    """G1-G2: ``required``, ``recommended``, ``not_required`` or ``undetermined``, with the triggers."""
    personal = value(a, "personal_data")
    if personal == "no":
        return "not_required", []
    if personal is None or personal is NOT_ASKED:
        return "undetermined", []
    reasons: list[str] = []
    unknown = False
    art35 = value(a, "art35_3")
    if art35 is None or art35 is NOT_ASKED:
        unknown = True
    else:
        reasons.extend(f"art35_3:{o}" for o in real_options(art35))
    cnil = value(a, "cnil_list")
    if cnil is None or cnil is NOT_ASKED:
        unknown = True
    else:
        reasons.extend(f"cnil:{o}" for o in real_options(cnil))
    strong = bool(reasons)
    edpb = value(a, "edpb_criteria")
    chosen: set[str] = set(derived_edpb(a))
    if edpb is None or edpb is NOT_ASKED:
        unknown = True
    else:
        chosen.update(real_options(edpb))
    criteria = [c for c in EDPB_ORDER if c in chosen]
    reasons.extend(f"edpb:{c}" for c in criteria)
    if strong or len(criteria) >= 2:
        return "required", reasons
    if unknown:
        return "undetermined", reasons
    if len(criteria) == 1:
        return "recommended", reasons
    return "not_required", reasons


def dpia_required_condition(a: Mapping[str, Any]) -> Tri:
    """Whether a DPIA is required (condition of ``residual_high_risk``)."""
    status = dpia_status(a)[0]
    if status == "required":
        return True
    if status == "undetermined":
        return None
    return False
