"""French wording of a stored result: category labels and colours, bases with their article, answers,
the card's content and the field-by-field comparison of two versions.

Shared by the screens and the generated documents, so that both say the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from atlasia.core.qualification import (
    CURRENT_LAW_VERSION,
    DISCLAIMER_FR,
    FLAG_LABELS_FR,
    LAW_TABLES,
    QUESTIONS,
    QUESTIONS_BY_ID,
)

from .enums import CATEGORY_BADGE, Category

UNKNOWN_FR = "Je ne sais pas"

CATEGORY_LONG_FR: dict[str, str] = {
    "prohibited": "Pratique interdite (art. 5)",
    "high_risk": "Système à haut risque",
    "limited": "Risque limité : obligations de transparence (art. 50)",
    "minimal": "Risque minimal",
    "undetermined": "Indéterminé : des réponses manquent",
    "not_ai_system": "Pas un système d'IA au sens de l'art. 3(1)",
    "excluded": "Exclu du champ de l'AI Act (art. 2)",
}

ROLE_FR: dict[str, str] = {
    "provider_and_deployer": "fournisseur et déployeur",
    "deployer": "déployeur",
    "provider": "fournisseur",
    "importer": "importateur",
    "distributor": "distributeur",
    "gpai_provider": "fournisseur du modèle d'IA à usage général",
    "all": "tous les opérateurs",
}
ROLE_EN: dict[str, str] = {
    "provider_and_deployer": "provider and deployer",
    "deployer": "deployer",
    "provider": "provider",
    "importer": "importer",
    "distributor": "distributor",
    "gpai_provider": "provider of the general-purpose AI model",
    "all": "all operators",
}


def role_label(code: str) -> str:
    """The organisation's AI Act role in the reader's language (the documents keep ``ROLE_FR``)."""
    from django.utils.translation import get_language

    if (get_language() or "fr").startswith("en"):
        return ROLE_EN.get(code, code or "not determined")
    return ROLE_FR.get(code, code or "non déterminé")


DPIA_FR: dict[str, str] = {
    "required": "requise",
    "recommended": "recommandée",
    "not_required": "non requise",
    "undetermined": "indéterminée (réponses manquantes)",
}

_ANNEX3: dict[str, str] = {
    "1": "biométrie",
    "2": "infrastructures critiques",
    "3": "éducation et formation",
    "4a": "recrutement",
    "4b": "décisions relatives au travail",
    "5a": "prestations et services publics essentiels, y compris les soins",
    "5b": "solvabilité",
    "5c": "assurance vie et santé",
    "5d": "appels d'urgence et triage des patients",
    "6": "répression",
    "7": "migration, asile, contrôle aux frontières",
    "8": "justice et processus démocratiques",
}

_ART5: dict[str, str] = {
    "a": "manipulation subliminale",
    "b": "exploitation des vulnérabilités",
    "c": "notation sociale",
    "d": "profilage prédictif d'infractions",
    "e": "moissonnage d'images faciales",
    "f": "reconnaissance des émotions au travail ou à l'école",
    "g": "catégorisation biométrique sensible",
    "h": "identification biométrique à distance en temps réel",
}

_ART6_3: dict[str, str] = {
    "a": "tâche procédurale étroite",
    "b": "amélioration d'une activité humaine déjà réalisée",
    "c": "détection de schémas sans remplacer l'évaluation humaine",
    "d": "tâche préparatoire",
}

_ART50: dict[str, str] = {
    "art50_1": "Art. 50(1) — informer les personnes qu'elles interagissent avec un système d'IA",
    "art50_2": "Art. 50(2) — marquer les contenus synthétiques (audio, image, vidéo, texte)",
    "art50_3": "Art. 50(3) — informer les personnes exposées à la reconnaissance des émotions "
    "ou à la catégorisation biométrique",
    "art50_4": "Art. 50(4) — signaler les hypertrucages et les textes publiés pour informer le public",
}

_FIXED_BASES: dict[str, str] = {
    "art3_1": "Art. 3(1) — pas un système d'IA (système à règles fixes ou optimisation de base)",
    "art2_3": "Art. 2(3) — fins militaires, de défense ou de sécurité nationale",
    "art2_6": "Art. 2(6) — recherche et développement scientifiques uniquement",
    "art2_8": "Art. 2(8) — essais avant mise sur le marché",
    "art2_10": "Art. 2(10) — usage personnel non professionnel",
    "art2_12": "Art. 2(12) — licence libre et ouverte",
    "art5_1_ba": "Art. 5(1)(ba) — contenus intimes réalistes d'une personne identifiable sans son "
    "consentement explicite (règlement (UE) 2026/1744)",
    "art5_1_bb": "Art. 5(1)(bb) — matériel pédopornographique (règlement (UE) 2026/1744)",
    "art6_1_annex1": "Art. 6(1) et annexe I, section A — produit soumis à une évaluation par un tiers",
    "art6_1_annex1_section_b": "Art. 6(1) et annexe I, section B — produit soumis à une évaluation par un "
    "tiers ; l'art. 2(2) limite les dispositions applicables",
}


def basis_label(basis: str) -> str:
    """« Annexe III, point 5(a) — … » for a machine-readable basis ID of the engine."""
    if basis in _FIXED_BASES:
        return _FIXED_BASES[basis]
    if basis.startswith("annex3_"):
        point = basis.removeprefix("annex3_")
        shown = point if len(point) == 1 else f"{point[0]}({point[1:]})"
        return f"Art. 6(2) et annexe III, point {shown} — {_ANNEX3.get(point, '')}".rstrip(" —")
    if basis.startswith("art5_1_"):
        letter = basis[-1]
        return f"Art. 5(1)({letter}) — {_ART5.get(letter, '')}"
    if basis.startswith("art6_3_"):
        letter = basis[-1]
        return f"Art. 6(3)({letter}) — {_ART6_3.get(letter, '')} : pas de haut risque sur ce fondement"
    if basis.startswith("art6_1_mdr_class_"):
        cls = basis.removeprefix("art6_1_mdr_class_").replace("Is_Im", "I stérile ou mesurage")
        return f"Art. 6(1) et annexe I — dispositif médical de classe {cls} (règlement (UE) 2017/745)"
    if basis.startswith("art6_1_ivdr_class_"):
        cls = basis.removeprefix("art6_1_ivdr_class_").replace("A_sterile", "A stérile")
        return (
            f"Art. 6(1) et annexe I — dispositif de diagnostic in vitro de classe {cls} "
            "(règlement (UE) 2017/746)"
        )
    return basis


def transparency_label(duty: str) -> str:
    return _ART50.get(duty, duty)


def article_fr(article: str) -> str:
    """The engine's article reference in French (« 49(1), Annex VIII A » → « 49(1), annexe VIII A »)."""
    return article.replace("Annex", "annexe")


def option_label(qid: str, option: str) -> str:
    if option == "unknown":
        return UNKNOWN_FR
    question = QUESTIONS_BY_ID.get(qid)
    if question is not None and question.type == "bool":
        return {"yes": "Oui", "no": "Non"}.get(option, option)
    for o in question.options if question else ():
        if o.id == option:
            return o.label_fr
    return option


def answer_text(qid: str, value: Any) -> str:
    """An answer as a French sentence fragment (« — » when not answered)."""
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return " ; ".join(option_label(qid, v) for v in value) or "—"
    return option_label(qid, str(value))


def dpia_reason_label(reason: str) -> str:
    """« cnil:health_care_establishment » → « Liste CNIL (délibération 2018-327) : … »."""
    source, _, option = reason.partition(":")
    if source == "cnil":
        return f"Liste CNIL (délibération n° 2018-327) : {option_label('cnil_list', option)}"
    if source == "art35_3":
        return f"RGPD, art. 35(3) : {option_label('art35_3', option)}"
    if source == "edpb":
        return f"Critère du CEPD (WP248) : {option_label('edpb_criteria', option)}"
    return reason


def yes_no(value: Any) -> str:
    if value is None:
        return "indéterminé"
    return "oui" if value else "non"


def category_label(code: str) -> str:
    try:
        return str(Category(code).label)
    except ValueError:
        return code


def law_label(version: str) -> str:
    law = LAW_TABLES.get(version)
    return f"{version} ({law.label_fr})" if law else version


def obligations_timeline(result: Mapping[str, Any], today: dt.date | None = None) -> list[dict[str, Any]]:
    """Obligations by date (undated last), each with ``applicable`` when its date has passed."""
    today = today or dt.date.today()
    rows = []
    for item in (result.get("ai_act") or {}).get("obligations") or []:
        when = dt.date.fromisoformat(item["applies_from"]) if item.get("applies_from") else None
        rows.append(
            {
                "date": when,
                "article": article_fr(item.get("article", "")),
                "title": item.get("title_fr", ""),
                "role": ROLE_FR.get(item.get("role", ""), item.get("role", "")),
                "applicable": when is not None and when <= today,
            }
        )
    rows.sort(key=lambda r: (r["date"] is None, r["date"] or dt.date.max, r["article"]))
    return rows


def question_text(qid: str) -> str:
    question = QUESTIONS_BY_ID.get(qid)
    return question.text_fr if question else qid


def result_summary(result: Mapping[str, Any], law_version: str | None = None) -> dict[str, Any]:
    """Everything the card (and the documents) show, already in French."""
    ai = result.get("ai_act") or {}
    gdpr = result.get("gdpr") or {}
    mdr = result.get("mdr") or {}
    category = ai.get("category", "undetermined")
    registration = ai.get("registration") or {}
    law_version = law_version or result.get("law_version", "")
    return {
        "category": category,
        "category_label": category_label(category),
        "category_long": CATEGORY_LONG_FR.get(category, category),
        "badge_class": CATEGORY_BADGE.get(category, ""),
        "bases": [basis_label(b) for b in ai.get("bases") or []],
        "transparency": [transparency_label(t) for t in ai.get("transparency") or []],
        "role": ROLE_FR.get(ai.get("role") or "", ai.get("role") or "non déterminé"),
        "role_label": role_label(ai.get("role") or ""),
        "became_provider": ai.get("became_provider_art25"),
        "gpai": ai.get("gpai") or {},
        "confidence": result.get("confidence"),
        "confidence_label": "discutable" if result.get("confidence") == "debatable" else "certaine",
        "debatable_reasons": result.get("debatable_reasons") or [],
        "fria_required": ai.get("fria_required"),
        "fria_label": yes_no(ai.get("fria_required")),
        "registration_required": registration.get("required"),
        "registration_label": yes_no(registration.get("required")),
        "registration_sections": registration.get("sections") or [],
        "registration_non_public": registration.get("non_public"),
        "registration_national": registration.get("national_level"),
        "obligations": obligations_timeline(result),
        "ai_missing": [(q, question_text(q)) for q in ai.get("missing") or []],
        "personal_data": gdpr.get("personal_data"),
        "special_categories": [
            option_label("special_categories", c) for c in gdpr.get("special_categories") or []
        ],
        "dpia": gdpr.get("dpia"),
        "dpia_label": DPIA_FR.get(gdpr.get("dpia") or "", gdpr.get("dpia") or ""),
        "dpia_reasons": [dpia_reason_label(r) for r in gdpr.get("dpia_reasons") or []],
        "prior_consultation": yes_no(gdpr.get("prior_consultation_possible")),
        "art22": gdpr.get("art22"),
        "art22_label": yes_no(gdpr.get("art22")),
        "crpa": gdpr.get("crpa_mention_required"),
        "crpa_label": yes_no(gdpr.get("crpa_mention_required")),
        "hds": gdpr.get("hds_required"),
        "hds_label": yes_no(gdpr.get("hds_required")),
        "gdpr_flags": [FLAG_LABELS_FR.get(f, f) for f in gdpr.get("flags") or []],
        "gdpr_missing": [(q, question_text(q)) for q in gdpr.get("missing") or []],
        "mdr_class": mdr.get("class"),
        "mdr_rule_11": mdr.get("derived_by") == "rule_11",
        "mdr_ce": mdr.get("ce_marking_required"),
        "mdr_has": mdr.get("has_evaluation_flag"),
        "citations": result.get("citations") or [],
        "law_version": law_version,
        "law_label": law_label(law_version),
        "outdated": bool(law_version) and law_version != CURRENT_LAW_VERSION,
        "current_law_label": law_label(CURRENT_LAW_VERSION),
        "disclaimer": DISCLAIMER_FR,
    }


# --- comparison of two versions ---------------------------------------------------------------------

_RESULT_FIELDS: tuple[tuple[str, str], ...] = (
    ("category_label", "Catégorie AI Act"),
    ("bases", "Fondements"),
    ("transparency", "Obligations de transparence (art. 50)"),
    ("role", "Rôle de l'organisation"),
    ("fria_label", "Analyse d'impact sur les droits fondamentaux (art. 27)"),
    ("registration_label", "Enregistrement dans la base de l'UE (art. 49)"),
    ("registration_sections", "Sections de l'annexe VIII"),
    ("obligations", "Obligations"),
    ("ai_missing", "Réponses manquantes (AI Act)"),
    ("confidence_label", "Confiance"),
    ("debatable_reasons", "Points discutables"),
    ("dpia_label", "AIPD (RGPD, art. 35)"),
    ("dpia_reasons", "Déclencheurs de l'AIPD"),
    ("prior_consultation", "Consultation préalable de la CNIL possible (art. 36)"),
    ("art22_label", "Décision entièrement automatisée (RGPD, art. 22)"),
    ("crpa_label", "Mention CRPA (L.311-3-1)"),
    ("hds_label", "Hébergeur certifié HDS requis"),
    ("gdpr_flags", "Alertes RGPD et droit français"),
    ("gdpr_missing", "Réponses manquantes (RGPD)"),
    ("mdr_class", "Classe du dispositif médical"),
    ("law_label", "Version du droit"),
)


def _flat(key: str, value: Any) -> list[str]:
    if key == "obligations":
        return [
            f"{o['date'].strftime('%d/%m/%Y') if o['date'] else 'date non définie'} — "
            f"art. {o['article']} — {o['title']}"
            for o in value
        ]
    if key in ("ai_missing", "gdpr_missing"):
        return [text for _qid, text in value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [] if value in (None, "") else [str(value)]


def compare(old: Any, new: Any) -> dict[str, list[dict[str, Any]]]:
    """Field-by-field comparison of two :class:`~atlasia.qualification.models.Qualification`.

    ``answers``: every question answered in either version, in questionnaire order; ``results``: every
    field of the card. Each row: ``label``, ``old``, ``new`` (lists of French strings), ``changed``,
    and for lists ``added``/``removed``.
    """
    answers = []
    for question in QUESTIONS:
        a, b = old.answers.get(question.id), new.answers.get(question.id)
        if a is None and b is None:
            continue
        answers.append(
            {
                "qid": question.id,
                "label": question.text_fr,
                "old": [answer_text(question.id, a)],
                "new": [answer_text(question.id, b)],
                "changed": a != b,
            }
        )
    s_old, s_new = result_summary(old.result, old.law_version), result_summary(new.result, new.law_version)
    results = []
    for key, label in _RESULT_FIELDS:
        a_list, b_list = _flat(key, s_old[key]), _flat(key, s_new[key])
        results.append(
            {
                "key": key,
                "label": label,
                "old": a_list or ["—"],
                "new": b_list or ["—"],
                "changed": a_list != b_list,
                "added": [x for x in b_list if x not in a_list],
                "removed": [x for x in a_list if x not in b_list],
            }
        )
    return {"answers": answers, "results": results}


def audit_answer(key: str, value: Any) -> tuple[str, str] | None:
    """An « answers.<question> » key of a qualification's audit row as (question, answer) in the active
    language, for the history tab (registered with atlasia.audit.display)."""
    from django.utils.translation import get_language

    question = QUESTIONS_BY_ID.get(key.removeprefix("answers."))
    if question is None:
        return None
    english = (get_language() or "fr").startswith("en")

    def one(option: Any) -> str:
        if option == "unknown":
            return "I don't know" if english else UNKNOWN_FR
        if question.type == "bool":
            yes_no = {"yes": ("Yes", "Oui"), "no": ("No", "Non")}.get(str(option))
            if yes_no:
                return yes_no[0] if english else yes_no[1]
        for o in question.options:
            if o.id == option:
                return o.label_en if english else o.label_fr
        return str(option)

    if value is None or value == "" or value == []:
        text = "—"
    elif isinstance(value, list | tuple):
        text = " ; ".join(one(v) for v in value) or "—"
    else:
        text = one(value)
    return (question.text_en if english else question.text_fr), text
