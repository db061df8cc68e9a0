"""Every operator role gets the obligations the AI Act gives it, each cited to a paragraph that exists in
the shipped EUR-Lex text and says what the obligation claims (tests/qualification/legal/).

Importers (Art. 23), distributors (Art. 24), Annex I Section B products (Art. 2(2), in both law versions)
and the prohibitions inserted by Regulation (EU) 2026/1744 (Art. 5(1)(ba) and (bb)).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from atlasia.core.qualification import LAW_TABLES, QUESTIONS_BY_ID, applicable_questions, qualify

from . import lawtext
from .scenarios import answers

HIGH_RISK_TRIAGE = {"annex3_areas": ["emergency_triage"], "art6_3_conditions": ["none"], "profiling": "no"}
SECTION_B = {"annex1_product": "annex1_section_b", "annex1_third_party": "yes"}


def obligations(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in result["ai_act"]["obligations"]}


def cited_paragraphs(article: str) -> list[tuple[str, str]]:
    """« 23(6), 23(7) » → [("23", "6"), ("23", "7")]."""
    return re.findall(r"(\d+)\((\d+[a-z]?)\)", article)


#: For each new obligation, words that the cited paragraph of the official text must contain.
EXPECTED_TEXT: dict[str, tuple[str, ...]] = {
    "importer_verify_before_placing": ("Article 43", "Annex IV", "CE marking", "Article 22(1)"),
    "importer_withhold_non_conforming": ("shall not place the system on the market", "Article 79(1)"),
    "importer_identification": ("name, registered trade name or registered trade mark",),
    "importer_storage_transport": ("storage or transport conditions",),
    "importer_keep_documents": ("10 years", "certificate issued by the notified body"),
    "importer_cooperate_authorities": ("reasoned request", "cooperate"),
    "distributor_verify_before_making_available": ("CE marking", "Article 47", "Article 23(3)"),
    "distributor_withhold_non_conforming": ("shall not make the high-risk AI system available", "79(1)"),
    "distributor_storage_transport": ("storage or transport conditions",),
    "distributor_corrective_actions": ("corrective actions", "withdraw it or recall it"),
    "distributor_cooperate_authorities": ("reasoned request", "cooperate"),
}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            "importer",
            [
                "importer_verify_before_placing",
                "importer_withhold_non_conforming",
                "importer_identification",
                "importer_storage_transport",
                "importer_keep_documents",
                "importer_cooperate_authorities",
            ],
        ),
        (
            "distributor",
            [
                "distributor_verify_before_making_available",
                "distributor_withhold_non_conforming",
                "distributor_storage_transport",
                "distributor_corrective_actions",
                "distributor_cooperate_authorities",
            ],
        ),
    ],
)
def test_importer_and_distributor_of_high_risk_get_their_article(role: str, expected: list[str]) -> None:
    result = qualify(answers(**HIGH_RISK_TRIAGE, role=role))
    found = obligations(result)
    assert list(found) == expected
    article_number = "23" if role == "importer" else "24"
    for oid, item in found.items():
        assert item["role"] == role
        assert item["applies_from"] == "2027-12-02"  # Annex III date of the law table
        pars = cited_paragraphs(item["article"])
        assert pars and all(a == article_number for a, _ in pars)
        text = " ".join(lawtext.paragraph(a, p) for a, p in pars)
        for words in EXPECTED_TEXT[oid]:
            assert words in text, (oid, words)
    assert any(f"art. {article_number}" in c for c in result["citations"])
    # neither provider nor deployer duties, nor AI literacy (Art. 4 names providers and deployers only)
    assert "ai_literacy" not in found and "deployer_human_oversight" not in found
    assert result["ai_act"]["fria_required"] is False


def test_importer_23_1_points_are_those_of_the_text() -> None:
    """23(1) lists four checks: (a) Art. 43, (b) Art. 11 and Annex IV, (c) CE/Art. 47, (d) Art. 22(1)."""
    found = obligations(qualify(answers(**HIGH_RISK_TRIAGE, role="importer")))
    title = found["importer_verify_before_placing"]
    assert "Article 43" in lawtext.point("23", "1", "a") and "art. 43" in title["title_fr"]
    assert "Annex IV" in lawtext.point("23", "1", "b") and "annexe IV" in title["title_fr"]
    assert "Article 47" in lawtext.point("23", "1", "c") and "art. 47" in title["title_fr"]
    assert "Article 22(1)" in lawtext.point("23", "1", "d") and "art. 22(1)" in title["title_fr"]


@pytest.mark.parametrize("role", ["importer", "distributor"])
def test_importer_or_distributor_of_a_minimal_system_has_no_obligation(role: str) -> None:
    assert qualify(answers(role=role))["ai_act"]["obligations"] == []


@pytest.mark.parametrize("role", ["importer", "distributor"])
def test_importer_or_distributor_that_rebrands_becomes_provider_not_importer(role: str) -> None:
    result = qualify(answers(**HIGH_RISK_TRIAGE, role=role, art25_triggers=["own_name_on_high_risk"]))
    found = obligations(result)
    assert result["ai_act"]["role"] == "provider"
    assert "risk_management" in found
    assert not any(oid.startswith(("importer_", "distributor_")) for oid in found)


def test_section_b_product_is_high_risk_but_only_art_2_2_applies() -> None:
    result = qualify(
        answers(**SECTION_B, role="provider_and_deployer", transparency=["interacts_with_people"])
    )
    assert result["ai_act"]["category"] == "high_risk"
    assert result["ai_act"]["bases"] == ["art6_1_annex1_section_b"]
    found = obligations(result)
    # no Chapter III, no Art. 4, no Art. 50 obligation: only the sectoral route
    assert list(found) == ["annex1_section_b_sectoral"]
    item = found["annex1_section_b_sectoral"]
    assert item["applies_from"] == "2028-08-02"
    assert item["article"] == "2(2), 6(1), 60a, 102-112"
    text = lawtext.paragraph("2", "2")
    assert "only Article 6(1), Article 60a and Articles 102 to 112 shall apply" in text
    assert result["ai_act"]["fria_required"] is False
    assert result["ai_act"]["registration"]["required"] is False


def test_section_b_article_list_follows_the_law_version() -> None:
    """The 2024 text limits Section B products to Art. 6(1), 102 to 109 and 112; the Omnibus changed it."""
    result = qualify(answers(**SECTION_B, role="provider"), law_version="2024-07-original")
    item = obligations(result)["annex1_section_b_sectoral"]
    assert item["article"] == "2(2), 6(1), 102-109, 112"
    assert item["applies_from"] == "2027-08-02"
    assert "only Article 6(1), Articles 102 to 109 and Article 112 apply" in lawtext.original()
    assert LAW_TABLES["2026-07-omnibus"].article_overrides["annex1_section_b_sectoral"].endswith("102-112")


def test_section_b_product_also_in_annex_iii_gets_the_full_obligations() -> None:
    result = qualify(answers(**SECTION_B, **HIGH_RISK_TRIAGE, role="provider_and_deployer"))
    found = obligations(result)
    assert "annex1_section_b_sectoral" not in found
    assert {"risk_management", "deployer_human_oversight", "ai_literacy"} <= set(found)


def test_section_b_without_third_party_assessment_is_not_high_risk() -> None:
    result = qualify(answers(annex1_product="annex1_section_b", annex1_third_party="no"))
    assert result["ai_act"]["category"] == "minimal"
    assert "annex1_third_party" in applicable_questions(answers(annex1_product="annex1_section_b"))


def test_section_a_product_keeps_chapter_iii() -> None:
    result = qualify(answers(annex1_product="other_annex1", annex1_third_party="yes", role="provider"))
    assert result["ai_act"]["bases"] == ["art6_1_annex1"]
    assert "risk_management" in obligations(result)


def test_annex1_question_tells_section_a_from_section_b_with_the_texts_lists() -> None:
    question = QUESTIONS_BY_ID["annex1_product"]
    labels = {o.id: o.label_fr for o in question.options}
    assert "section A" in labels["other_annex1"] and "section B" in labels["annex1_section_b"]
    annex_i = lawtext.article("Annex I")
    section_b = annex_i[annex_i.index("Section B") :]
    # every kind of product the option names is in Section B of the consolidated text
    for act in (
        "civil aviation",
        "two- or three-wheel",
        "agricultural and forestry",
        "marine equipment",
        "rail",
    ):
        assert act in section_b
    assert "machinery" in section_b and "machines" in labels["annex1_section_b"]


def test_omnibus_prohibition_help_text_is_as_wide_as_the_text() -> None:
    """The help names what (ba), (bb), (1a) and (1b) cover: images, videos, audio; generation and
    manipulation; intended purpose or foreseeable outcome without safeguards; the deployer's use."""
    help_fr = QUESTIONS_BY_ID["prohibited_practices"].help_fr
    ba = lawtext.point("5", "1", "ba")
    assert "realistic images, videos, audio or similar material" in ba
    for words in ("images, des vidéos, des sons", "génère ou manipule", "consentement libre, spécifique"):
        assert words in help_fr
    assert "reasonably foreseeable and reproducible outcome" in lawtext.paragraph("5", "1a")
    assert "raisonnablement prévisible et reproductible" in help_fr
    assert "Directive 2011/93/EU" in lawtext.point("5", "1", "bb") and "2011/93/UE" in help_fr
    assert "2 December 2026" in lawtext.article("113") and "2 décembre 2026" in help_fr
