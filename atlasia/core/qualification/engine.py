"""The qualification engine: answers in, a JSON-serialisable qualification out (spec §3-§5).

Pure Python. The result is guidance, not legal advice (:data:`DISCLAIMER_FR`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, Final, Literal

from atlasia.core.messages import Message, register

from ._classify import OMNIBUS_PROHIBITION_BASES, Core, ai_act_core, derived_edpb, dpia_status
from ._logic import LITERAL_UNKNOWN, NOT_ASKED, Tri, dedupe, real_options, value
from .law import CURRENT_LAW_VERSION, LawTable, get_law_table
from .questions import QUESTION_ORDER, QUESTIONS, QUESTIONS_BY_ID

DISCLAIMER_FR: Final = (
    "Cette qualification est une aide à l'analyse fondée sur vos réponses ; elle ne constitue pas un avis "
    "juridique. Faites-la valider par votre délégué à la protection des données et votre service juridique."
)
DISCLAIMER_EN: Final = (
    "This qualification is guidance based on your answers, not legal advice. Have it checked by your data "
    "protection officer and your legal department."
)

AI_ACT_REG: Final = "Règlement (UE) 2024/1689 (AI Act)"


# ---------------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------------


#: The answers' refusals as codes (:mod:`atlasia.core.messages`): French here, English in the catalogue, so
#: the command line (and any screen) can say them in the reader's language.
MESSAGES: Final[Mapping[str, str]] = {
    "qualify.not_an_object": "les réponses doivent être un objet JSON {identifiant: valeur}.",
    "qualify.unknown_question": "identifiant de question inconnu.",
    "qualify.list_expected": "une liste d'options est attendue (ou la chaîne « unknown »).",
    "qualify.empty_list": "liste vide : cochez au moins une option, ou « none ».",
    "qualify.unknown_option": "option inconnue « %(option)s ».",
    "qualify.duplicate_option": "une option est cochée deux fois.",
    "qualify.none_combined": "« none » ne peut pas être combiné avec une autre option.",
    "qualify.invalid_value": "valeur invalide « %(value)s ».",
}
_message = register(MESSAGES)


class AnswerError(ValueError):
    """An unknown question ID or an invalid answer value: ``message_fr`` is the French reason, ``text``
    the same as a :class:`~atlasia.core.messages.Message` (code and parameters)."""

    def __init__(self, question_id: str, message_fr: str | Message, allowed_values: tuple[str, ...]) -> None:
        self.text = message_fr if isinstance(message_fr, Message) else Message.verbatim(message_fr)
        message_fr = self.text.render()
        self.question_id = question_id
        self.message_fr = message_fr
        self.allowed_values = allowed_values
        super().__init__(
            f"« {question_id} » : {message_fr} Valeurs admises : {', '.join(allowed_values)}"
            if allowed_values
            else f"« {question_id} » : {message_fr}"
        )


def _allowed(qid: str) -> tuple[str, ...]:
    question = QUESTIONS_BY_ID[qid]
    ids = question.option_ids
    return ids if "unknown" in ids else (*ids, "unknown")


_ALLOWED: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {q.id: frozenset(q.option_ids) for q in QUESTIONS}
)


def validate_answers(answers: Mapping[str, Any]) -> None:
    """Raise :class:`AnswerError` for an unknown question ID or an invalid value.

    ``None`` (JSON ``null``) means « not answered ». ``bool`` questions take ``yes``/``no``/``unknown``;
    ``single`` questions one option ID or ``unknown``; ``multi`` questions a non-empty list of distinct
    option IDs (``none`` alone) or the string ``unknown``.
    """
    if not isinstance(answers, Mapping):
        raise AnswerError("(réponses)", _message("qualify.not_an_object"), ())
    for qid, raw in answers.items():
        question = QUESTIONS_BY_ID.get(qid) if isinstance(qid, str) else None
        if question is None:
            raise AnswerError(str(qid), _message("qualify.unknown_question"), tuple(QUESTIONS_BY_ID))
        if raw is None or raw == "unknown":
            continue
        options = _ALLOWED[qid]
        if question.type == "multi":
            if not isinstance(raw, list | tuple):
                raise AnswerError(
                    qid,
                    _message("qualify.list_expected"),
                    _allowed(qid),
                )
            if not raw:
                raise AnswerError(qid, _message("qualify.empty_list"), _allowed(qid))
            for item in raw:
                if not isinstance(item, str) or item not in options:
                    raise AnswerError(
                        qid, _message("qualify.unknown_option", option=str(item)), _allowed(qid)
                    )
            if len(set(raw)) != len(raw):
                raise AnswerError(qid, _message("qualify.duplicate_option"), _allowed(qid))
            if "none" in raw and len(raw) > 1:
                raise AnswerError(qid, _message("qualify.none_combined"), _allowed(qid))
        elif not isinstance(raw, str) or raw not in options:
            raise AnswerError(qid, _message("qualify.invalid_value", value=str(raw)), _allowed(qid))


# ---------------------------------------------------------------------------------------------------
# Path (skip logic)
# ---------------------------------------------------------------------------------------------------


@dataclass
class _Walk:
    effective: dict[str, Any]
    path: list[str]
    ignored: list[str]


def _walk(answers: Mapping[str, Any]) -> _Walk:
    effective: dict[str, Any] = {}
    path: list[str] = []
    ignored: list[str] = []
    for question in QUESTIONS:
        qid = question.id
        asked = question.asked_when(effective)
        raw = answers.get(qid)
        if asked is True:
            path.append(qid)
            if raw is not None:
                effective[qid] = raw
        elif asked is False:
            effective[qid] = NOT_ASKED
            if raw is not None:
                ignored.append(qid)
        # asked is None: the condition depends on a missing answer; the answer is neither used nor ignored
    return _Walk(effective, path, ignored)


def applicable_questions(answers: Mapping[str, Any]) -> list[str]:
    """The IDs asked on this path, in questionnaire order.

    A question whose condition depends on an unanswered (or ``unknown``) earlier question is not on
    the path yet: it appears once that answer is given.
    """
    validate_answers(answers)
    return _walk(answers).path


def _unanswered(answers: Mapping[str, Any], qid: str) -> bool:
    raw = answers.get(qid)
    return raw is None or (raw == "unknown" and qid not in LITERAL_UNKNOWN)


# ---------------------------------------------------------------------------------------------------
# Derived answers
# ---------------------------------------------------------------------------------------------------

_DERIVED_REASONS_FR: Final[Mapping[str, str]] = MappingProxyType(
    {
        "evaluation_scoring": "Coché d'office : le système effectue un profilage (RGPD, art. 4(4)).",
        "automated_decision_legal_effect": (
            "Coché d'office : les décisions sont entièrement automatisées et produisent des effets "
            "juridiques ou significatifs (RGPD, art. 22)."
        ),
        "sensitive_data": (
            "Coché d'office : une catégorie particulière de données est traitée (RGPD, art. 9)."
        ),
    }
)


def derived_answers(answers: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Answers the engine derives, for the UI to show pre-ticked: ``{question: {option: reason_fr}}``."""
    validate_answers(answers)
    walk = _walk(answers)
    if value(walk.effective, "personal_data") != "yes":
        return {}
    criteria = derived_edpb(walk.effective)
    if not criteria:
        return {}
    return {"edpb_criteria": {c: _DERIVED_REASONS_FR[c] for c in criteria}}


# ---------------------------------------------------------------------------------------------------
# Catalogues: debatable reasons, flags, citations, obligations
# ---------------------------------------------------------------------------------------------------

DEBATABLE_REASONS_FR: Final[Mapping[str, str]] = MappingProxyType(
    {
        "basic_optimisation": (
            "Optimisation ou traitement de données de base : l'exclusion vient des lignes directrices de la "
            "Commission sur la définition des systèmes d'IA, qui ne sont pas contraignantes (art. 3(1))."
        ),
        "used_on_real_persons": (
            "Résultats utilisés sur des personnes réelles : il ne s'agit plus de recherche uniquement, "
            "l'exclusion de l'article 2(6) ou 2(8) ne joue pas."
        ),
        "mdr_in_house": (
            "Dispositif fabriqué et utilisé au sein de l'établissement (MDR, art. 5(5)) : sans évaluation de "
            "la conformité par un tiers, l'article 6(1) ne s'applique pas ; cette lecture reste à confirmer."
        ),
        "mdr_class_is_im": (
            "Classe I stérile ou avec fonction de mesurage : l'organisme notifié n'examine que les aspects "
            "de "
            "stérilité ou de métrologie (MDR, art. 52(7))."
        ),
        "ivdr_class_a_sterile": (
            "Classe A stérile : l'organisme notifié n'examine que les aspects de stérilité (IVDR, art. 48)."
        ),
        "benefits_control_targeting": (
            "La notation de bénéficiaires pour cibler des contrôles peut se rapprocher de la notation "
            "sociale "
            "(art. 5(1)(c)) lorsque des données issues de contextes sans lien conduisent à un traitement "
            "préjudiciable : voir le jugement néerlandais SyRI et le recours contre le score de la Cnaf "
            "devant "
            "le Conseil d'État."
        ),
        "benefits_outreach": (
            "Repérer des bénéficiaires potentiels n'est une évaluation de l'éligibilité, au sens de l'annexe "
            "III, point 5(a), que dans une lecture large."
        ),
        "benefits_information_only": (
            "Simple information sur les prestations : l'annexe III, point 5(a), vise l'évaluation de "
            "l'éligibilité et l'octroi, la réduction, la révocation ou la récupération ; examinez "
            "l'article 6(3)."
        ),
        "emotion_annex3_1c": (
            "Reconnaissance des émotions admise pour raisons médicales ou de sécurité (art. 5(1)(f)) : elle "
            "relève néanmoins de l'annexe III, point 1(c), qui n'a pas été déclaré ; l'article 50(3) a été "
            "ajouté."
        ),
        "minimal_decisions_about_persons": (
            "Le système éclaire des décisions sur des personnes alors qu'aucun usage de l'annexe III n'a été "
            "déclaré : vérifiez le point 5(a)."
        ),
        "fine_tune_one_third": (
            "Modification d'un modèle d'IA à usage général : l'indicateur du tiers du calcul d'entraînement "
            "vient des lignes directrices de la Commission, qui ne sont pas contraignantes."
        ),
        "open_source_role": (
            "Article 2(12) : l'exclusion vise le système publié sous licence libre et ouverte, quel que soit "
            "le rôle ; son application à un organisme qui n'en est pas le fournisseur reste discutée."
        ),
        "legacy_private_public_service": (
            "Article 111(2) : l'échéance du 2 août 2030 vise les systèmes destinés à être utilisés par des "
            "« autorités publiques » ; pour un organisme de droit privé chargé d'un service public, la date "
            "ordinaire est retenue par prudence."
        ),
        "not_in_law_version": (
            "Cette version du droit ne prévoit pas l'une des règles appliquées : sa date d'application "
            "n'est pas définie."
        ),
        "omnibus_prohibition_not_in_version": (
            "Les points (ba) et (bb) de l'article 5(1) ont été insérés par le règlement (UE) 2026/1744 ; ils "
            "n'existent pas dans la version du droit appliquée : la pratique déclarée n'y est pas interdite "
            "à ce titre, le reste de la qualification s'applique."
        ),
        "hds_public_cloud": (
            "Cloud public de certification inconnue : vérifiez que l'hébergeur est certifié HDS (code de la "
            "santé publique, art. L.1111-8)."
        ),
    }
)

FLAG_LABELS_FR: Final[Mapping[str, str]] = MappingProxyType(
    {
        "art22_legal_basis_and_safeguards": (
            "Décision entièrement automatisée : base légale de l'article 22(2)(b) (texte autorisant) et "
            "garanties nécessaires (intervention humaine, droit de contester)."
        ),
        "art22_4_special_categories": (
            "Décision automatisée fondée sur des catégories particulières : interdite sauf article 9(2)(a) "
            "ou (g) et mesures appropriées (RGPD, art. 22(4))."
        ),
        "crpa_solely_algorithmic_special_categories_barred": (
            "Une décision administrative individuelle ne peut être fondée exclusivement sur un algorithme "
            "qui "
            "traite des catégories particulières de données (LIL, art. 47 ; CRPA, L.311-3-1)."
        ),
        "hds_non_compliant": (
            "Non-conformité : des données de santé sont hébergées chez un tiers non certifié HDS (code de la "
            "santé publique, art. L.1111-8)."
        ),
        "legitimate_interests_public_authority": (
            "L'intérêt légitime ne peut pas fonder les traitements d'une autorité publique dans l'exécution "
            "de ses missions (RGPD, art. 6(1), dernier alinéa)."
        ),
        "research_framework_missing": (
            "Recherche en santé : conformité à une méthodologie de référence de la CNIL ou autorisation de "
            "la "
            "CNIL nécessaire (LIL, art. 66 et 72 et suivants)."
        ),
        "nir_decree": (
            "Utilisation du NIR : vérifier qu'elle entre dans le décret-cadre n° 2019-341 (LIL, art. 30)."
        ),
    }
)

_EXTRA_CITATIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "art3_1": (
            f"{AI_ACT_REG}, art. 3(1) ; lignes directrices de la Commission sur la définition des systèmes "
            "d'IA "
            "(février 2025)"
        ),
        "art2_3": f"{AI_ACT_REG}, art. 2(3)",
        "art2_6": f"{AI_ACT_REG}, art. 2(6)",
        "art2_8": f"{AI_ACT_REG}, art. 2(8)",
        "art2_10": f"{AI_ACT_REG}, art. 2(10)",
        "art2_12": f"{AI_ACT_REG}, art. 2(12)",
        "art5_1_ba": (
            f"{AI_ACT_REG}, art. 5(1), premier alinéa, point (ba), et art. 5(1a) et (1b), insérés par le "
            "règlement (UE) 2026/1744 (contenus intimes réalistes d'une personne identifiable sans son "
            "consentement explicite)"
        ),
        "art5_1_bb": (
            f"{AI_ACT_REG}, art. 5(1), premier alinéa, point (bb), et art. 5(1a), insérés par le règlement "
            "(UE) 2026/1744 (matériel pédopornographique au sens de la directive 2011/93/UE, art. 2, points "
            "c) et e))"
        ),
        "omnibus_points_absent": (
            f"{AI_ACT_REG}, art. 5(1), points (ba) et (bb) : insérés par le règlement (UE) 2026/1744, "
            "absents de la version du droit appliquée"
        ),
        "art6_1_annex1": f"{AI_ACT_REG}, art. 6(1) et annexe I, section A",
        "art6_1_annex1_section_b": (
            f"{AI_ACT_REG}, art. 6(1) et annexe I, section B ; art. 2(2) (seules certaines dispositions "
            "s'appliquent, les exigences passant par la législation sectorielle)"
        ),
        "art23": f"{AI_ACT_REG}, art. 23 (obligations des importateurs)",
        "art24": f"{AI_ACT_REG}, art. 24 (obligations des distributeurs)",
        "mdr": (
            f"{AI_ACT_REG}, art. 6(1) et annexe I, section A ; règlement (UE) 2017/745, art. 51 et annexe "
            "VIII"
        ),
        "mdr_rule_11": "Règlement (UE) 2017/745, annexe VIII, règle 11",
        "mdr_in_house": "Règlement (UE) 2017/745, art. 5(5)",
        "ivdr": (
            f"{AI_ACT_REG}, art. 6(1) et annexe I, section A ; règlement (UE) 2017/746, art. 47 et annexe "
            "VIII"
        ),
        "annex3_5a_benefits": f"{AI_ACT_REG}, art. 5(1)(c) (notation sociale) et annexe III, point 5(a)",
        "art50_legacy": (
            f"{AI_ACT_REG}, art. 111(4) (Omnibus) : marquage de l'art. 50(2) au plus tard le 2 décembre 2026 "
            "pour les systèmes mis sur le marché avant le 2 août 2026"
        ),
        "gpai": f"{AI_ACT_REG}, art. 3(63), 53 et 111(3)",
        "gpai_systemic": f"{AI_ACT_REG}, art. 51 et 55",
        "gpai_guidelines": (
            "Lignes directrices de la Commission sur les modèles d'IA à usage général (juillet 2025)"
        ),
        "art25": f"{AI_ACT_REG}, art. 25(1)",
        "fria": f"{AI_ACT_REG}, art. 27",
        "registration": f"{AI_ACT_REG}, art. 49 et annexe VIII",
        "registration_non_public": f"{AI_ACT_REG}, art. 49(4) (section non publique de la base de données)",
        "registration_national": (
            f"{AI_ACT_REG}, art. 49(5) (enregistrement au niveau national, annexe III point 2)"
        ),
        "legacy": f"{AI_ACT_REG}, art. 111(2)",
        "emotion_exception": f"{AI_ACT_REG}, art. 5(1)(f), 50(3) et annexe III, point 1(c)",
        "dpia": "RGPD, art. 35 ; délibération CNIL n° 2018-327 ; lignes directrices WP248 rév.01 (CEPD)",
        "art36": "RGPD, art. 36",
        "art22": "RGPD, art. 22",
        "crpa": "CRPA, art. L.311-3-1, R.311-3-1-1 et R.311-3-1-2 ; loi n° 78-17, art. 47",
        "hds": "Code de la santé publique, art. L.1111-8",
        "art6_1_last": "RGPD, art. 6(1), dernier alinéa",
        "research": "RGPD, art. 9(2)(j) ; loi n° 78-17, art. 66 et 72 et suivants",
        "nir": "Loi n° 78-17, art. 30 ; décret n° 2019-341 du 19 avril 2019",
        "has": "Code de la sécurité sociale, art. L.165-1 (évaluation par la HAS)",
        "art73": f"{AI_ACT_REG}, art. 73",
    }
)

_ART5_LETTER = {f"art5_1_{x}": x for x in "abcdefgh"}  # (ba) and (bb) are in _EXTRA_CITATIONS
_ANNEX3_POINT = {
    "annex3_1": "1",
    "annex3_2": "2",
    "annex3_3": "3",
    "annex3_4a": "4(a)",
    "annex3_4b": "4(b)",
    "annex3_5a": "5(a)",
    "annex3_5b": "5(b)",
    "annex3_5c": "5(c)",
    "annex3_5d": "5(d)",
    "annex3_6": "6",
    "annex3_7": "7",
    "annex3_8": "8",
}


def _citation(basis: str) -> str:
    if basis in _EXTRA_CITATIONS:
        return _EXTRA_CITATIONS[basis]
    if basis in _ART5_LETTER:
        return f"{AI_ACT_REG}, art. 5(1)({_ART5_LETTER[basis]})"
    if basis in _ANNEX3_POINT:
        return f"{AI_ACT_REG}, art. 6(2) et annexe III, point {_ANNEX3_POINT[basis]}"
    if basis.startswith("art6_3_"):
        return f"{AI_ACT_REG}, art. 6(3)({basis[-1]}), 6(4) et 49(2)"
    if basis.startswith("art6_1_mdr"):
        return _EXTRA_CITATIONS["mdr"]
    if basis.startswith("art6_1_ivdr"):
        return _EXTRA_CITATIONS["ivdr"]
    if basis.startswith("art50_"):
        return f"{AI_ACT_REG}, art. 50({basis[-1]})"
    return basis


@dataclass(frozen=True)
class Obligation:
    id: str
    article: str
    title_fr: str
    title_en: str
    who: str


_HR = "high_risk"
OBLIGATIONS: Final[tuple[Obligation, ...]] = (
    Obligation(
        "ai_literacy", "4", "Assurer la maîtrise de l'IA du personnel", "Ensure AI literacy of staff", "any"
    ),
    Obligation("stop_prohibited", "5", "Cesser la pratique interdite", "Stop the prohibited practice", "all"),
    Obligation(
        "risk_management", "9", "Système de gestion des risques", "Risk management system", "provider"
    ),
    Obligation(
        "data_governance", "10", "Données et gouvernance des données", "Data and data governance", "provider"
    ),
    Obligation(
        "technical_documentation",
        "11, Annex IV",
        "Documentation technique",
        "Technical documentation",
        "provider",
    ),
    Obligation(
        "record_keeping",
        "12",
        "Enregistrement automatique des événements (journaux)",
        "Record-keeping",
        "provider",
    ),
    Obligation(
        "instructions_for_deployers",
        "13",
        "Transparence et notice d'utilisation pour les déployeurs",
        "Transparency and instructions for deployers",
        "provider",
    ),
    Obligation(
        "human_oversight_design",
        "14",
        "Conception pour le contrôle humain",
        "Design for human oversight",
        "provider",
    ),
    Obligation(
        "accuracy_robustness_security",
        "15",
        "Exactitude, robustesse et cybersécurité",
        "Accuracy, robustness and cybersecurity",
        "provider",
    ),
    Obligation(
        "quality_management_system",
        "17",
        "Système de gestion de la qualité",
        "Quality management system",
        "provider",
    ),
    Obligation(
        "conformity_assessment", "43", "Évaluation de la conformité", "Conformity assessment", "provider"
    ),
    Obligation(
        "eu_declaration", "47", "Déclaration UE de conformité", "EU declaration of conformity", "provider"
    ),
    Obligation("ce_marking", "48", "Marquage CE", "CE marking", "provider"),
    Obligation(
        "registration_provider",
        "49(1), Annex VIII A",
        "Enregistrement du système dans la base de données de l'UE (section A)",
        "Registration in the EU database (Section A)",
        "provider",
    ),
    Obligation(
        "registration_6_3",
        "6(4), 49(2), Annex VIII B",
        "Documenter l'évaluation au titre de l'article 6(3) et enregistrer le système (section B)",
        "Document the Art. 6(3) assessment and register the system (Section B)",
        "provider",
    ),
    Obligation(
        "post_market_monitoring",
        "72",
        "Surveillance après commercialisation",
        "Post-market monitoring",
        "provider",
    ),
    Obligation(
        "serious_incident_reporting",
        "73",
        "Signaler les incidents graves (15 jours ; 10 en cas de décès ; 2 si infraction généralisée ou "
        "infrastructure critique)",
        "Report serious incidents (15 days; 10 for a death; 2 if widespread or critical infrastructure)",
        "provider",
    ),
    Obligation(
        "deployer_use_per_instructions",
        "26(1)",
        "Utiliser le système conformément à la notice d'utilisation",
        "Use the system according to the instructions",
        "deployer",
    ),
    Obligation(
        "deployer_human_oversight",
        "26(2)",
        "Confier le contrôle humain à des personnes compétentes, formées et dotées de l'autorité nécessaire",
        "Assign human oversight to competent, trained persons with the necessary authority",
        "deployer",
    ),
    Obligation(
        "deployer_input_data",
        "26(4)",
        "Veiller à la pertinence et à la représentativité des données d'entrée",
        "Ensure input data are relevant and representative",
        "deployer",
    ),
    Obligation(
        "deployer_monitoring",
        "26(5)",
        "Surveiller le fonctionnement et informer le fournisseur et l'autorité des risques et incidents "
        "graves",
        "Monitor operation and inform the provider and authority of risks and serious incidents",
        "deployer",
    ),
    Obligation(
        "deployer_logs_6_months",
        "26(6)",
        "Conserver les journaux générés au moins six mois",
        "Keep the logs for at least six months",
        "deployer",
    ),
    Obligation(
        "inform_workers",
        "26(7)",
        "Informer les représentants du personnel et les travailleurs concernés avant l'utilisation au "
        "travail",
        "Inform workers' representatives and affected workers before use at the workplace",
        "deployer",
    ),
    Obligation(
        "registration_deployer",
        "26(8), 49(3), Annex VIII C",
        "Enregistrer l'utilisation dans la base de données de l'UE (section C)",
        "Register the use in the EU database (Section C)",
        "deployer",
    ),
    Obligation(
        "inform_affected_persons",
        "26(11)",
        "Informer les personnes concernées qu'elles font l'objet de l'utilisation d'un système à haut risque",
        "Inform affected persons that they are subject to a high-risk system",
        "deployer",
    ),
    Obligation(
        "fria",
        "27",
        "Analyse d'impact sur les droits fondamentaux avant la première utilisation",
        "Fundamental rights impact assessment before first use",
        "deployer",
    ),
    Obligation(
        "right_to_explanation",
        "86",
        "Fournir sur demande une explication claire et pertinente de la décision",
        "Provide, on request, a clear and meaningful explanation of the decision",
        "deployer",
    ),
    Obligation(
        "importer_verify_before_placing",
        "23(1)",
        "Avant la mise sur le marché, vérifier l'évaluation de la conformité (art. 43), la documentation "
        "technique (art. 11, annexe IV), le marquage CE, la déclaration UE de conformité (art. 47), la "
        "notice d'utilisation et la désignation du mandataire (art. 22(1))",
        "Before placing on the market, verify the conformity assessment (Art. 43), the technical "
        "documentation (Art. 11, Annex IV), the CE marking, the EU declaration of conformity (Art. 47), the "
        "instructions for use and the authorised representative (Art. 22(1))",
        "importer",
    ),
    Obligation(
        "importer_withhold_non_conforming",
        "23(2)",
        "Ne pas mettre sur le marché un système non conforme ou falsifié ; en cas de risque (art. 79(1)), "
        "informer le fournisseur, le mandataire et les autorités de surveillance du marché",
        "Do not place a non-conforming or falsified system on the market; if it presents a risk (Art. "
        "79(1)), inform the provider, the authorised representative and the market surveillance authorities",
        "importer",
    ),
    Obligation(
        "importer_identification",
        "23(3)",
        "Indiquer son nom, sa raison sociale ou sa marque et son adresse sur le système, son emballage ou sa "
        "documentation",
        "Indicate its name, registered trade name or trade mark and address on the system, its packaging or "
        "its documentation",
        "importer",
    ),
    Obligation(
        "importer_storage_transport",
        "23(4)",
        "Veiller à ce que le stockage et le transport ne compromettent pas la conformité",
        "Ensure storage and transport conditions do not jeopardise compliance",
        "importer",
    ),
    Obligation(
        "importer_keep_documents",
        "23(5)",
        "Conserver dix ans le certificat de l'organisme notifié, la notice d'utilisation et la déclaration "
        "UE de conformité",
        "Keep the notified body's certificate, the instructions for use and the EU declaration of conformity "
        "for 10 years",
        "importer",
    ),
    Obligation(
        "importer_cooperate_authorities",
        "23(6), 23(7)",
        "Fournir aux autorités, sur demande motivée, les informations et la documentation technique, et "
        "coopérer à leurs actions",
        "Provide authorities, on reasoned request, with the information and technical documentation, and "
        "cooperate with their actions",
        "importer",
    ),
    Obligation(
        "distributor_verify_before_making_available",
        "24(1)",
        "Avant la mise à disposition, vérifier le marquage CE, la copie de la déclaration UE de conformité, "
        "la notice d'utilisation et le respect par le fournisseur et l'importateur des art. 16, points b) et "
        "c), et 23(3)",
        "Before making available, verify the CE marking, the copy of the EU declaration of conformity, the "
        "instructions for use and that the provider and importer complied with Art. 16(b), (c) and 23(3)",
        "distributor",
    ),
    Obligation(
        "distributor_withhold_non_conforming",
        "24(2)",
        "Ne pas mettre à disposition un système non conforme ; en cas de risque (art. 79(1)), informer le "
        "fournisseur ou l'importateur",
        "Do not make a non-conforming system available; if it presents a risk (Art. 79(1)), inform the "
        "provider or importer",
        "distributor",
    ),
    Obligation(
        "distributor_storage_transport",
        "24(3)",
        "Veiller à ce que le stockage et le transport ne compromettent pas la conformité",
        "Ensure storage and transport conditions do not jeopardise compliance",
        "distributor",
    ),
    Obligation(
        "distributor_corrective_actions",
        "24(4)",
        "Prendre ou faire prendre les mesures correctives (mise en conformité, retrait, rappel) et informer "
        "sans délai le fournisseur ou l'importateur et les autorités en cas de risque",
        "Take or have taken corrective actions (conformity, withdrawal, recall) and immediately inform the "
        "provider or importer and the authorities of a risk",
        "distributor",
    ),
    Obligation(
        "distributor_cooperate_authorities",
        "24(5), 24(6)",
        "Fournir aux autorités, sur demande motivée, les informations sur ses actions et coopérer avec elles",
        "Provide authorities, on reasoned request, with information on its actions and cooperate with them",
        "distributor",
    ),
    Obligation(
        "annex1_section_b_sectoral",
        "2(2), 6(1)",
        "Système à haut risque lié à un produit de l'annexe I, section B : seules les dispositions citées "
        "s'appliquent ; respecter les exigences intégrées dans la législation sectorielle du produit",
        "High-risk system related to an Annex I, Section B product: only the cited provisions apply; comply "
        "with the requirements integrated into the product's sectoral legislation",
        "provider",
    ),
    Obligation(
        "disclose_ai_interaction",
        "50(1)",
        "Informer les personnes qu'elles interagissent avec un système d'IA",
        "Inform people that they interact with an AI system",
        "provider",
    ),
    Obligation(
        "mark_synthetic_content",
        "50(2)",
        "Marquer les contenus de synthèse dans un format lisible par machine",
        "Mark synthetic content in a machine-readable format",
        "provider",
    ),
    Obligation(
        "inform_emotion_biometric",
        "50(3)",
        "Informer les personnes exposées à la reconnaissance des émotions ou à la catégorisation biométrique",
        "Inform persons exposed to emotion recognition or biometric categorisation",
        "deployer",
    ),
    Obligation(
        "disclose_deep_fake_or_text",
        "50(4)",
        "Signaler les hypertrucages et les textes publiés pour informer le public",
        "Disclose deep fakes and AI-generated text published to inform the public",
        "deployer",
    ),
    Obligation(
        "gpai_documentation_copyright_summary",
        "53",
        "Documentation technique, politique de droit d'auteur et résumé des données d'entraînement du modèle",
        "Technical documentation, copyright policy and training-data summary of the model",
        "gpai_provider",
    ),
    Obligation(
        "gpai_systemic_risk_duties",
        "55",
        "Obligations des modèles à risque systémique (évaluation, atténuation, incidents, cybersécurité)",
        "Systemic-risk duties (evaluation, mitigation, incidents, cybersecurity)",
        "gpai_provider",
    ),
)
OBLIGATIONS_BY_ID: Final[Mapping[str, Obligation]] = MappingProxyType({o.id: o for o in OBLIGATIONS})
_OBLIGATION_ORDER: Final[Mapping[str, int]] = MappingProxyType({o.id: i for i, o in enumerate(OBLIGATIONS)})

_PROVIDER_HR: Final = (
    "risk_management",
    "data_governance",
    "technical_documentation",
    "record_keeping",
    "instructions_for_deployers",
    "human_oversight_design",
    "accuracy_robustness_security",
    "quality_management_system",
    "conformity_assessment",
    "eu_declaration",
    "ce_marking",
    "post_market_monitoring",
    "serious_incident_reporting",
)
_DEPLOYER_HR: Final = (
    "deployer_use_per_instructions",
    "deployer_human_oversight",
    "deployer_input_data",
    "deployer_monitoring",
    "deployer_logs_6_months",
    "inform_workers",
)
_PROVIDER_ROLES: Final = frozenset({"provider", "provider_and_deployer"})
_DEPLOYER_ROLES: Final = frozenset({"deployer", "provider_and_deployer"})
_IMPORTER_HR: Final = (
    "importer_verify_before_placing",
    "importer_withhold_non_conforming",
    "importer_identification",
    "importer_storage_transport",
    "importer_keep_documents",
    "importer_cooperate_authorities",
)
_DISTRIBUTOR_HR: Final = (
    "distributor_verify_before_making_available",
    "distributor_withhold_non_conforming",
    "distributor_storage_transport",
    "distributor_corrective_actions",
    "distributor_cooperate_authorities",
)
_PUBLIC_KINDS: Final = frozenset({"public_law_body", "private_public_service"})
_TRANSPARENCY: Final[Mapping[str, str]] = MappingProxyType(
    {
        "interacts_with_people": "art50_1",
        "generates_synthetic_content": "art50_2",
        "emotion_or_biometric_categorisation": "art50_3",
        "deep_fake": "art50_4",
        "public_interest_text": "art50_4",
    }
)
_TRANSPARENCY_OBLIGATION: Final[Mapping[str, str]] = MappingProxyType(
    {
        "art50_1": "disclose_ai_interaction",
        "art50_2": "mark_synthetic_content",
        "art50_3": "inform_emotion_biometric",
        "art50_4": "disclose_deep_fake_or_text",
    }
)

IncidentKind = Literal["general", "death", "widespread_or_critical_infrastructure"]
_INCIDENT_DAYS: Final[Mapping[str, int]] = MappingProxyType(
    {"general": 15, "death": 10, "widespread_or_critical_infrastructure": 2}
)


def serious_incident_deadline(aware_on: date, kind: IncidentKind = "general") -> date:
    """Latest date to report a serious incident (AI Act Art. 73(2) to (4)).

    15 days after awareness in general (73(2)); 10 days in the event of a death (73(4)); 2 days for a
    widespread infringement or a serious incident affecting critical infrastructure (73(3)). The report
    is due « immediately », these are the outer limits.
    """
    try:
        days = _INCIDENT_DAYS[kind]
    except KeyError:
        raise ValueError(
            f"type d'incident inconnu « {kind} » ; valeurs admises : {', '.join(_INCIDENT_DAYS)}"
        ) from None
    return aware_on + timedelta(days=days)


# ---------------------------------------------------------------------------------------------------
# qualify
# ---------------------------------------------------------------------------------------------------


class _Builder:
    """Collects obligations, citations and debatable reasons while the rules run."""

    __slots__ = ("citations", "debatable", "law", "obligations")

    def __init__(self, law: LawTable) -> None:
        self.law = law
        self.obligations: dict[str, tuple[str | None, str]] = {}
        self.citations: list[str] = []
        self.debatable: list[str] = []

    def oblige(self, oid: str, date_key: str, role: str) -> None:
        when = self.law.iso(date_key)
        if when is None:
            self.debatable.append("not_in_law_version")
        self.obligations[oid] = (when, role)

    def cite(self, key: str) -> None:
        self.citations.append(_citation(key))

    def obligation_list(self) -> list[dict[str, Any]]:
        overrides = self.law.title_overrides
        articles = self.law.article_overrides
        out: list[dict[str, Any]] = []
        for oid in sorted(self.obligations, key=_OBLIGATION_ORDER.__getitem__):
            definition = OBLIGATIONS_BY_ID[oid]
            when, role = self.obligations[oid]
            title_fr, title_en = overrides.get(oid, (definition.title_fr, definition.title_en))
            out.append(
                {
                    "id": oid,
                    "article": articles.get(oid, definition.article),
                    "title_fr": title_fr,
                    "title_en": title_en,
                    "applies_from": when,
                    "role": role,
                }
            )
        return out


def _tri_yes(raw: Any) -> Tri:
    if raw is NOT_ASKED:
        return False
    if raw is None:
        return None
    return raw == "yes"


def _gpai(eff: Mapping[str, Any], b: _Builder) -> dict[str, Tri]:
    choice = value(eff, "gpai")
    if choice is NOT_ASKED or choice in ("none", "builds_on_gpai"):
        return {"provider": False, "systemic_risk": False, "modified_model_provider": False}
    if choice is None:
        return {"provider": None, "systemic_risk": None, "modified_model_provider": None}
    systemic = _tri_yes(value(eff, "gpai_systemic"))
    if choice == "places_gpai_on_market":
        result: dict[str, Tri] = {
            "provider": True,
            "systemic_risk": systemic,
            "modified_model_provider": False,
        }
    else:  # fine_tunes_gpai
        b.debatable.append("fine_tune_one_third")
        b.cite("gpai_guidelines")
        compute = value(eff, "fine_tune_compute")
        if compute == "below_one_third":
            return {"provider": False, "systemic_risk": False, "modified_model_provider": False}
        if compute != "above_one_third":
            return {"provider": None, "systemic_risk": None, "modified_model_provider": None}
        result = {"provider": True, "systemic_risk": systemic, "modified_model_provider": True}
    b.cite("gpai")
    b.oblige("gpai_documentation_copyright_summary", "gpai", "gpai_provider")
    if systemic:
        b.cite("gpai_systemic")
        b.oblige("gpai_systemic_risk_duties", "gpai", "gpai_provider")
    return result


def _ai_act(eff: Mapping[str, Any], walk: _Walk, answers: Mapping[str, Any], b: _Builder) -> dict[str, Any]:
    core: Core = ai_act_core(eff, omnibus_prohibitions=b.law.dates["prohibitions_omnibus"] is not None)
    category = core.category
    b.debatable.extend(core.debatable)
    if core.unavailable_prohibitions:
        b.debatable.append("omnibus_prohibition_not_in_version")
        b.cite("omnibus_points_absent")
    bases = list(core.bases)
    for basis in bases:
        b.cite(basis)
    if core.mdr_derived_by == "rule_11":
        b.cite("mdr_rule_11")
    if "mdr_in_house" in core.debatable:
        b.cite("mdr_in_house")
    if core.emotion_exception:
        b.cite("emotion_exception")
    if "benefits_control_targeting" in core.debatable:
        b.cite("annex3_5a_benefits")

    in_scope = category in ("prohibited", "high_risk", "limited", "minimal", "undetermined")
    transparency: list[str] = []
    raw_transparency = value(eff, "transparency")
    if in_scope and isinstance(raw_transparency, list | tuple):
        transparency = [_TRANSPARENCY[o] for o in raw_transparency if o != "none"]
    if core.emotion_exception:
        transparency.append("art50_3")
    transparency = sorted(set(transparency))
    for basis in transparency:
        b.cite(basis)

    role_raw = value(eff, "role")
    role: str | None = role_raw if isinstance(role_raw, str) else None

    # Rule 8: debatable minimal
    if (
        category == "minimal"
        and not core.declared_annex3
        and value(eff, "personal_data") == "yes"
        and value(eff, "automated_decision") in ("solely_automated_significant", "human_decides")
    ):
        b.debatable.append("minimal_decisions_about_persons")

    # Rule 9: free and open-source (Art. 2(12))
    exclusion = value(eff, "exclusion")
    if category == "minimal" and isinstance(exclusion, list | tuple) and "free_open_source" in exclusion:
        category = "excluded"
        bases = ["art2_12"]
        b.cite("art2_12")
        if role != "provider":
            b.debatable.append("open_source_role")

    gpai = _gpai(eff, b)

    # Rule 11: Art. 25
    became: Tri = False
    effective_role = role
    if category == "high_risk" and role in ("deployer", "importer", "distributor"):
        triggers = value(eff, "art25_triggers")
        if triggers is None:
            became = None
        elif real_options(triggers):
            became = True
            effective_role = "provider_and_deployer" if role == "deployer" else "provider"
            b.cite("art25")
    elif category == "undetermined":
        became = None

    is_provider: Tri = None if effective_role is None else effective_role in _PROVIDER_ROLES
    is_deployer: Tri = None if effective_role is None else effective_role in _DEPLOYER_ROLES
    kind = value(eff, "organisation_kind")
    public: Tri = None if kind is None else kind in _PUBLIC_KINDS

    annex3_hr = [x for x in core.annex3_bases if x != "annex3_2"] if category == "high_risk" else []
    # Art. 2(2): a system high-risk only through a product of Annex I, Section B is subject to Art. 6(1)
    # and the few articles the law table names, not to Chapter III, Art. 4 or Art. 50.
    section_b_only = category == "high_risk" and core.annex1_section_b and not core.annex3_bases

    # Rule 12: FRIA
    fria: Tri
    if category == "undetermined":
        fria = None
    elif category != "high_risk":
        fria = False
    elif core.annex3_status is None:
        fria = None
    elif not annex3_hr:
        fria = False
    else:
        special = any(x in ("annex3_5b", "annex3_5c") for x in annex3_hr)
        if is_deployer is False:
            fria = False
        elif special or public is True:
            fria = is_deployer
        elif public is False:
            fria = False
        else:
            fria = None
    if fria:
        b.cite("fria")

    # Rule 13: registration
    sections: list[str] = []
    reg_unknown = category == "undetermined"
    if category == "high_risk" and core.annex3_status is None:
        reg_unknown = True
    if annex3_hr:
        if is_provider is None:
            reg_unknown = True
        elif is_provider:
            sections.append("A")
    if core.art6_3_bases and category in ("high_risk", "limited", "minimal"):
        if is_provider is None:
            reg_unknown = True
        elif is_provider:
            sections.append("B")
    if annex3_hr:
        if is_deployer is None or (is_deployer and public is None):
            reg_unknown = True
        elif is_deployer and public:
            sections.append("C")
    declared = core.declared_annex3
    non_public = bool(sections) and ("annex3_6" in declared or "annex3_7" in declared)
    national = category == "high_risk" and "annex3_2" in core.annex3_bases
    registration = {
        "required": None if reg_unknown else bool(sections),
        "sections": sections,
        "non_public": non_public,
        "national_level": national,
    }
    if sections:
        b.cite("registration")
    if non_public:
        b.cite("registration_non_public")
    if national:
        b.cite("registration_national")

    # Rule 14 and obligations
    if (
        category in ("prohibited", "high_risk", "limited", "minimal")
        and effective_role in _DEPLOYER_ROLES | _PROVIDER_ROLES
        and not section_b_only
    ):
        b.oblige("ai_literacy", "general_provisions", effective_role)
    if category == "prohibited":
        classic = any(x not in OMNIBUS_PROHIBITION_BASES for x in bases)
        b.oblige("stop_prohibited", "prohibitions" if classic else "prohibitions_omnibus", "all")
    if section_b_only:
        b.oblige("annex1_section_b_sectoral", "high_risk_annex1", "all")
    elif category == "high_risk":
        hr_key = "high_risk_annex3" if core.annex3_bases else "high_risk_annex1"
        in_service = value(eff, "in_service_before_application")
        if in_service == "yes":
            if kind == "public_law_body":
                hr_key = "public_authority_legacy"
                b.cite("legacy")
            elif kind == "private_public_service":
                b.debatable.append("legacy_private_public_service")
                b.cite("legacy")
        if is_provider:
            for oid in _PROVIDER_HR:
                b.oblige(oid, hr_key, "provider")
            b.cite("art73")
            if "A" in sections:
                b.oblige("registration_provider", hr_key, "provider")
        if is_deployer:
            for oid in _DEPLOYER_HR:
                b.oblige(oid, hr_key, "deployer")
            if "C" in sections:
                b.oblige("registration_deployer", hr_key, "deployer")
            if annex3_hr:
                decision = value(eff, "automated_decision")
                if decision is not NOT_ASKED and decision != "no_decision_about_persons":
                    b.oblige("inform_affected_persons", hr_key, "deployer")
                b.oblige("right_to_explanation", hr_key, "deployer")
            if fria:
                b.oblige("fria", hr_key, "deployer")
        if effective_role == "importer":
            for oid in _IMPORTER_HR:
                b.oblige(oid, hr_key, "importer")
            b.cite("art23")
        elif effective_role == "distributor":
            for oid in _DISTRIBUTOR_HR:
                b.oblige(oid, hr_key, "distributor")
            b.cite("art24")
    if "B" in sections:
        b.oblige("registration_6_3", "high_risk_annex3", "provider")
    if category in ("high_risk", "limited", "minimal") and not section_b_only:
        for basis in transparency:
            oid = _TRANSPARENCY_OBLIGATION[basis]
            who = OBLIGATIONS_BY_ID[oid].who
            if (who == "provider" and is_provider) or (who == "deployer" and is_deployer):
                b.oblige(oid, "transparency", who)
        if (
            "art50_2" in transparency
            and is_provider
            and b.law.dates["transparency_marking_legacy"] is not None
        ):
            b.cite("art50_legacy")

    # missing (AI Act part)
    missing: list[str] = []
    if category not in ("not_ai_system", "excluded", "prohibited"):
        skip = ("organisation_kind", "art25_triggers") if category in ("limited", "minimal") else ()
        missing = [
            qid
            for qid in walk.path
            if QUESTIONS_BY_ID[qid].section == "ai_act" and qid not in skip and _unanswered(answers, qid)
        ]

    return {
        "category": category,
        "bases": bases,
        "transparency": transparency,
        "gpai": gpai,
        "role": effective_role,
        "became_provider_art25": became,
        "fria_required": fria,
        "registration": registration,
        "obligations": [],  # filled by qualify() once every rule has run
        "missing": missing,
        "_mdr": (core.mdr_class, core.mdr_derived_by),
    }


def _gdpr(eff: Mapping[str, Any], walk: _Walk, answers: Mapping[str, Any], b: _Builder) -> dict[str, Any]:
    missing = [
        qid for qid in walk.path if QUESTIONS_BY_ID[qid].section == "gdpr" and _unanswered(answers, qid)
    ]
    personal = value(eff, "personal_data")
    if personal == "yes" and _unanswered(answers, "organisation_kind"):
        missing.append("organisation_kind")
        missing.sort(key=QUESTION_ORDER.__getitem__)
    if personal != "yes":
        known = personal == "no"
        return {
            "personal_data": False if known else None,
            "special_categories": [] if known else None,
            "dpia": "not_required" if known else "undetermined",
            "dpia_reasons": [],
            "art22": False if known else None,
            "prior_consultation_possible": False if known else None,
            "crpa_mention_required": False if known else None,
            "hds_required": False if known else None,
            "flags": [],
            "missing": missing,
        }
    flags: list[str] = []
    raw_special = value(eff, "special_categories")
    special: list[str] | None = real_options(raw_special) if raw_special is not None else None

    dpia, reasons = dpia_status(eff)
    if dpia in ("required", "recommended"):
        b.cite("dpia")
    prior: Tri
    if dpia == "required":
        prior = _tri_yes(value(eff, "residual_high_risk"))
        if prior:
            b.cite("art36")
    else:
        prior = None if dpia == "undetermined" else False

    decision = value(eff, "automated_decision")
    art22: Tri = None if decision is None else decision == "solely_automated_significant"
    if art22:
        flags.append("art22_legal_basis_and_safeguards")
        if special:
            flags.append("art22_4_special_categories")
        b.cite("art22")

    crpa = _tri_yes(value(eff, "individual_administrative_decision"))
    if crpa:
        b.cite("crpa")
        if art22 and special:
            flags.append("crpa_solely_algorithmic_special_categories_barred")

    hosting = value(eff, "hosting")
    hds: Tri
    if special is None:
        hds = None
    elif "health" not in special:
        hds = False
    elif hosting is None:
        hds = None
    else:
        hds = hosting != "internal"
        if hosting == "third_party_not_hds":
            flags.append("hds_non_compliant")
        elif hosting == "public_cloud_unknown_certification":
            b.debatable.append("hds_public_cloud")
        if hds:
            b.cite("hds")

    if (
        value(eff, "organisation_kind") == "public_law_body"
        and value(eff, "legal_basis") == "legitimate_interests"
    ):
        flags.append("legitimate_interests_public_authority")
        b.cite("art6_1_last")
    if value(eff, "art9_exception") == "research" and value(eff, "research_framework") == "none":
        flags.append("research_framework_missing")
        b.cite("research")
    if value(eff, "nir") == "yes":
        flags.append("nir_decree")
        b.cite("nir")

    return {
        "personal_data": True,
        "special_categories": special,
        "dpia": dpia,
        "dpia_reasons": reasons,
        "art22": art22,
        "prior_consultation_possible": prior,
        "crpa_mention_required": crpa,
        "hds_required": hds,
        "flags": flags,
        "missing": missing,
    }


def _mdr(eff: Mapping[str, Any], cls: str | None, derived_by: str | None, b: _Builder) -> dict[str, Any]:
    if value(eff, "annex1_product") != "mdr":
        return {"class": None, "derived_by": None, "ce_marking_required": False, "has_evaluation_flag": False}
    in_house = value(eff, "mdr_in_house")
    ce: Tri = None if in_house is None else in_house == "no"
    evaluation = _tri_yes(value(eff, "seeks_reimbursement"))
    if evaluation:
        b.cite("has")
    return {
        "class": cls,
        "derived_by": derived_by,
        "ce_marking_required": ce,
        "has_evaluation_flag": evaluation,
    }


def qualify(answers: Mapping[str, Any], law_version: str = CURRENT_LAW_VERSION) -> dict[str, Any]:
    """Qualify a use case from its answers (spec §3) and return the spec §4 result.

    Raises :class:`AnswerError` for an unknown question or value and
    :class:`~atlasia.core.qualification.law.UnknownLawVersionError` for an unknown law version.
    """
    law = get_law_table(law_version)
    validate_answers(answers)
    walk = _walk(answers)
    eff = walk.effective
    builder = _Builder(law)
    ai_act = _ai_act(eff, walk, answers, builder)
    cls, derived_by = ai_act.pop("_mdr")
    gdpr = _gdpr(eff, walk, answers, builder)
    mdr = _mdr(eff, cls, derived_by, builder)
    ai_act["obligations"] = builder.obligation_list()
    reasons = dedupe(builder.debatable)
    return {
        "law_version": law.version,
        "ai_act": ai_act,
        "gdpr": gdpr,
        "mdr": mdr,
        "confidence": "debatable" if reasons else "certain",
        "ignored": walk.ignored,
        "debatable_reasons": [DEBATABLE_REASONS_FR[r] for r in reasons],
        "citations": dedupe(builder.citations),
    }
