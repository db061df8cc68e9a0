"""The qualification questionnaire (spec §2), in questionnaire order.

Every question accepts ``unknown`` (« je ne sais pas »); for a ``multi`` question it is given as the
string ``"unknown"``, not inside the list. ``asked_when`` returns ``True`` (asked), ``False`` (not asked)
or ``None`` (cannot be decided yet because an earlier answer is missing); use
:func:`atlasia.core.qualification.applicable_questions` for the path of a full answer set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from ._classify import dpia_required_condition, high_risk_condition
from ._logic import (
    Tri,
    any_real_option,
    in_scope,
    is_ai_system,
    is_yes,
    one_of,
    selected,
    t_and,
    t_or,
    value,
)

QuestionType = Literal["bool", "single", "multi"]
Part = Literal["ai_act", "gdpr"]
Condition = Callable[[Mapping[str, Any]], Tri]

AI_ACT = "règlement (UE) 2024/1689 (AI Act)"


@dataclass(frozen=True)
class Option:
    id: str
    label_fr: str
    label_en: str


@dataclass(frozen=True)
class Question:
    id: str
    section: Part
    group: str
    type: QuestionType
    options: tuple[Option, ...]
    text_fr: str
    text_en: str
    help_fr: str
    help_en: str
    asked_when: Condition
    asked_when_fr: str

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)


@dataclass(frozen=True)
class Section:
    """A group of questions for the UI."""

    id: str
    part: Part
    label_fr: str
    label_en: str
    question_ids: tuple[str, ...]


YES_NO: tuple[Option, ...] = (Option("yes", "Oui", "Yes"), Option("no", "Non", "No"))


def _o(*items: tuple[str, str, str]) -> tuple[Option, ...]:
    return tuple(Option(*item) for item in items)


def _always(_: Mapping[str, Any]) -> Tri:
    return True


def _personal(a: Mapping[str, Any]) -> Tri:
    return is_yes(a, "personal_data")


def _annex3_area(a: Mapping[str, Any]) -> Tri:
    return any_real_option(a, "annex3_areas")


def _public_org(a: Mapping[str, Any]) -> Tri:
    kind = value(a, "organisation_kind")
    if kind is None:
        return None
    return kind != "private_other"


_Q: list[Question] = []


def _add(
    qid: str,
    section: Part,
    group: str,
    qtype: QuestionType,
    options: tuple[Option, ...],
    text_fr: str,
    text_en: str,
    help_fr: str,
    help_en: str,
    asked_when: Condition,
    asked_when_fr: str,
) -> None:
    _Q.append(
        Question(
            qid, section, group, qtype, options, text_fr, text_en, help_fr, help_en, asked_when, asked_when_fr
        )
    )


# ---------------------------------------------------------------------------------------------------
# A. AI Act
# ---------------------------------------------------------------------------------------------------

_add(
    "ai_technique",
    "ai_act",
    "ai_system",
    "single",
    _o(
        (
            "machine_learning",
            "Apprentissage automatique (apprentissage statistique, apprentissage profond, LLM)",
            "Machine learning (statistical learning, deep learning, LLM)",
        ),
        (
            "logic_inference",
            "Système à base de connaissances qui raisonne (inférence logique)",
            "Knowledge-based system that infers (logic inference)",
        ),
        (
            "fixed_rules",
            "Règles entièrement écrites par des personnes (grille AGGIR ou PATHOS, table de décision, "
            "calculateur d'éligibilité)",
            "Rules entirely written by people (AGGIR or PATHOS grid, decision table, eligibility calculator)",
        ),
        (
            "basic_optimisation",
            "Optimisation classique, heuristiques, statistiques simples, traitement de données de base",
            "Classical optimisation, heuristics, simple statistics, basic data processing",
        ),
    ),
    "Comment le système produit-il ses résultats ?",
    "How does the system produce its outputs?",
    f"Article 3(1) du {AI_ACT} : un système d'IA est un système automatisé qui, à partir des entrées "
    "qu'il reçoit, « déduit » la manière de générer des résultats (prédictions, contenus, recommandations "
    "ou décisions). Les lignes directrices de la Commission sur la définition (février 2025) excluent les "
    "systèmes fondés sur des règles définies uniquement par des personnes physiques pour exécuter "
    "automatiquement des opérations (une grille AGGIR informatisée n'est pas un système d'IA), ainsi que "
    "l'optimisation mathématique classique, le traitement de données de base et les heuristiques "
    "simples ; ces lignes directrices ne sont pas contraignantes.",
    "Art. 3(1) AI Act and the Commission guidelines on the AI-system definition (Feb. 2025).",
    _always,
    "toujours",
)

_add(
    "exclusion",
    "ai_act",
    "exclusions_prohibitions",
    "multi",
    _o(
        (
            "military_national_security",
            "Fins exclusivement militaires, de défense ou de sécurité nationale (art. 2(3))",
            "Military, defence or national security only (Art. 2(3))",
        ),
        (
            "research_only",
            "Développé et mis en service uniquement pour la recherche et le développement scientifiques "
            "(art. 2(6))",
            "Developed and put into service solely for scientific research and development (Art. 2(6))",
        ),
        (
            "pre_market_testing",
            "Recherche, essais ou développement avant mise sur le marché, hors essais en conditions "
            "réelles (art. 2(8))",
            "Research, testing or development before placing on the market, not real-world testing "
            "(Art. 2(8))",
        ),
        (
            "personal_non_professional",
            "Usage personnel non professionnel par une personne physique (art. 2(10))",
            "Purely personal non-professional use (Art. 2(10))",
        ),
        (
            "free_open_source",
            "Publié sous licence libre et ouverte (art. 2(12))",
            "Released under a free and open-source licence (Art. 2(12))",
        ),
        ("none", "Aucune", "None"),
    ),
    "Une des exclusions du règlement s'applique-t-elle ?",
    "Does one of the Act's exclusions apply?",
    f"Article 2 du {AI_ACT}. Le règlement ne s'applique pas aux systèmes utilisés exclusivement à des fins "
    "militaires, de défense ou de sécurité nationale (2(3)), aux systèmes spécifiquement développés et mis "
    "en "
    "service uniquement à des fins de recherche et développement scientifiques (2(6)), aux activités de "
    "recherche, d'essai et de développement avant la mise sur le marché ou la mise en service, les essais "
    "en conditions réelles n'étant pas couverts (2(8)), ni aux personnes physiques qui les utilisent dans le "
    "cadre d'une activité strictement personnelle (2(10)). L'article 2(12) exclut les systèmes publiés sous "
    "licence libre et ouverte, sauf s'ils sont à haut risque, interdits (art. 5) ou soumis à l'article 50.",
    "Art. 2(3), (6), (8), (10), (12) AI Act.",
    is_ai_system,
    "système d'IA",
)

_add(
    "outputs_used_for_people",
    "ai_act",
    "exclusions_prohibitions",
    "bool",
    YES_NO,
    "Les résultats servent-ils à la prise en charge de personnes réelles ou à des décisions les concernant ?",
    "Are the outputs used in the care of, or decisions about, real persons?",
    f"Articles 2(6) et 2(8) du {AI_ACT} : l'exclusion ne vaut que pour la recherche et le développement. "
    "Dès que les résultats sont utilisés pour soigner des personnes ou prendre des décisions à leur sujet, "
    "le système est mis en service et le règlement s'applique (les essais en conditions réelles restent "
    "couverts, art. 2(8) et 60).",
    "Art. 2(6) and 2(8): once outputs are used on real persons, the system is put into service.",
    lambda a: t_or(selected(a, "exclusion", "research_only"), selected(a, "exclusion", "pre_market_testing")),
    "« recherche uniquement » ou « essais avant mise sur le marché » coché",
)

_add(
    "prohibited_practices",
    "ai_act",
    "exclusions_prohibitions",
    "multi",
    _o(
        (
            "subliminal_manipulation",
            "Techniques subliminales, manipulatrices ou trompeuses altérant le comportement (a)",
            "Subliminal, manipulative or deceptive techniques (a)",
        ),
        (
            "exploits_vulnerabilities",
            "Exploitation des vulnérabilités liées à l'âge, au handicap ou à la situation sociale ou "
            "économique (b)",
            "Exploits vulnerabilities due to age, disability, social or economic situation (b)",
        ),
        ("social_scoring", "Notation sociale (c)", "Social scoring (c)"),
        (
            "crime_risk_profiling",
            "Évaluation du risque d'infraction fondée uniquement sur le profilage (d)",
            "Crime risk assessment based solely on profiling (d)",
        ),
        (
            "facial_scraping",
            "Constitution de bases de reconnaissance faciale par moissonnage non ciblé (e)",
            "Untargeted scraping of facial images (e)",
        ),
        (
            "emotion_recognition_work_education",
            "Reconnaissance des émotions sur le lieu de travail ou dans l'enseignement (f)",
            "Emotion recognition at work or in education (f)",
        ),
        (
            "biometric_categorisation_sensitive",
            "Catégorisation biométrique déduisant des données sensibles (g)",
            "Biometric categorisation inferring sensitive attributes (g)",
        ),
        (
            "realtime_remote_biometric_id",
            "Identification biométrique à distance en temps réel dans l'espace public à des fins "
            "répressives (h)",
            "Real-time remote biometric identification in public spaces for law enforcement (h)",
        ),
        (
            "non_consensual_intimate_content",
            "Génération ou manipulation d'images, de vidéos, de sons ou de contenus similaires réalistes "
            "montrant les parties intimes d'une personne identifiable, ou une personne identifiable dans "
            "une activité sexuellement explicite, sans son consentement explicite (ba)",
            "Generates or manipulates realistic images, video, audio or similar material of an identifiable "
            "person's intimate parts or sexually explicit activities without explicit consent (ba)",
        ),
        (
            "child_sexual_abuse_material",
            "Génération ou manipulation de matériel ou de spectacles pédopornographiques au sens de "
            "l'article 2, points c) et e), de la directive 2011/93/UE (bb)",
            "Generates or manipulates child sexual abuse material or performance within the meaning of "
            "Directive 2011/93/EU, Art. 2(c) and (e) (bb)",
        ),
        ("none", "Aucune", "None"),
    ),
    "Le système fait-il l'une de ces choses ?",
    "Does the system do any of these?",
    f"Article 5(1) du {AI_ACT}, points (a) à (h) applicables depuis le 2 février 2025, et lignes directrices "
    "de la Commission sur les pratiques interdites (février 2025). Le règlement (UE) 2026/1744 (« Digital "
    "Omnibus on AI ») insère, à partir du 2 décembre 2026 (art. 113, point a)), deux points : (ba) la mise "
    "sur le marché, la mise en service ou l'utilisation d'un système qui génère ou manipule des images, des "
    "vidéos, des sons ou des contenus similaires réalistes montrant les parties intimes d'une personne "
    "identifiable, ou une personne identifiable se livrant à une activité sexuellement explicite, sans son "
    "consentement libre, spécifique, éclairé, univoque et explicite à cette génération ou manipulation ; "
    "(bb) la génération ou la manipulation de matériel ou de spectacles pédopornographiques au sens de "
    "l'article 2, points c) et e), de la directive 2011/93/UE. Selon l'article 5(1a), la mise sur le marché "
    "ou en service n'est interdite que si cette génération est la destination du système, ou si elle en est "
    "un résultat raisonnablement prévisible et reproductible sans modification technique importante et que "
    "le système n'a pas de mesures de sécurité raisonnables et adéquates pour l'empêcher de façon fiable ; "
    "l'utilisation n'est interdite que si le déployeur s'en sert à cette fin. Une manipulation qui "
    "n'accroît pas l'exposition des parties intimes ni ne change la nature de l'activité représentée n'en "
    "est pas une (art. 5(1b)). Les états physiques comme la douleur ou la fatigue ne sont pas des émotions "
    "(considérant 18) : détecter la douleur n'est pas de la reconnaissance des émotions.",
    "Art. 5(1)(a)-(h) AI Act (from 2 Feb 2025); points (ba) and (bb) inserted by Regulation (EU) "
    "2026/1744 (from 2 Dec 2026), with Art. 5(1a) and (1b): a provider is caught when that generation is "
    "the intended purpose or a reasonably foreseeable, reproducible outcome without adequate safeguards; "
    "a deployer when it uses the system for that purpose.",
    in_scope,
    "système d'IA non exclu",
)

_add(
    "emotion_medical_safety",
    "ai_act",
    "exclusions_prohibitions",
    "bool",
    YES_NO,
    "La reconnaissance des émotions est-elle utilisée pour des raisons médicales ou de sécurité ?",
    "Is the emotion recognition used for medical or safety reasons?",
    f"Article 5(1)(f) du {AI_ACT} : l'interdiction de la reconnaissance des émotions sur le lieu de travail "
    "et dans les établissements d'enseignement ne s'applique pas lorsque le système est destiné à être mis "
    "en place ou mis sur le marché pour des raisons médicales ou de sécurité. Le système reste alors soumis "
    "à l'article 50(3) (information des personnes) et relève de l'annexe III, point 1(c).",
    "Art. 5(1)(f) exception for medical or safety reasons; Art. 50(3) and Annex III 1(c) still apply.",
    lambda a: selected(a, "prohibited_practices", "emotion_recognition_work_education"),
    "« reconnaissance des émotions au travail ou dans l'enseignement » coché",
)

_add(
    "annex1_product",
    "ai_act",
    "high_risk",
    "single",
    _o(
        ("mdr", "Dispositif médical (règlement (UE) 2017/745)", "Medical device (MDR)"),
        (
            "ivdr",
            "Dispositif médical de diagnostic in vitro (règlement (UE) 2017/746)",
            "In vitro diagnostic (IVDR)",
        ),
        (
            "other_annex1",
            "Autre produit de l'annexe I, section A (jouets, bateaux de plaisance, ascenseurs, atmosphères "
            "explosibles, équipements radio, équipements sous pression, téléphériques, équipements de "
            "protection individuelle, appareils à gaz)",
            "Other Annex I, Section A product (toys, recreational craft, lifts, ATEX, radio, pressure "
            "equipment, cableways, PPE, gas appliances)",
        ),
        (
            "annex1_section_b",
            "Produit de l'annexe I, section B (sûreté et sécurité de l'aviation civile, véhicules à moteur, "
            "à deux ou trois roues, agricoles et forestiers, équipements marins, système ferroviaire ; "
            "machines depuis le règlement (UE) 2026/1744)",
            "Annex I, Section B product (civil aviation, motor, two- or three-wheel, agricultural and "
            "forestry vehicles, marine equipment, rail; machinery since Regulation (EU) 2026/1744)",
        ),
        ("none", "Aucun", "None"),
    ),
    "Le système est-il un produit, ou le composant de sécurité d'un produit, couvert par cette législation ?",
    "Is the system a product, or the safety component of a product, under this legislation?",
    f"Article 6(1) et annexe I du {AI_ACT} : un système d'IA est à haut risque lorsqu'il est lui-même un "
    "produit, ou le composant de sécurité d'un produit, couvert par la législation d'harmonisation de "
    "l'annexe I (dont les règlements (UE) 2017/745 sur les dispositifs médicaux et 2017/746 sur les "
    "dispositifs de diagnostic in vitro) et que ce produit doit faire l'objet d'une évaluation de la "
    "conformité par un tiers (organisme notifié). Pour un produit de la section B, l'article 2(2) limite ce "
    "qui s'applique : l'article 6(1), l'article 60 bis et les articles 102 à 112 (version modifiée par le "
    "règlement (UE) 2026/1744 ; dans la version initiale : l'article 6(1), les articles 102 à 109 et "
    "l'article 112) ; les exigences du chapitre III passent par la législation sectorielle. Les machines "
    "(règlement (UE) 2023/1230) relèvent de la section B depuis le règlement (UE) 2026/1744 ; dans la "
    "version initiale, la directive 2006/42/CE figurait en section A.",
    "Art. 6(1) and Annex I AI Act; for Section B products Art. 2(2) limits what applies.",
    in_scope,
    "système d'IA non exclu",
)

_add(
    "mdr_class",
    "ai_act",
    "high_risk",
    "single",
    _o(
        ("I", "Classe I", "Class I"),
        ("Is_Im", "Classe I stérile ou avec fonction de mesurage", "Class I sterile or measuring"),
        ("IIa", "Classe IIa", "Class IIa"),
        ("IIb", "Classe IIb", "Class IIb"),
        ("III", "Classe III", "Class III"),
        ("unknown", "Je ne sais pas (déterminer avec la règle 11)", "Unknown (use Rule 11)"),
    ),
    "Classe du dispositif médical, si elle est connue (certificat CE ou déclaration du fabricant)",
    "Medical-device class, if known (CE certificate or manufacturer's declaration)",
    "Article 51 et annexe VIII du règlement (UE) 2017/745 (MDR). Seules les classes Is/Im, IIa, IIb et III "
    "font intervenir un organisme notifié (art. 52) ; pour la classe Is/Im, l'organisme notifié n'examine "
    "que les aspects de stérilité ou de métrologie. Si la classe n'est pas connue, les questions suivantes "
    "l'estiment selon la règle 11 de l'annexe VIII.",
    "MDR Art. 51 and Annex VIII; unknown leads to the Rule 11 questions.",
    lambda a: selected(a, "annex1_product", "mdr"),
    "dispositif médical",
)

_add(
    "mdr_purpose",
    "ai_act",
    "high_risk",
    "single",
    _o(
        (
            "diagnosis_therapy_information",
            "Fournit des informations utilisées pour prendre des décisions à des fins diagnostiques ou "
            "thérapeutiques",
            "Provides information used for diagnostic or therapeutic decisions",
        ),
        (
            "monitoring_physiological",
            "Surveille des processus physiologiques",
            "Monitors physiological processes",
        ),
        ("other", "Autre", "Other"),
    ),
    "Règle 11 : que fait le logiciel ?",
    "Rule 11: what does the software do?",
    "Annexe VIII, règle 11, du règlement (UE) 2017/745 : le logiciel destiné à fournir des informations "
    "utilisées pour prendre des décisions à des fins diagnostiques ou thérapeutiques relève de la classe IIa "
    "(IIb ou III selon l'impact) ; le logiciel destiné à surveiller des processus physiologiques relève de "
    "la "
    "classe IIa (IIb pour des paramètres vitaux) ; tous les autres logiciels relèvent de la classe I.",
    "MDR Annex VIII Rule 11.",
    lambda a: t_and(selected(a, "annex1_product", "mdr"), selected(a, "mdr_class", "unknown")),
    "dispositif médical de classe inconnue",
)

_add(
    "mdr_impact",
    "ai_act",
    "high_risk",
    "single",
    _o(
        (
            "death_irreversible",
            "Le décès ou une détérioration irréversible de l'état de santé (classe III)",
            "Death or irreversible deterioration (class III)",
        ),
        (
            "serious_deterioration_or_surgery",
            "Une détérioration grave de l'état de santé ou une intervention chirurgicale (classe IIb)",
            "Serious deterioration or surgical intervention (class IIb)",
        ),
        ("other", "Autre (classe IIa)", "Other (class IIa)"),
    ),
    "Règle 11 : que pourrait causer une mauvaise décision ?",
    "Rule 11: what could a wrong decision cause?",
    "Annexe VIII, règle 11, premier alinéa, du règlement (UE) 2017/745 : classe III si les décisions prises "
    "peuvent causer la mort ou une détérioration irréversible de l'état de santé, classe IIb si elles "
    "peuvent causer une détérioration grave de l'état de santé ou une intervention chirurgicale, classe IIa "
    "sinon.",
    "MDR Annex VIII Rule 11, first paragraph.",
    lambda a: selected(a, "mdr_purpose", "diagnosis_therapy_information"),
    "logiciel d'aide à la décision diagnostique ou thérapeutique",
)

_add(
    "mdr_vital_immediate_danger",
    "ai_act",
    "high_risk",
    "bool",
    YES_NO,
    "Règle 11 : surveille-t-il des paramètres vitaux dont les variations peuvent présenter un danger "
    "immédiat ?",
    "Rule 11: does it monitor vital parameters whose variations could put the patient in immediate danger?",
    "Annexe VIII, règle 11, deuxième alinéa, du règlement (UE) 2017/745 : classe IIb lorsque le logiciel "
    "surveille des paramètres physiologiques vitaux dont la nature des variations est susceptible "
    "d'entraîner "
    "un danger immédiat pour le patient, classe IIa sinon.",
    "MDR Annex VIII Rule 11, second paragraph (yes: IIb, no: IIa).",
    lambda a: selected(a, "mdr_purpose", "monitoring_physiological"),
    "logiciel de surveillance physiologique",
)

_add(
    "mdr_in_house",
    "ai_act",
    "high_risk",
    "bool",
    YES_NO,
    "Est-il fabriqué et utilisé uniquement au sein du même établissement de santé, sans marquage CE ?",
    "Is it made and used only within the same health institution, without CE marking?",
    "Article 5(5) du règlement (UE) 2017/745 : les dispositifs fabriqués et utilisés exclusivement au sein "
    "d'établissements de santé ne sont pas soumis au règlement, à l'exception des exigences générales de "
    "sécurité et de performances de l'annexe I, si les conditions de l'article 5(5) sont réunies (pas de "
    "transfert à une autre entité, système de gestion de la qualité, justification de l'absence de "
    "dispositif équivalent sur le marché, déclaration publique). Sans évaluation de la conformité par un "
    f"tiers, l'article 6(1) du {AI_ACT} ne s'applique pas.",
    "MDR Art. 5(5) in-house exemption.",
    lambda a: selected(a, "annex1_product", "mdr"),
    "dispositif médical",
)

_add(
    "ivdr_class",
    "ai_act",
    "high_risk",
    "single",
    _o(
        ("A", "Classe A", "Class A"),
        ("A_sterile", "Classe A stérile", "Class A sterile"),
        ("B", "Classe B", "Class B"),
        ("C", "Classe C", "Class C"),
        ("D", "Classe D", "Class D"),
        ("unknown", "Je ne sais pas", "Unknown"),
    ),
    "Classe du dispositif de diagnostic in vitro",
    "IVD class",
    "Article 47 et annexe VIII du règlement (UE) 2017/746 (IVDR). Les classes B, C et D, ainsi que la "
    "classe A "
    "stérile (pour les seuls aspects de stérilité), font intervenir un organisme notifié (art. 48).",
    "IVDR Art. 47-48 and Annex VIII.",
    lambda a: selected(a, "annex1_product", "ivdr"),
    "dispositif de diagnostic in vitro",
)

_add(
    "annex1_third_party",
    "ai_act",
    "high_risk",
    "bool",
    YES_NO,
    "Le produit doit-il faire l'objet d'une évaluation de la conformité par un tiers ?",
    "Does the product need a third-party conformity assessment?",
    f"Article 6(1)(b) du {AI_ACT} : le système n'est à haut risque au titre de l'annexe I que si le produit "
    "doit faire l'objet d'une évaluation de la conformité par un tiers en vue de sa mise sur le marché ou de "
    "sa mise en service.",
    "Art. 6(1)(b) AI Act.",
    lambda a: t_or(
        selected(a, "annex1_product", "other_annex1"), selected(a, "annex1_product", "annex1_section_b")
    ),
    "autre produit de l'annexe I (section A ou B)",
)

_add(
    "annex3_areas",
    "ai_act",
    "high_risk",
    "multi",
    _o(
        ("biometrics", "Biométrie (point 1)", "Biometrics (point 1)"),
        (
            "critical_infrastructure",
            "Infrastructures critiques (point 2)",
            "Critical infrastructure (point 2)",
        ),
        ("education", "Éducation et formation professionnelle (point 3)", "Education (point 3)"),
        ("recruitment", "Recrutement et sélection (point 4(a))", "Recruitment (point 4(a))"),
        (
            "work_decisions",
            "Décisions relatives aux relations de travail (point 4(b))",
            "Work-related decisions (point 4(b))",
        ),
        (
            "public_benefits",
            "Évaluer l'éligibilité aux prestations et services d'aide sociale essentiels, y compris les "
            "soins "
            "de santé, ou les octroyer, réduire, révoquer ou récupérer (point 5(a))",
            "Eligibility for, or granting, reducing, revoking or reclaiming, essential public assistance "
            "benefits and services, including healthcare (point 5(a))",
        ),
        (
            "creditworthiness",
            "Solvabilité ou note de crédit, hors détection de fraude (point 5(b))",
            "Creditworthiness, except fraud detection (point 5(b))",
        ),
        (
            "life_health_insurance",
            "Évaluation des risques et tarification en assurance vie et santé (point 5(c))",
            "Life and health insurance risk assessment and pricing (point 5(c))",
        ),
        (
            "emergency_triage",
            "Évaluer et classer les appels d'urgence, envoyer les services d'urgence, trier les patients en "
            "soins d'urgence (point 5(d))",
            "Emergency calls, dispatch, emergency patient triage (point 5(d))",
        ),
        ("law_enforcement", "Répression (point 6)", "Law enforcement (point 6)"),
        ("migration", "Migration, asile, contrôle aux frontières (point 7)", "Migration (point 7)"),
        (
            "justice_democracy",
            "Administration de la justice et processus démocratiques (point 8)",
            "Justice and democratic processes (point 8)",
        ),
        ("none", "Aucun", "None"),
    ),
    "Est-il destiné à l'un de ces usages ?",
    "Is it intended for one of these uses?",
    f"Article 6(2) et annexe III du {AI_ACT}. Pour la protection sociale et la santé, le point 5(a) vise les "
    "systèmes destinés à être utilisés par les autorités publiques, ou en leur nom, pour évaluer "
    "l'éligibilité des personnes physiques aux prestations et services d'aide sociale essentiels, y compris "
    "les services de soins de santé, ainsi que pour octroyer, réduire, révoquer ou récupérer ces prestations "
    "et services ; le point 5(d) vise l'évaluation et la classification des appels d'urgence, la répartition "
    "des services d'intervention d'urgence et les systèmes de tri des patients recevant des soins de santé "
    "d'urgence.",
    "Art. 6(2) and Annex III AI Act.",
    in_scope,
    "système d'IA non exclu",
)

_add(
    "benefits_purpose",
    "ai_act",
    "high_risk",
    "single",
    _o(
        ("eligibility_decision", "Évaluer l'éligibilité", "Evaluate eligibility"),
        (
            "grant_reduce_revoke_reclaim",
            "Octroyer, réduire, révoquer ou récupérer une prestation",
            "Grant, reduce, revoke or reclaim",
        ),
        (
            "control_targeting",
            "Cibler des contrôles (sélection de dossiers, détection de fraude ou d'indus)",
            "Control targeting (file selection, fraud or overpayment detection)",
        ),
        (
            "outreach_non_take_up",
            "Aller vers : repérer des personnes qui pourraient avoir des droits (non-recours)",
            "Outreach: find people who may be entitled (non-take-up)",
        ),
        ("information_only", "Information seulement", "Information only"),
    ),
    "Quel est l'usage lié aux prestations ?",
    "What is the benefits-related use?",
    f"Annexe III, point 5(a), du {AI_ACT}. Le ciblage des contrôles qui aboutit à récupérer des indus entre "
    "dans « réduire, révoquer ou récupérer » ; la notation de bénéficiaires à partir de données sans lien "
    "avec le contexte d'origine peut se rapprocher de la notation sociale interdite (art. 5(1)(c)).",
    "Annex III point 5(a); control scoring may come close to Art. 5(1)(c).",
    lambda a: selected(a, "annex3_areas", "public_benefits"),
    "« prestations et services d'aide sociale essentiels » coché",
)

_add(
    "art6_3_conditions",
    "ai_act",
    "high_risk",
    "multi",
    _o(
        ("narrow_procedural", "Tâche procédurale étroite (a)", "Narrow procedural task (a)"),
        (
            "improves_completed_human_activity",
            "Améliorer le résultat d'une activité humaine déjà réalisée (b)",
            "Improve the result of a completed human activity (b)",
        ),
        (
            "detects_patterns_without_replacing",
            "Détecter des schémas ou écarts sans remplacer ni influencer l'évaluation humaine sans examen "
            "(c)",
            "Detect decision patterns or deviations without replacing human assessment (c)",
        ),
        ("preparatory_task", "Tâche préparatoire à une évaluation (d)", "Preparatory task (d)"),
        ("none", "Aucune", "None"),
    ),
    "Le système se limite-t-il à l'une de ces tâches, sans influencer substantiellement la décision ?",
    "Does the system only do one of these, without materially influencing the decision?",
    f"Article 6(3) du {AI_ACT} : un système de l'annexe III n'est pas à haut risque lorsqu'il ne présente "
    "pas "
    "de risque important de préjudice pour la santé, la sécurité ou les droits fondamentaux, notamment "
    "parce qu'il n'influence pas substantiellement le résultat de la prise de décision, et qu'il remplit au "
    "moins une des conditions (a) à (d). Il reste toujours à haut risque s'il effectue un profilage de "
    "personnes physiques (dernier alinéa). Le fournisseur qui s'en prévaut documente son évaluation "
    "(art. 6(4)) et enregistre le système (art. 49(2), annexe VIII, section B).",
    "Art. 6(3) derogation; documentation (6(4)) and registration (49(2)).",
    _annex3_area,
    "un domaine de l'annexe III coché",
)

_add(
    "profiling",
    "ai_act",
    "high_risk",
    "bool",
    YES_NO,
    "Effectue-t-il un profilage de personnes physiques ?",
    "Does it profile natural persons (GDPR Art. 4(4))?",
    "Article 4(4) du règlement (UE) 2016/679 (RGPD) : le profilage est tout traitement automatisé consistant "
    "à utiliser des données personnelles pour évaluer certains aspects personnels (situation économique, "
    f"santé, comportement…), notamment pour les analyser ou les prédire. Article 6(3), dernier alinéa, du "
    f"{AI_ACT} : un système de l'annexe III qui effectue un profilage est toujours à haut risque.",
    "GDPR Art. 4(4); Art. 6(3) last subparagraph AI Act.",
    _annex3_area,
    "un domaine de l'annexe III coché",
)

_add(
    "transparency",
    "ai_act",
    "transparency_gpai",
    "multi",
    _o(
        (
            "interacts_with_people",
            "Interagit directement avec des personnes (art. 50(1))",
            "Interacts with people (Art. 50(1))",
        ),
        (
            "generates_synthetic_content",
            "Génère des contenus de synthèse : son, image, vidéo ou texte (art. 50(2))",
            "Generates synthetic audio, image, video or text (Art. 50(2))",
        ),
        (
            "emotion_or_biometric_categorisation",
            "Reconnaissance des émotions ou catégorisation biométrique (art. 50(3))",
            "Emotion recognition or biometric categorisation (Art. 50(3))",
        ),
        (
            "deep_fake",
            "Hypertrucage (art. 50(4), premier alinéa)",
            "Deep fake (Art. 50(4), first subparagraph)",
        ),
        (
            "public_interest_text",
            "Texte publié pour informer le public sans contrôle éditorial humain (art. 50(4), deuxième "
            "alinéa)",
            "Text published to inform the public without human editorial responsibility (Art. 50(4))",
        ),
        ("none", "Aucun", "None"),
    ),
    "Lesquels de ces cas s'appliquent ?",
    "Which of these apply?",
    f"Article 50 du {AI_ACT}, applicable à partir du 2 août 2026 : le fournisseur informe les personnes "
    "qu'elles interagissent avec un système d'IA (50(1)) et marque les contenus de synthèse dans un format "
    "lisible par machine (50(2)) ; le déployeur informe les personnes exposées à une reconnaissance des "
    "émotions ou à une catégorisation biométrique (50(3)) et signale les hypertrucages et les textes publiés "
    "pour informer le public sans contrôle éditorial humain (50(4)). Ces obligations s'ajoutent à celles du "
    "haut risque.",
    "Art. 50 AI Act (from 2 Aug 2026).",
    in_scope,
    "système d'IA non exclu",
)

_add(
    "gpai",
    "ai_act",
    "transparency_gpai",
    "single",
    _o(
        ("none", "Pas de modèle d'IA à usage général", "No general-purpose AI model"),
        (
            "builds_on_gpai",
            "Utilise le modèle d'un autre fournisseur (API, modèle ouvert)",
            "Builds on another provider's GPAI model",
        ),
        ("fine_tunes_gpai", "Modifie un modèle (réglage fin, distillation…)", "Fine-tunes a GPAI model"),
        ("places_gpai_on_market", "Met un modèle sur le marché", "Places a GPAI model on the market"),
    ),
    "Modèles d'IA à usage général",
    "General-purpose AI models",
    f"Articles 3(63) et 51 à 55 du {AI_ACT} : le fournisseur d'un modèle d'IA à usage général tient une "
    "documentation technique, la met à disposition des fournisseurs en aval, adopte une politique de respect "
    "du droit d'auteur et publie un résumé des données d'entraînement (art. 53) ; s'y ajoutent les "
    "obligations de l'article 55 en cas de risque systémique. Utiliser le modèle d'un autre fournisseur "
    "n'entraîne pas ces obligations.",
    "Art. 3(63), 51-55 AI Act.",
    in_scope,
    "système d'IA non exclu",
)

_add(
    "fine_tune_compute",
    "ai_act",
    "transparency_gpai",
    "single",
    _o(
        ("above_one_third", "Plus d'un tiers", "Above one third"),
        ("below_one_third", "Moins d'un tiers", "Below one third"),
        ("unknown", "Je ne sais pas", "Unknown"),
    ),
    "Calcul utilisé pour la modification, comparé à l'entraînement du modèle d'origine",
    "Compute of the modification compared with the original model's training",
    "Lignes directrices de la Commission sur les obligations des fournisseurs de modèles d'IA à usage "
    "général (juillet 2025) : la personne qui modifie un modèle n'en devient fournisseur que si la "
    "modification utilise plus d'un tiers du calcul d'entraînement du modèle d'origine ; ses obligations "
    "(art. 53) se limitent alors à la modification. Cet indicateur n'est pas contraignant.",
    "Commission GPAI guidelines (one-third compute indicator).",
    lambda a: selected(a, "gpai", "fine_tunes_gpai"),
    "modification d'un modèle d'IA à usage général",
)

_add(
    "gpai_systemic",
    "ai_act",
    "transparency_gpai",
    "bool",
    YES_NO,
    "Le modèle présente-t-il un risque systémique (calcul d'entraînement supérieur à 10^25 FLOP ou "
    "désignation) ?",
    "Systemic risk (training compute above 10^25 FLOP or designated)?",
    f"Article 51 du {AI_ACT} : un modèle est présumé présenter un risque systémique lorsque le calcul "
    "cumulé utilisé pour son entraînement dépasse 10^25 opérations en virgule flottante, ou lorsque la "
    "Commission le désigne. Les obligations de l'article 55 (évaluation, atténuation des risques, "
    "signalement des incidents graves, cybersécurité) s'appliquent alors.",
    "Art. 51 and 55 AI Act.",
    lambda a: t_or(
        selected(a, "gpai", "places_gpai_on_market"), selected(a, "fine_tune_compute", "above_one_third")
    ),
    "mise sur le marché d'un modèle, ou modification de plus d'un tiers",
)

_add(
    "role",
    "ai_act",
    "role_organisation",
    "single",
    _o(
        (
            "provider_and_deployer",
            "Développe (ou fait développer) et utilise le système sous son propre nom",
            "Develops (or has developed) and uses it under its own name",
        ),
        ("deployer", "Utilise le système d'un autre fournisseur", "Uses another provider's system"),
        ("provider", "Développe le système pour d'autres", "Develops it for others"),
        ("importer", "Importateur", "Importer"),
        ("distributor", "Distributeur", "Distributor"),
    ),
    "Rôle de l'organisation",
    "The organisation's role",
    f"Article 3(3) à 3(7) du {AI_ACT}. Est fournisseur l'organisme qui développe ou fait développer un "
    "système d'IA et le met sur le marché ou en service sous son propre nom, y compris à titre gratuit ; "
    "est déployeur l'organisme qui utilise un système sous sa propre autorité. Un établissement qui "
    "développe un outil en interne et l'utilise est à la fois fournisseur et déployeur. L'importateur "
    "(art. 3(6)) met sur le marché de l'Union un système portant le nom ou la marque d'un fournisseur établi "
    "hors de l'Union ; le distributeur (art. 3(7)) met un système à disposition sur le marché sans en être "
    "le fournisseur ni l'importateur. Pour un système à haut risque, ils ont leurs propres obligations "
    "(art. 23 et 24).",
    "Art. 3(3)-(7) AI Act; importers and distributors of high-risk systems: Art. 23 and 24.",
    in_scope,
    "système d'IA non exclu",
)

_add(
    "art25_triggers",
    "ai_act",
    "role_organisation",
    "multi",
    _o(
        (
            "own_name_on_high_risk",
            "A apposé son nom ou sa marque sur un système à haut risque",
            "Put its name or trademark on a high-risk system",
        ),
        (
            "substantial_modification",
            "A apporté une modification substantielle à un système à haut risque",
            "Made a substantial modification to a high-risk system",
        ),
        (
            "changed_purpose_to_high_risk",
            "A modifié la destination d'un système, qui devient à haut risque",
            "Changed the intended purpose so that it becomes high-risk",
        ),
        ("none", "Aucun", "None"),
    ),
    "L'organisation a-t-elle…",
    "Has the organisation…",
    f"Article 25(1) du {AI_ACT} : un déployeur, un importateur ou un distributeur est considéré comme "
    "fournisseur d'un système à haut risque, et soumis aux obligations de l'article 16, s'il appose son nom "
    "ou sa marque sur un système à haut risque déjà mis sur le marché, s'il y apporte une modification "
    "substantielle, ou s'il en modifie la destination de sorte qu'il devienne à haut risque.",
    "Art. 25(1) AI Act.",
    lambda a: one_of(a, "role", frozenset({"deployer", "importer", "distributor"})),
    "rôle de déployeur, d'importateur ou de distributeur",
)

_add(
    "organisation_kind",
    "ai_act",
    "role_organisation",
    "single",
    _o(
        (
            "public_law_body",
            "Personne morale de droit public (État, collectivité, établissement public, GIP : hôpitaux "
            "publics, MDPH, départements, ARS, Cnam…)",
            "Public-law body (State, local authority, public establishment, GIP)",
        ),
        (
            "private_public_service",
            "Organisme de droit privé chargé d'une mission de service public (CAF, CPAM, ESPIC, ESSMS "
            "privé autorisé)",
            "Private-law body entrusted with a public service (CAF, CPAM, ESPIC…)",
        ),
        ("private_other", "Autre organisme privé", "Other private body"),
    ),
    "Nature juridique de l'organisation",
    "Legal nature of the deployer",
    f"Article 27(1) du {AI_ACT} : l'analyse d'impact sur les droits fondamentaux est exigée des déployeurs "
    "qui sont des organismes de droit public ou des entités privées fournissant des services publics. "
    "L'article 49(3) impose l'enregistrement aux déployeurs qui sont des autorités publiques ou agissent "
    "pour leur compte, et l'article 111(2) fixe au 2 août 2030 la mise en conformité des systèmes destinés "
    "à être utilisés par des autorités publiques. Cette réponse sert aussi au RGPD (art. 6(1), dernier "
    "alinéa) et au code des relations entre le public et l'administration.",
    "Art. 27(1), 49(3), 111(2) AI Act.",
    _always,
    "toujours",
)

_add(
    "in_service_before_application",
    "ai_act",
    "role_organisation",
    "bool",
    YES_NO,
    "Le système a-t-il été mis sur le marché ou en service avant sa date d'application « haut risque » ?",
    "Was the system placed on the market or put into service before its high-risk application date?",
    f"Article 111(2) du {AI_ACT}, modifié par le règlement « Digital Omnibus on AI » : le règlement ne "
    "s'applique aux systèmes à haut risque mis sur le marché ou en service avant la date d'application du "
    "chapitre III que s'ils font ensuite l'objet de modifications importantes de leur conception ; les "
    "fournisseurs et déployeurs de systèmes destinés à être utilisés par des autorités publiques doivent "
    "toutefois s'y conformer au plus tard le 2 août 2030.",
    "Art. 111(2) AI Act (public authorities: 2 Aug 2030).",
    lambda a: t_and(high_risk_condition(a), _public_org(a)),
    "résultat à haut risque et organisme public ou chargé d'un service public",
)

# ---------------------------------------------------------------------------------------------------
# B. GDPR and French law
# ---------------------------------------------------------------------------------------------------

_add(
    "personal_data",
    "gdpr",
    "personal_data",
    "bool",
    YES_NO,
    "Le système traite-t-il des données personnelles, y compris pseudonymisées ?",
    "Does it process personal data, including pseudonymised data?",
    "Article 4(1) du règlement (UE) 2016/679 (RGPD) : est une donnée personnelle toute information se "
    "rapportant à une personne physique identifiée ou identifiable, directement ou indirectement. Les "
    "données pseudonymisées restent des données personnelles (considérant 26) ; seules les données "
    "anonymisées, sans réidentification raisonnablement possible, sortent du RGPD.",
    "GDPR Art. 4(1) and recital 26.",
    _always,
    "toujours",
)

_add(
    "special_categories",
    "gdpr",
    "personal_data",
    "multi",
    _o(
        ("health", "Santé", "Health"),
        ("genetic", "Génétique", "Genetic"),
        ("biometric_identification", "Biométrie aux fins d'identification", "Biometric identification"),
        ("racial_ethnic", "Origine raciale ou ethnique", "Racial or ethnic origin"),
        (
            "political_religious_union",
            "Opinions politiques, convictions religieuses ou philosophiques, appartenance syndicale",
            "Political, religious or union",
        ),
        ("sex_life_orientation", "Vie sexuelle ou orientation sexuelle", "Sex life or orientation"),
        ("none", "Aucune", "None"),
    ),
    "Catégories particulières de données",
    "Special categories",
    "Article 9(1) du RGPD : le traitement de ces données est interdit sauf exception de l'article 9(2). Les "
    "données de santé comprennent toute information sur la santé physique ou mentale, passée, présente ou "
    "future (art. 4(15)).",
    "GDPR Art. 9(1), 4(15).",
    _personal,
    "données personnelles",
)

_add(
    "nir",
    "gdpr",
    "personal_data",
    "bool",
    YES_NO,
    "Utilise-t-il le numéro d'inscription au répertoire (NIR, numéro de sécurité sociale) ?",
    "Does it use the social security number (NIR)?",
    "Article 30 de la loi n° 78-17 du 6 janvier 1978 (LIL) et décret n° 2019-341 du 19 avril 2019 (décret-"
    "cadre NIR) : l'utilisation du NIR n'est permise qu'aux responsables et pour les finalités que ce décret "
    "énumère (protection sociale, santé…), sinon un décret en Conseil d'État pris après avis de la CNIL est "
    "nécessaire.",
    "LIL Art. 30 and decree 2019-341 (NIR).",
    _personal,
    "données personnelles",
)

_add(
    "legal_basis",
    "gdpr",
    "personal_data",
    "single",
    _o(
        ("public_task", "Mission d'intérêt public (e)", "Public task (e)"),
        ("legal_obligation", "Obligation légale (c)", "Legal obligation (c)"),
        ("contract", "Contrat (b)", "Contract (b)"),
        ("consent", "Consentement (a)", "Consent (a)"),
        ("vital_interests", "Intérêts vitaux (d)", "Vital interests (d)"),
        ("legitimate_interests", "Intérêts légitimes (f)", "Legitimate interests (f)"),
    ),
    "Base légale du traitement",
    "Legal basis",
    "Article 6(1) du RGPD. Le dernier alinéa de l'article 6(1) exclut l'intérêt légitime (f) pour les "
    "traitements effectués par les autorités publiques dans l'exécution de leurs missions : un organisme "
    "public s'appuie en principe sur la mission d'intérêt public (e) ou l'obligation légale (c).",
    "GDPR Art. 6(1).",
    _personal,
    "données personnelles",
)

_add(
    "art9_exception",
    "gdpr",
    "personal_data",
    "single",
    _o(
        (
            "care",
            "Médecine préventive, diagnostics, soins, gestion des systèmes de santé (9(2)(h))",
            "Care (9(2)(h))",
        ),
        (
            "public_health",
            "Intérêt public dans le domaine de la santé publique (9(2)(i))",
            "Public health (9(2)(i))",
        ),
        ("research", "Recherche scientifique (9(2)(j))", "Research (9(2)(j))"),
        (
            "social_protection",
            "Droit du travail, de la sécurité sociale et de la protection sociale (9(2)(b))",
            "Social protection (9(2)(b))",
        ),
        (
            "substantial_public_interest",
            "Motif d'intérêt public important (9(2)(g))",
            "Substantial public interest (9(2)(g))",
        ),
        ("explicit_consent", "Consentement explicite (9(2)(a))", "Explicit consent (9(2)(a))"),
    ),
    "Exception à l'interdiction de l'article 9",
    "Exception to the Art. 9 ban",
    "Article 9(2) du RGPD et article 6 de la loi n° 78-17 (LIL). Pour la recherche en santé, les articles "
    "66 et 72 et suivants de la LIL imposent une méthodologie de référence de la CNIL ou une autorisation.",
    "GDPR Art. 9(2); LIL Art. 6, 66, 72 ff.",
    lambda a: any_real_option(a, "special_categories"),
    "une catégorie particulière cochée",
)

_add(
    "research_framework",
    "gdpr",
    "personal_data",
    "single",
    _o(
        (
            "mr_001",
            "MR-001 (recherches impliquant la personne humaine avec recueil du consentement)",
            "MR-001",
        ),
        ("mr_002", "MR-002 (études non interventionnelles de performances des dispositifs de DIV)", "MR-002"),
        (
            "mr_003",
            "MR-003 (recherches impliquant la personne humaine sans recueil du consentement)",
            "MR-003",
        ),
        (
            "mr_004",
            "MR-004 (recherches n'impliquant pas la personne humaine, études et évaluations)",
            "MR-004",
        ),
        ("mr_005", "MR-005 (accès au PMSI et au SNDS par des établissements et fédérations)", "MR-005"),
        ("mr_006", "MR-006 (accès au PMSI par des industriels de santé)", "MR-006"),
        ("cnil_authorisation", "Autorisation de la CNIL", "CNIL authorisation"),
        ("none", "Aucun", "None"),
    ),
    "Cadre français de la recherche en santé",
    "French framework for health research",
    "Articles 66 et 72 et suivants de la loi n° 78-17 (LIL) : un traitement de données de santé à des fins "
    "de "
    "recherche, d'étude ou d'évaluation doit être conforme à une méthodologie de référence homologuée par "
    "la CNIL (MR-001 à MR-006) ou autorisé par elle.",
    "LIL Art. 66, 72 ff. (CNIL reference methodologies).",
    lambda a: selected(a, "art9_exception", "research"),
    "exception « recherche »",
)

_add(
    "automated_decision",
    "gdpr",
    "personal_data",
    "single",
    _o(
        (
            "solely_automated_significant",
            "Décision entièrement automatisée, sans examen humain réel, produisant des effets juridiques ou "
            "significatifs",
            "Solely automated with legal or similarly significant effect",
        ),
        ("human_decides", "Une personne décide, en examinant réellement le résultat", "A person decides"),
        ("no_decision_about_persons", "Aucune décision sur des personnes", "No decision about persons"),
    ),
    "Comment les décisions concernant les personnes sont-elles prises à partir du résultat ?",
    "How are decisions about persons taken with the output?",
    "Article 22 du RGPD : toute personne a le droit de ne pas faire l'objet d'une décision fondée "
    "exclusivement sur un traitement automatisé, y compris le profilage, produisant des effets juridiques "
    "la concernant ou l'affectant de manière significative de façon similaire, sauf exceptions de "
    "l'article 22(2) et garanties ; l'article 22(4) restreint encore ces décisions pour les catégories "
    "particulières. Un examen humain de pure forme ne suffit pas.",
    "GDPR Art. 22.",
    _personal,
    "données personnelles",
)

_add(
    "individual_administrative_decision",
    "gdpr",
    "personal_data",
    "bool",
    YES_NO,
    "Le résultat sert-il à une décision administrative individuelle ?",
    "Is the output used for an individual administrative decision?",
    "Article L.311-3-1 du code des relations entre le public et l'administration (CRPA) : une décision "
    "individuelle prise sur le fondement d'un traitement algorithmique comporte une mention explicite qui "
    "en informe l'intéressé ; les règles et principales caractéristiques du traitement lui sont communiquées "
    "à sa demande (art. R.311-3-1-1 et R.311-3-1-2). Article 47 de la loi n° 78-17 : une décision "
    "administrative individuelle ne peut être fondée exclusivement sur un algorithme lorsqu'il traite des "
    "catégories particulières de données.",
    "CRPA L.311-3-1, R.311-3-1-1/-2; LIL Art. 47.",
    lambda a: t_and(_personal(a), _public_org(a)),
    "données personnelles, organisme public ou chargé d'un service public",
)

_add(
    "art35_3",
    "gdpr",
    "dpia",
    "multi",
    _o(
        (
            "systematic_evaluation_legal_effect",
            "Évaluation systématique et approfondie d'aspects personnels fondée sur un traitement "
            "automatisé, "
            "servant de fondement à des décisions produisant des effets juridiques (a)",
            "Systematic and extensive evaluation with legal effects (a)",
        ),
        (
            "large_scale_special_categories",
            "Traitement à grande échelle de catégories particulières de données (b)",
            "Large-scale special categories (b)",
        ),
        (
            "systematic_public_monitoring",
            "Surveillance systématique à grande échelle d'une zone accessible au public (c)",
            "Systematic monitoring of a public area (c)",
        ),
        ("none", "Aucun", "None"),
    ),
    "Cas de l'article 35(3) du RGPD",
    "Art. 35(3) cases",
    "Article 35(3) du RGPD : l'analyse d'impact relative à la protection des données (AIPD) est notamment "
    "requise dans ces trois cas.",
    "GDPR Art. 35(3).",
    _personal,
    "données personnelles",
)

_add(
    "cnil_list",
    "gdpr",
    "dpia",
    "multi",
    _o(
        (
            "health_care_establishment",
            "1. Données de santé traitées par les établissements de santé ou médico-sociaux pour la prise en "
            "charge des personnes",
            "1. Health data processed by health or medico-social establishments for care",
        ),
        (
            "genetic_vulnerable",
            "2. Données génétiques de personnes vulnérables",
            "2. Genetic data of vulnerable persons",
        ),
        ("hr_profiling", "3. Profilage à des fins de gestion des ressources humaines", "3. HR profiling"),
        (
            "employee_monitoring",
            "4. Surveillance constante de l'activité des employés",
            "4. Constant monitoring of employees",
        ),
        (
            "social_health_alerts",
            "5. Gestion des alertes et signalements en matière sociale et sanitaire",
            "5. Social and health alerts and reports",
        ),
        (
            "professional_alerts",
            "6. Gestion des alertes et signalements en matière professionnelle",
            "6. Professional alerts",
        ),
        (
            "health_data_warehouse",
            "7. Entrepôt de données de santé ou registre",
            "7. Health data warehouse or registry",
        ),
        (
            "profiling_exclusion_contract",
            "8. Profilage pouvant aboutir à l'exclusion du bénéfice d'un contrat ou d'une prestation, ou à "
            "sa "
            "suspension ou rupture",
            "8. Profiling that may exclude from, suspend or end a contract or benefit",
        ),
        (
            "shared_breach_files",
            "9. Fichiers mutualisés de manquements contractuels",
            "9. Shared files of contractual breaches",
        ),
        (
            "profiling_external_sources",
            "10. Profilage à partir de données de sources externes",
            "10. Profiling with external data",
        ),
        (
            "biometric_vulnerable",
            "11. Données biométriques de reconnaissance de personnes vulnérables",
            "11. Biometrics of vulnerable persons",
        ),
        (
            "social_housing",
            "12. Instruction des demandes et gestion des logements sociaux",
            "12. Social housing",
        ),
        (
            "social_medico_social_support",
            "13. Accompagnement social ou médico-social des personnes",
            "13. Social or medico-social support",
        ),
        (
            "large_scale_location",
            "14. Données de localisation à large échelle",
            "14. Large-scale location data",
        ),
        ("none", "Aucun", "None"),
    ),
    "Liste CNIL des traitements soumis à AIPD",
    "CNIL list of processing requiring a DPIA",
    "Délibération CNIL n° 2018-327 du 11 octobre 2018 (liste des types d'opérations de traitement pour "
    "lesquelles une AIPD est requise, prise en application de l'article 35(4) du RGPD). Un traitement qui "
    "figure sur cette liste exige une AIPD.",
    "CNIL deliberation 2018-327 (GDPR Art. 35(4)).",
    _personal,
    "données personnelles",
)

_add(
    "edpb_criteria",
    "gdpr",
    "dpia",
    "multi",
    _o(
        ("evaluation_scoring", "Évaluation ou notation, y compris profilage", "Evaluation or scoring"),
        (
            "automated_decision_legal_effect",
            "Décision automatisée avec effet juridique ou similaire",
            "Automated decision with legal effect",
        ),
        ("systematic_monitoring", "Surveillance systématique", "Systematic monitoring"),
        ("sensitive_data", "Données sensibles ou à caractère hautement personnel", "Sensitive data"),
        ("large_scale", "Traitement à grande échelle", "Large scale"),
        ("matching_datasets", "Croisement ou combinaison d'ensembles de données", "Matching datasets"),
        (
            "vulnerable_subjects",
            "Personnes vulnérables (patients, personnes âgées ou handicapées, enfants, allocataires, "
            "salariés)",
            "Vulnerable subjects",
        ),
        (
            "innovative_technology",
            "Usage innovant ou nouvelle solution technologique",
            "Innovative technology",
        ),
        (
            "prevents_right_or_service",
            "Exclusion du bénéfice d'un droit, d'un service ou d'un contrat",
            "Prevents exercising a right or using a service",
        ),
        ("none", "Aucun", "None"),
    ),
    "Critères du CEPD remplis",
    "EDPB criteria met (WP248)",
    "Lignes directrices WP248 rév.01 du groupe de l'article 29, reprises par le CEPD : un traitement qui "
    "remplit au moins deux des neuf critères exige en principe une AIPD. La plateforme coche d'office « "
    "données sensibles » si une catégorie particulière est traitée, « décision automatisée » si la décision "
    "est entièrement automatisée et « évaluation ou notation » si le système effectue un profilage. La CNIL "
    "considère que les traitements fondés sur l'IA remplissent souvent le critère « usage innovant » : à "
    "vous de l'apprécier, la case n'est pas cochée d'office.",
    "WP248 rev.01 nine criteria (two or more: DPIA).",
    _personal,
    "données personnelles",
)

_add(
    "residual_high_risk",
    "gdpr",
    "dpia",
    "bool",
    YES_NO,
    "Après les mesures prévues, un risque résiduel élevé subsiste-t-il ?",
    "After the planned measures, does a high residual risk remain?",
    "Article 36(1) du RGPD : lorsque l'AIPD indique que le traitement présenterait un risque élevé si le "
    "responsable du traitement ne prenait pas de mesures pour atténuer le risque, la CNIL doit être "
    "consultée préalablement à sa mise en œuvre.",
    "GDPR Art. 36 prior consultation.",
    dpia_required_condition,
    "AIPD requise",
)

_add(
    "hosting",
    "gdpr",
    "hosting_devices",
    "single",
    _o(
        ("internal", "Infrastructure propre du responsable du traitement", "Controller's own infrastructure"),
        ("third_party_hds", "Hébergeur tiers certifié HDS", "Third party certified HDS"),
        ("third_party_not_hds", "Hébergeur tiers non certifié HDS", "Third party not HDS"),
        (
            "public_cloud_unknown_certification",
            "Cloud public, certification inconnue",
            "Public cloud, certification unknown",
        ),
    ),
    "Où les données sont-elles hébergées ?",
    "Where are the data hosted?",
    "Article L.1111-8 du code de la santé publique : toute personne qui héberge des données de santé "
    "recueillies à l'occasion d'activités de prévention, de diagnostic, de soins ou de suivi social et "
    "médico-social, pour le compte de personnes qui les produisent ou les recueillent, doit être certifiée "
    "« hébergeur de données de santé » (HDS).",
    "French Public Health Code L.1111-8 (HDS).",
    _personal,
    "données personnelles",
)

_add(
    "seeks_reimbursement",
    "gdpr",
    "hosting_devices",
    "bool",
    YES_NO,
    "Le dispositif visera-t-il un remboursement ou une inscription sur une liste nationale ?",
    "Will the device seek reimbursement or a national listing?",
    "Articles L.165-1 et suivants du code de la sécurité sociale : l'inscription sur la liste des produits "
    "et "
    "prestations remboursables (ou la prise en charge anticipée) suppose un dossier d'évaluation déposé "
    "auprès de la Haute Autorité de santé (HAS).",
    "Social Security Code L.165-1 (HAS evaluation).",
    lambda a: selected(a, "annex1_product", "mdr"),
    "dispositif médical",
)

QUESTIONS: tuple[Question, ...] = tuple(_Q)
QUESTIONS_BY_ID: Mapping[str, Question] = MappingProxyType({q.id: q for q in QUESTIONS})
QUESTION_ORDER: Mapping[str, int] = MappingProxyType({q.id: i for i, q in enumerate(QUESTIONS)})

_GROUPS: tuple[tuple[str, Part, str, str], ...] = (
    ("ai_system", "ai_act", "Système d'IA", "AI system"),
    ("exclusions_prohibitions", "ai_act", "Exclusions et interdictions", "Exclusions and prohibitions"),
    ("high_risk", "ai_act", "Haut risque", "High risk"),
    (
        "transparency_gpai",
        "ai_act",
        "Transparence et IA à usage général",
        "Transparency and general-purpose AI",
    ),
    ("role_organisation", "ai_act", "Rôle et organisation", "Role and organisation"),
    ("personal_data", "gdpr", "Données personnelles", "Personal data"),
    ("dpia", "gdpr", "AIPD", "DPIA"),
    ("hosting_devices", "gdpr", "Hébergement et dispositifs médicaux", "Hosting and medical devices"),
)

SECTIONS: tuple[Section, ...] = tuple(
    Section(gid, part, fr, en, tuple(q.id for q in QUESTIONS if q.group == gid))
    for gid, part, fr, en in _GROUPS
)


def option_label_fr(question_id: str, option_id: str) -> str:
    for option in QUESTIONS_BY_ID[question_id].options:
        if option.id == option_id:
            return option.label_fr
    return option_id


__all__ = [
    "QUESTIONS",
    "QUESTIONS_BY_ID",
    "SECTIONS",
    "Option",
    "Question",
    "Section",
    "option_label_fr",
]
