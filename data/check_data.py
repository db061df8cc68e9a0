#!/usr/bin/env python3
"""Validate the reference lists (data/reference) and the starter catalogue (data/catalogue).

Standard library only. Usage:  python data/check_data.py   (exit code 0 when everything passes)

Checks: JSON syntax, required keys, unique codes and slugs, codes that exist in the reference
lists, SIREN (9 digits + Luhn), FINESS format, department in its region, >= 40 use cases,
ISO dates with start <= end, https:// URLs, and the qualification answers (question IDs, option
values, skip logic of docs/qualification-spec.md). When atlasia.core.qualification is importable,
every answer set is also passed to its validate_answers() and qualify(), and the AI Act category
of each use case is printed.
"""

import datetime
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "reference")
CAT = os.path.join(HERE, "catalogue")

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as exc:
        err(os.path.relpath(path, HERE), f"cannot load JSON ({exc})")
        return None


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siren_ok(value):
    return bool(re.fullmatch(r"[0-9]{9}", value)) and luhn_ok(value)


FINESS_RE = re.compile(r"[0-9][0-9A-Z][0-9]{7}")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# --------------------------------------------------------------------------------------------
# Qualification questionnaire (docs/qualification-spec.md, section 2): IDs, types, options.
# --------------------------------------------------------------------------------------------
BOOL = ("yes", "no", "unknown")
QUESTIONS = {
    "ai_technique": ("single", ["machine_learning", "logic_inference", "fixed_rules", "basic_optimisation"]),
    "exclusion": (
        "multi",
        [
            "military_national_security",
            "research_only",
            "pre_market_testing",
            "personal_non_professional",
            "free_open_source",
            "none",
        ],
    ),
    "outputs_used_for_people": ("bool", None),
    "prohibited_practices": (
        "multi",
        [
            "subliminal_manipulation",
            "exploits_vulnerabilities",
            "social_scoring",
            "crime_risk_profiling",
            "facial_scraping",
            "emotion_recognition_work_education",
            "biometric_categorisation_sensitive",
            "realtime_remote_biometric_id",
            "non_consensual_intimate_content",
            "child_sexual_abuse_material",
            "none",
        ],
    ),
    "emotion_medical_safety": ("bool", None),
    "annex1_product": ("single", ["mdr", "ivdr", "other_annex1", "annex1_section_b", "none"]),
    "mdr_class": ("single", ["I", "Is_Im", "IIa", "IIb", "III", "unknown"]),
    "mdr_purpose": ("single", ["diagnosis_therapy_information", "monitoring_physiological", "other"]),
    "mdr_impact": ("single", ["death_irreversible", "serious_deterioration_or_surgery", "other"]),
    "mdr_vital_immediate_danger": ("bool", None),
    "mdr_in_house": ("bool", None),
    "ivdr_class": ("single", ["A", "A_sterile", "B", "C", "D", "unknown"]),
    "annex1_third_party": ("bool", None),
    "annex3_areas": (
        "multi",
        [
            "biometrics",
            "critical_infrastructure",
            "education",
            "recruitment",
            "work_decisions",
            "public_benefits",
            "creditworthiness",
            "life_health_insurance",
            "emergency_triage",
            "law_enforcement",
            "migration",
            "justice_democracy",
            "none",
        ],
    ),
    "benefits_purpose": (
        "single",
        [
            "eligibility_decision",
            "grant_reduce_revoke_reclaim",
            "control_targeting",
            "outreach_non_take_up",
            "information_only",
        ],
    ),
    "art6_3_conditions": (
        "multi",
        [
            "narrow_procedural",
            "improves_completed_human_activity",
            "detects_patterns_without_replacing",
            "preparatory_task",
            "none",
        ],
    ),
    "profiling": ("bool", None),
    "transparency": (
        "multi",
        [
            "interacts_with_people",
            "generates_synthetic_content",
            "emotion_or_biometric_categorisation",
            "deep_fake",
            "public_interest_text",
            "none",
        ],
    ),
    "gpai": ("single", ["none", "builds_on_gpai", "fine_tunes_gpai", "places_gpai_on_market"]),
    "fine_tune_compute": ("single", ["above_one_third", "below_one_third", "unknown"]),
    "gpai_systemic": ("bool", None),
    "role": ("single", ["provider_and_deployer", "deployer", "provider", "importer", "distributor"]),
    "art25_triggers": (
        "multi",
        ["own_name_on_high_risk", "substantial_modification", "changed_purpose_to_high_risk", "none"],
    ),
    "organisation_kind": ("single", ["public_law_body", "private_public_service", "private_other"]),
    "in_service_before_application": ("bool", None),
    "personal_data": ("bool", None),
    "special_categories": (
        "multi",
        [
            "health",
            "genetic",
            "biometric_identification",
            "racial_ethnic",
            "political_religious_union",
            "sex_life_orientation",
            "none",
        ],
    ),
    "nir": ("bool", None),
    "legal_basis": (
        "single",
        ["public_task", "legal_obligation", "contract", "consent", "vital_interests", "legitimate_interests"],
    ),
    "art9_exception": (
        "single",
        [
            "care",
            "public_health",
            "research",
            "social_protection",
            "substantial_public_interest",
            "explicit_consent",
        ],
    ),
    "research_framework": (
        "single",
        ["mr_001", "mr_002", "mr_003", "mr_004", "mr_005", "mr_006", "cnil_authorisation", "none"],
    ),
    "automated_decision": (
        "single",
        ["solely_automated_significant", "human_decides", "no_decision_about_persons"],
    ),
    "individual_administrative_decision": ("bool", None),
    "art35_3": (
        "multi",
        [
            "systematic_evaluation_legal_effect",
            "large_scale_special_categories",
            "systematic_public_monitoring",
            "none",
        ],
    ),
    "cnil_list": (
        "multi",
        [
            "health_care_establishment",
            "genetic_vulnerable",
            "hr_profiling",
            "employee_monitoring",
            "social_health_alerts",
            "professional_alerts",
            "health_data_warehouse",
            "profiling_exclusion_contract",
            "shared_breach_files",
            "profiling_external_sources",
            "biometric_vulnerable",
            "social_housing",
            "social_medico_social_support",
            "large_scale_location",
            "none",
        ],
    ),
    "edpb_criteria": (
        "multi",
        [
            "evaluation_scoring",
            "automated_decision_legal_effect",
            "systematic_monitoring",
            "sensitive_data",
            "large_scale",
            "matching_datasets",
            "vulnerable_subjects",
            "innovative_technology",
            "prevents_right_or_service",
            "none",
        ],
    ),
    "residual_high_risk": ("bool", None),
    "hosting": (
        "single",
        ["internal", "third_party_hds", "third_party_not_hds", "public_cloud_unknown_certification"],
    ),
    "seeks_reimbursement": ("bool", None),
}


def _as_list(value):
    return value if isinstance(value, list) else []


def _some(value):
    """A multi answer with at least one option other than none."""
    return any(v != "none" for v in _as_list(value))


def high_risk_reading(a):
    """Our reading of rules 5 and 6 (used only to know whether in_service_before_application is asked)."""
    hr = False
    if a.get("annex1_product") == "mdr" and a.get("mdr_in_house") != "yes":
        cls = a.get("mdr_class")
        if cls == "unknown":
            purpose = a.get("mdr_purpose")
            if purpose == "diagnosis_therapy_information":
                cls = {
                    "death_irreversible": "III",
                    "serious_deterioration_or_surgery": "IIb",
                    "other": "IIa",
                }.get(a.get("mdr_impact"))
            elif purpose == "monitoring_physiological":
                cls = {"yes": "IIb", "no": "IIa"}.get(a.get("mdr_vital_immediate_danger"))
        if cls in ("IIa", "IIb", "III", "Is_Im"):
            hr = True
    if a.get("annex1_product") == "ivdr" and a.get("ivdr_class") in ("A_sterile", "B", "C", "D"):
        hr = True
    if (
        a.get("annex1_product") in ("other_annex1", "annex1_section_b")
        and a.get("annex1_third_party") == "yes"
    ):
        hr = True
    if _some(a.get("annex3_areas")):
        derogation = _some(a.get("art6_3_conditions")) and a.get("profiling") == "no"
        if not derogation:
            hr = True
    return hr


def dpia_required_reading(a):
    if _some(a.get("art35_3")) or _some(a.get("cnil_list")):
        return True
    crit = {c for c in _as_list(a.get("edpb_criteria")) if c != "none"}
    if _some(a.get("special_categories")):
        crit.add("sensitive_data")
    if a.get("automated_decision") == "solely_automated_significant":
        crit.add("automated_decision_legal_effect")
    if a.get("profiling") == "yes":
        crit.add("evaluation_scoring")
    return len(crit) >= 2


def asked_questions(a):
    """The set of question IDs asked on the path defined by the answers `a` (spec, section 2).

    A question whose condition depends on an unanswered or "unknown" earlier answer is not on the
    path yet (same convention as atlasia.core.qualification.applicable_questions): e.g. with
    ai_technique = "unknown" no other AI Act question is asked.
    """
    q = {"ai_technique", "organisation_kind", "personal_data"}
    tech = a.get("ai_technique")
    if tech in ("machine_learning", "logic_inference"):
        q.add("exclusion")
        excl = _as_list(a.get("exclusion"))
        research = "research_only" in excl or "pre_market_testing" in excl
        if research:
            q.add("outputs_used_for_people")
        excluded = (
            "military_national_security" in excl
            or "personal_non_professional" in excl
            or (research and a.get("outputs_used_for_people") == "no")
        )
        undecided = a.get("exclusion") in ("unknown", None) or (
            research and a.get("outputs_used_for_people") not in ("yes", "no")
        )
        if not excluded and not undecided:
            q.update(
                {"prohibited_practices", "annex1_product", "annex3_areas", "transparency", "gpai", "role"}
            )
            if "emotion_recognition_work_education" in _as_list(a.get("prohibited_practices")):
                q.add("emotion_medical_safety")
            a1 = a.get("annex1_product")
            if a1 == "mdr":
                q.update({"mdr_class", "mdr_in_house", "seeks_reimbursement"})
                if a.get("mdr_class") == "unknown":
                    q.add("mdr_purpose")
                    if a.get("mdr_purpose") == "diagnosis_therapy_information":
                        q.add("mdr_impact")
                    elif a.get("mdr_purpose") == "monitoring_physiological":
                        q.add("mdr_vital_immediate_danger")
            elif a1 == "ivdr":
                q.add("ivdr_class")
            elif a1 in ("other_annex1", "annex1_section_b"):
                q.add("annex1_third_party")
            areas = _as_list(a.get("annex3_areas"))
            if "public_benefits" in areas:
                q.add("benefits_purpose")
            if _some(areas):
                q.update({"art6_3_conditions", "profiling"})
            g = a.get("gpai")
            if g == "fine_tunes_gpai":
                q.add("fine_tune_compute")
            if g == "places_gpai_on_market" or (
                g == "fine_tunes_gpai" and a.get("fine_tune_compute") == "above_one_third"
            ):
                q.add("gpai_systemic")
            if a.get("role") in ("deployer", "importer", "distributor"):
                q.add("art25_triggers")
            prohibited = _some(a.get("prohibited_practices"))
            if (
                not prohibited
                and high_risk_reading(a)
                and a.get("organisation_kind") in ("public_law_body", "private_public_service")
            ):
                q.add("in_service_before_application")
    if a.get("personal_data") == "yes":
        q.update(
            {
                "special_categories",
                "nir",
                "legal_basis",
                "automated_decision",
                "art35_3",
                "cnil_list",
                "edpb_criteria",
                "hosting",
            }
        )
        if a.get("organisation_kind") in ("public_law_body", "private_public_service"):
            q.add("individual_administrative_decision")
        if _some(a.get("special_categories")):
            q.add("art9_exception")
            if a.get("art9_exception") == "research":
                q.add("research_framework")
        if dpia_required_reading(a):
            q.add("residual_high_risk")
    return q


def check_answers(where, a):
    if not isinstance(a, dict):
        err(where, "qualification_answers must be an object")
        return
    for qid, value in a.items():
        if qid not in QUESTIONS:
            err(where, f"unknown question ID {qid!r}")
            continue
        kind, options = QUESTIONS[qid]
        if kind == "bool":
            if value not in BOOL:
                err(where, f"{qid}: {value!r} is not yes/no/unknown")
        elif kind == "single":
            if value != "unknown" and value not in options:
                err(where, f"{qid}: unknown option {value!r}")
        else:
            if value == "unknown":
                continue
            if not isinstance(value, list) or not value:
                err(where, f'{qid}: a multi answer is a non-empty list or "unknown"')
                continue
            for v in value:
                if v not in options:
                    err(where, f"{qid}: unknown option {v!r}")
            if "none" in value and len(value) > 1:
                err(where, f"{qid}: 'none' is exclusive")
            if len(set(value)) != len(value):
                err(where, f"{qid}: duplicate options")
    asked = asked_questions(a)
    for qid in sorted(set(a) - asked):
        err(where, f"{qid} answered but not asked on this path")
    for qid in sorted(asked - set(a)):
        err(where, f'{qid} is asked on this path but not answered (use "unknown")')


# --------------------------------------------------------------------------------------------
def require(where, obj, keys):
    if not isinstance(obj, dict):
        err(where, "not an object")
        return False
    missing = [k for k in keys if k not in obj]
    if missing:
        err(where, f"missing keys {missing}")
    return not missing


def codes_of(items, name):
    seen = set()
    for i, it in enumerate(items or []):
        c = it.get("code") if isinstance(it, dict) else None
        if not isinstance(c, str) or not c:
            err(name, f"item {i} has no code")
        elif c in seen:
            err(name, f"duplicate code {c!r}")
        seen.add(c)
    return seen


def check_url(where, url, allow_empty=True):
    if url in ("", None) and allow_empty:
        return
    if not isinstance(url, str) or not url.startswith("https://") or " " in url:
        err(where, f"URL must start with https:// ({url!r})")


def parse_date(where, value):
    if value is None:
        return None
    if not isinstance(value, str) or not DATE_RE.fullmatch(value):
        err(where, f"date must be YYYY-MM-DD or null ({value!r})")
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        err(where, f"invalid date {value!r}")
        return None


def main():
    ref = {}
    label_keys = ["code", "label_fr", "label_en"]
    specs = {
        "themes_strategy_2025.json": label_keys,
        "themes.json": label_keys + ["description_fr", "crosswalk_strategy_2025"],
        "pillars.json": label_keys + ["description_fr", "source"],
        "ai_techniques.json": label_keys + ["description_fr", "ai_act_technique"],
        "data_categories.json": label_keys + ["personal", "special_category"],
        "statuses.json": label_keys + ["description_fr", "nl_algoritmeregister_status", "uk_atrs_phase"],
        "organisation_types.json": label_keys + ["description_fr"],
        "regions.json": ["code", "name", "overseas"],
        "departments.json": ["code", "name", "region"],
        "hosting.json": label_keys,
        "provider_types.json": label_keys,
    }
    for name, keys in specs.items():
        items = load(os.path.join(REF, name))
        if not isinstance(items, list) or not items:
            err(name, "must be a non-empty list")
            items = []
        for i, it in enumerate(items):
            require(f"{name}[{i}]", it, keys)
        ref[name] = codes_of(items, name)
        ref[name + ":items"] = items

    s25 = ref["themes_strategy_2025.json"]
    if len(s25) != 9:
        err("themes_strategy_2025.json", f"expected the 9 draft themes, found {len(s25)}")
    for t in ref["themes.json:items"]:
        for c in t.get("crosswalk_strategy_2025", []):
            if c not in s25:
                err("themes.json", f"{t.get('code')}: unknown draft theme {c!r}")
    for c in (
        "acces_soins",
        "parcours",
        "activites_soignantes",
        "medico_social",
        "prevention",
        "logistique_administratif",
        "recherche_pilotage",
        "fraude_controle",
        "relation_usagers",
        "non_recours",
    ):
        if c not in ref["themes.json"]:
            err("themes.json", f"missing theme {c!r}")
    if not 5 <= len(ref["pillars.json"]) <= 7:
        err("pillars.json", "expected 5 to 7 pillars")
    act = set(QUESTIONS["ai_technique"][1])
    for t in ref["ai_techniques.json:items"]:
        if t.get("ai_act_technique") is not None and t.get("ai_act_technique") not in act:
            err("ai_techniques.json", f"{t.get('code')}: bad ai_act_technique {t.get('ai_act_technique')!r}")
    special = set(QUESTIONS["special_categories"][1]) - {"none"}
    for c in ref["data_categories.json:items"]:
        if not isinstance(c.get("personal"), bool):
            err("data_categories.json", f"{c.get('code')}: personal must be a boolean")
        sc = c.get("special_category")
        if sc is not None and sc not in special:
            err("data_categories.json", f"{c.get('code')}: bad special_category {sc!r}")
        if sc is not None and not c.get("personal"):
            err("data_categories.json", f"{c.get('code')}: a special category is personal data")
    expected_status = [
        "idea",
        "framing",
        "qualified",
        "prioritised",
        "experimentation",
        "evaluated",
        "deployed",
        "generalised",
        "suspended",
        "retired",
        "abandoned",
    ]
    if [s.get("code") for s in ref["statuses.json:items"]] != expected_status:
        err("statuses.json", f"statuses must be, in order, {expected_status}")
    for s in ref["statuses.json:items"]:
        if s.get("nl_algoritmeregister_status") not in ("In ontwikkeling", "In gebruik", "Buiten gebruik"):
            err("statuses.json", f"{s.get('code')}: bad Dutch status")
        if s.get("uk_atrs_phase") not in ("pre-deployment", "beta-pilot", "production", "retired"):
            err("statuses.json", f"{s.get('code')}: bad ATRS phase")
    expected_types = {
        "hospital",
        "essms",
        "mdph",
        "department",
        "ars",
        "cnsa",
        "cnam",
        "cnaf",
        "cnav",
        "msa",
        "urssaf",
        "national_agency",
        "other",
    }
    if ref["organisation_types.json"] != expected_types:
        err("organisation_types.json", f"codes must be {sorted(expected_types)}")
    if ref["hosting.json"] != set(QUESTIONS["hosting"][1]):
        err("hosting.json", "codes must equal the spec's hosting options")
    if ref["provider_types.json"] != {"in_house", "vendor", "mixed", "public_partner"}:
        err("provider_types.json", "codes must be in_house, vendor, mixed, public_partner")

    regions = {r["code"]: r for r in ref["regions.json:items"] if isinstance(r, dict) and "code" in r}
    overseas = {"01", "02", "03", "04", "06"}
    if len(regions) != 18:
        err("regions.json", f"expected 18 regions, found {len(regions)}")
    for code, r in regions.items():
        if r.get("overseas") is not (code in overseas):
            err("regions.json", f"{code}: overseas flag wrong")
    deps = {d["code"]: d for d in ref["departments.json:items"] if isinstance(d, dict) and "code" in d}
    if len(deps) != 101:
        err("departments.json", f"expected 101 departments, found {len(deps)}")
    expected_codes = (
        {f"{i:02d}" for i in range(1, 96) if i != 20} | {"2A", "2B"} | {"971", "972", "973", "974", "976"}
    )
    if set(deps) != expected_codes:
        err(
            "departments.json",
            f"codes differ: missing {sorted(expected_codes - set(deps))}, "
            f"extra {sorted(set(deps) - expected_codes)}",
        )
    per_region = {}
    for code, d in deps.items():
        if d.get("region") not in regions:
            err("departments.json", f"{code}: unknown region {d.get('region')!r}")
        per_region[d.get("region")] = per_region.get(d.get("region"), 0) + 1
    # number of departments per region (INSEE, 2016 regions)
    expected_counts = {
        "01": 1,
        "02": 1,
        "03": 1,
        "04": 1,
        "06": 1,
        "11": 8,
        "24": 6,
        "27": 8,
        "28": 5,
        "32": 5,
        "44": 10,
        "52": 5,
        "53": 4,
        "75": 12,
        "76": 13,
        "84": 12,
        "93": 6,
        "94": 2,
    }
    if per_region != expected_counts:
        err("departments.json", f"departments per region {per_region} != {expected_counts}")
    # a few spot checks of the mapping
    for code, reg in {
        "75": "11",
        "59": "32",
        "33": "75",
        "31": "76",
        "69": "84",
        "13": "93",
        "2A": "94",
        "67": "44",
        "35": "53",
        "44": "52",
        "76": "28",
        "21": "27",
        "45": "24",
        "974": "04",
        "976": "06",
        "90": "27",
        "48": "76",
        "23": "75",
        "08": "44",
        "04": "93",
    }.items():
        if deps.get(code, {}).get("region") != reg:
            err("departments.json", f"{code} should be in region {reg}")

    # ---------------------------------------------------------------- organisations
    orgs = load(os.path.join(CAT, "organisations.json"))
    if not isinstance(orgs, list) or not orgs:
        err("organisations.json", "must be a non-empty list")
        orgs = []
    org_keys = [
        "slug",
        "name",
        "type",
        "siren",
        "finess",
        "region",
        "department",
        "parent",
        "city",
        "country",
        "website",
    ]
    slugs = set()
    for i, o in enumerate(orgs):
        w = f"organisations.json[{o.get('slug', i) if isinstance(o, dict) else i}]"
        if not require(w, o, org_keys):
            continue
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", o["slug"] or ""):
            err(w, "slug must be lowercase words joined by hyphens")
        if o["slug"] in slugs:
            err(w, "duplicate slug")
        slugs.add(o["slug"])
        if o["type"] not in ref["organisation_types.json"]:
            err(w, f"unknown type {o['type']!r}")
        if o["siren"] and not siren_ok(o["siren"]):
            err(w, f"SIREN {o['siren']!r} is not 9 digits passing the Luhn check")
        if o["finess"] and not FINESS_RE.fullmatch(o["finess"]):
            err(w, f"FINESS {o['finess']!r} has a bad format")
        if not re.fullmatch(r"[A-Z]{2}", o["country"] or ""):
            err(w, "country must be an ISO 3166-1 alpha-2 code")
        if o["country"] != "FR":
            if o["region"] is not None or o["department"] is not None:
                err(w, "a foreign body has no French region or department")
            if o["type"] != "other":
                err(w, "a foreign body has type 'other'")
            if o["siren"] or o["finess"]:
                err(w, "a foreign body has no SIREN or FINESS")
        if o["region"] is not None and o["region"] not in regions:
            err(w, f"unknown region {o['region']!r}")
        if o["department"] is not None:
            if o["department"] not in deps:
                err(w, f"unknown department {o['department']!r}")
            elif deps[o["department"]]["region"] != o["region"]:
                err(w, f"department {o['department']} is not in region {o['region']}")
        check_url(w, o["website"])
    for o in orgs:
        if isinstance(o, dict) and o.get("parent") is not None and o["parent"] not in slugs:
            err(f"organisations.json[{o.get('slug')}]", f"unknown parent {o['parent']!r}")
        if isinstance(o, dict) and o.get("parent") == o.get("slug"):
            err(f"organisations.json[{o.get('slug')}]", "an organisation cannot be its own parent")

    # ---------------------------------------------------------------- use cases
    cat = load(os.path.join(CAT, "use_cases.json"))
    if not isinstance(cat, dict):
        err("use_cases.json", "top level must be an object")
        cat = {}
    require("use_cases.json", cat, ["notice_fr", "notice_en", "built_on", "use_cases"])
    parse_date("use_cases.json built_on", cat.get("built_on"))
    ucs = cat.get("use_cases") or []
    if len(ucs) < 40:
        err("use_cases.json", f"at least 40 use cases expected, found {len(ucs)}")
    uc_keys = [
        "slug",
        "title",
        "summary",
        "problem",
        "expected_benefits",
        "theme",
        "pillar",
        "organisation",
        "partners",
        "sites",
        "target_population",
        "ai_technique",
        "data_categories",
        "personal_data",
        "health_data",
        "data_sources",
        "data_volume",
        "hosting",
        "provider_type",
        "provider_name",
        "human_oversight",
        "status",
        "start_date",
        "end_date",
        "dates_note",
        "cost_eur",
        "funding",
        "tags",
        "publication_level",
        "sources",
        "algorithm",
        "contact_role",
        "qualification_answers",
    ]
    cats = {c["code"]: c for c in ref["data_categories.json:items"]}
    techs = {t["code"]: t for t in ref["ai_techniques.json:items"]}
    uc_slugs = set()
    qualification = None
    try:
        sys.path.insert(0, os.path.dirname(HERE))
        from atlasia.core import qualification as qualification  # noqa: F811

        if not (hasattr(qualification, "validate_answers") and hasattr(qualification, "qualify")):
            qualification = None
    except Exception:  # not written yet, or not importable here
        qualification = None
    categories = {}
    for i, u in enumerate(ucs):
        w = f"use_cases.json[{u.get('slug', i) if isinstance(u, dict) else i}]"
        if not require(w, u, uc_keys):
            continue
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", u["slug"] or ""):
            err(w, "slug must be lowercase words joined by hyphens")
        if u["slug"] in uc_slugs:
            err(w, "duplicate slug")
        uc_slugs.add(u["slug"])
        for k in (
            "title",
            "summary",
            "problem",
            "expected_benefits",
            "target_population",
            "human_oversight",
            "contact_role",
        ):
            if not isinstance(u[k], str) or not u[k].strip():
                err(w, f"{k} must be a non-empty string")
        if u["theme"] not in ref["themes.json"]:
            err(w, f"unknown theme {u['theme']!r}")
        if u["pillar"] not in ref["pillars.json"]:
            err(w, f"unknown pillar {u['pillar']!r}")
        if u["organisation"] not in slugs:
            err(w, f"unknown organisation {u['organisation']!r}")
        if u["ai_technique"] not in techs:
            err(w, f"unknown ai_technique {u['ai_technique']!r}")
        if not isinstance(u["data_categories"], list):
            err(w, "data_categories must be a list")
        else:
            for c in u["data_categories"]:
                if c not in cats:
                    err(w, f"unknown data category {c!r}")
            has_personal = any(cats.get(c, {}).get("personal") for c in u["data_categories"])
            has_health = any(
                cats.get(c, {}).get("special_category") == "health" for c in u["data_categories"]
            )
            if u["personal_data"] is True and not has_personal:
                err(w, "personal_data is true but no personal data category is listed")
            if u["personal_data"] is False and has_personal:
                err(w, "personal_data is false but a personal data category is listed")
            if u["health_data"] is True and not has_health:
                err(w, "health_data is true but the 'sante' category is missing")
            if u["health_data"] is False and has_health:
                err(w, "health_data is false but 'sante' is listed")
        for k in ("personal_data", "health_data"):
            if not isinstance(u[k], bool):
                err(w, f"{k} must be a boolean")
        if u["health_data"] is True and u["personal_data"] is False:
            err(w, "health data are personal data")
        if u["hosting"] is not None and u["hosting"] not in ref["hosting.json"]:
            err(w, f"unknown hosting {u['hosting']!r}")
        if u["provider_type"] not in ref["provider_types.json"]:
            err(w, f"unknown provider_type {u['provider_type']!r}")
        if u["status"] not in ref["statuses.json"]:
            err(w, f"unknown status {u['status']!r}")
        start, end = parse_date(w, u["start_date"]), parse_date(w, u["end_date"])
        if start and end and start > end:
            err(w, f"start_date {start} is after end_date {end}")
        if u["status"] in ("abandoned", "retired", "suspended") and u["end_date"] is None:
            err(w, f"status {u['status']} needs an end_date (approximate if needed)")
        if u["cost_eur"] is not None and (not isinstance(u["cost_eur"], (int, float)) or u["cost_eur"] < 0):
            err(w, "cost_eur must be a non-negative number or null")
        if u["publication_level"] not in ("public", "network", "internal"):
            err(w, f"bad publication_level {u['publication_level']!r}")
        for k in ("partners", "tags"):
            if not isinstance(u[k], list) or not all(isinstance(x, str) and x for x in u[k]):
                err(w, f"{k} must be a list of non-empty strings")
        if not isinstance(u["sources"], list) or not u["sources"]:
            err(w, "at least one source is required")
        else:
            for s in u["sources"]:
                if require(w + " source", s, ["url", "title", "reliability"]):
                    check_url(w + " source", s["url"], allow_empty=False)
                    if s["reliability"] not in ("V", "V*", "R"):
                        err(w, f"bad reliability {s['reliability']!r}")
        alg = u["algorithm"]
        if alg is not None and require(
            w + " algorithm", alg, ["name", "description", "licence", "repository_url"]
        ):
            check_url(w + " algorithm", alg["repository_url"])
        a = u["qualification_answers"]
        check_answers(w, a)
        if isinstance(a, dict):
            tech = techs.get(u["ai_technique"], {}).get("ai_act_technique")
            if tech is not None and a.get("ai_technique") != tech:
                err(
                    w,
                    f"ai_technique {u['ai_technique']} maps to {tech}, answers say {a.get('ai_technique')!r}",
                )
            if tech is None and a.get("ai_technique") not in ("unknown", None):
                pass  # technique not specified in the record, the answer may still be a reading
            pd = a.get("personal_data")
            if (pd == "yes") != (u["personal_data"] is True) and pd != "unknown":
                err(w, "personal_data differs between the record and the answers")
            if pd == "unknown" and u["personal_data"] is False:
                err(w, "personal_data is false in the record but unknown in the answers")
            sc = a.get("special_categories")
            if isinstance(sc, list) and ("health" in sc) != (u["health_data"] is True):
                err(w, "health_data differs between the record and special_categories")
            h = a.get("hosting")
            if h not in (None, "unknown") and h != u["hosting"]:
                err(w, "hosting differs between the record and the answers")
        if qualification is not None and isinstance(a, dict):
            try:
                problems = qualification.validate_answers(a)  # raises AnswerError (or returns problems)
            except Exception as exc:  # report, do not crash
                problems = [f"{type(exc).__name__}: {exc}"]
            if problems:
                err(w, f"validate_answers: {problems}")
            else:
                if hasattr(qualification, "applicable_questions"):
                    try:
                        engine_path = set(qualification.applicable_questions(a))
                        extra = sorted(set(a) - engine_path)
                        if extra:
                            err(w, f"answered but not on the engine's path: {extra}")
                    except Exception as exc:
                        err(w, f"applicable_questions raised {exc!r}")
                try:
                    result = qualification.qualify(a)
                    ai_act = result["ai_act"]
                    categories[u["slug"]] = (
                        ai_act["category"],
                        ai_act.get("bases", []),
                        ai_act.get("missing", []),
                        result.get("confidence"),
                    )
                    if result.get("ignored"):
                        err(w, f"qualify ignored answers {result['ignored']}")
                except Exception as exc:
                    err(w, f"qualify raised {exc!r}")

    if categories:
        print("AI Act category per use case (atlasia.core.qualification.qualify):")
        for slug, (c, bases, missing, conf) in categories.items():
            extra = f" bases={bases}" if bases else ""
            extra += f" missing={missing}" if missing else ""
            print(f"  {slug:48s} {c:14s} {conf or ''}{extra}")
    elif qualification is None:
        print("note: atlasia.core.qualification not available; answers checked against the spec only")

    if errors:
        print(f"{len(errors)} problem(s):")
        for e in errors:
            print("  -", e)
        return 1
    print(
        f"OK: {len(ref['themes.json'])} themes, {len(ref['pillars.json'])} pillars, "
        f"{len(ref['ai_techniques.json'])} AI techniques, {len(ref['data_categories.json'])} data categories, "
        f"{len(regions)} regions, {len(deps)} departments, {len(orgs)} organisations, {len(ucs)} use cases"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
