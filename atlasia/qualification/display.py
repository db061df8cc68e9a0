"""Wording of a stored result in the active language (French source through gettext): category labels and
colours, bases with their article, answers, the card's content and the field-by-field comparison of two
versions.

Shared by the screens and the generated documents, so that both say the same thing; the documents are
built under ``translation.override("fr")`` and stay French.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from atlasia.core.qualification import (
    CURRENT_LAW_VERSION,
    DISCLAIMER_EN,
    DISCLAIMER_FR,
    FLAG_LABELS_FR,
    LAW_TABLES,
    QUESTIONS,
    QUESTIONS_BY_ID,
)
from atlasia.core.qualification.text import ROLE_LABELS_EN, citation_en

from .enums import CATEGORY_BADGE, Category

UNKNOWN_FR = "Je ne sais pas"


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


CATEGORY_LONG_FR: dict[str, Any] = {
    "prohibited": _l("Pratique interdite (art. 5)"),
    "high_risk": _l("Système à haut risque"),
    "limited": _l("Risque limité : obligations de transparence (art. 50)"),
    "minimal": _l("Risque minimal"),
    "undetermined": _l("Indéterminé : des réponses manquent"),
    "not_ai_system": _l("Pas un système d'IA au sens de l'art. 3(1)"),
    "excluded": _l("Exclu du champ de l'AI Act (art. 2)"),
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
ROLE_EN: Mapping[str, str] = ROLE_LABELS_EN  # shared with the command line


def role_label(code: str) -> str:
    """The organisation's AI Act role in the active language."""
    if (get_language() or "fr").startswith("en"):
        return ROLE_EN.get(code, code or "not determined")
    return ROLE_FR.get(code, code or "non déterminé")


DPIA_FR: dict[str, Any] = {
    "required": _l("requise"),
    "recommended": _l("recommandée"),
    "not_required": _l("non requise"),
    "undetermined": _l("indéterminée (réponses manquantes)"),
}

_ANNEX3: dict[str, Any] = {
    "1": _l("biométrie"),
    "2": _l("infrastructures critiques"),
    "3": _l("éducation et formation"),
    "4a": _l("recrutement"),
    "4b": _l("décisions relatives au travail"),
    "5a": _l("prestations et services publics essentiels, y compris les soins"),
    "5b": _l("solvabilité"),
    "5c": _l("assurance vie et santé"),
    "5d": _l("appels d'urgence et triage des patients"),
    "6": _l("répression"),
    "7": _l("migration, asile, contrôle aux frontières"),
    "8": _l("justice et processus démocratiques"),
}

_ART5: dict[str, Any] = {
    "a": _l("manipulation subliminale"),
    "b": _l("exploitation des vulnérabilités"),
    "c": _l("notation sociale"),
    "d": _l("profilage prédictif d'infractions"),
    "e": _l("moissonnage d'images faciales"),
    "f": _l("reconnaissance des émotions au travail ou à l'école"),
    "g": _l("catégorisation biométrique sensible"),
    "h": _l("identification biométrique à distance en temps réel"),
}

_ART6_3: dict[str, Any] = {
    "a": _l("tâche procédurale étroite"),
    "b": _l("amélioration d'une activité humaine déjà réalisée"),
    "c": _l("détection de schémas sans remplacer l'évaluation humaine"),
    "d": _l("tâche préparatoire"),
}

_ART50: dict[str, Any] = {
    "art50_1": _l("Art. 50(1) — informer les personnes qu'elles interagissent avec un système d'IA"),
    "art50_2": _l("Art. 50(2) — marquer les contenus synthétiques (audio, image, vidéo, texte)"),
    "art50_3": _l(
        "Art. 50(3) — informer les personnes exposées à la reconnaissance des émotions "
        "ou à la catégorisation biométrique"
    ),
    "art50_4": _l("Art. 50(4) — signaler les hypertrucages et les textes publiés pour informer le public"),
}

_FIXED_BASES: dict[str, Any] = {
    "art3_1": _l("Art. 3(1) — pas un système d'IA (système à règles fixes ou optimisation de base)"),
    "art2_3": _l("Art. 2(3) — fins militaires, de défense ou de sécurité nationale"),
    "art2_6": _l("Art. 2(6) — recherche et développement scientifiques uniquement"),
    "art2_8": _l("Art. 2(8) — essais avant mise sur le marché"),
    "art2_10": _l("Art. 2(10) — usage personnel non professionnel"),
    "art2_12": _l("Art. 2(12) — licence libre et ouverte"),
    "art5_1_ba": _l(
        "Art. 5(1)(ba) — contenus intimes réalistes d'une personne identifiable sans son "
        "consentement explicite (règlement (UE) 2026/1744)"
    ),
    "art5_1_bb": _l("Art. 5(1)(bb) — matériel pédopornographique (règlement (UE) 2026/1744)"),
    "art6_1_annex1": _l("Art. 6(1) et annexe I, section A — produit soumis à une évaluation par un tiers"),
    "art6_1_annex1_section_b": _l(
        "Art. 6(1) et annexe I, section B — produit soumis à une évaluation par un "
        "tiers ; l'art. 2(2) limite les dispositions applicables"
    ),
}


def basis_label(basis: str) -> str:
    """« Art. 6(2) et annexe III, point 5(a) — … » for a machine-readable basis ID of the engine, in the
    active language."""
    if basis in _FIXED_BASES:
        return str(_FIXED_BASES[basis])
    if basis.startswith("annex3_"):
        point = basis.removeprefix("annex3_")
        shown = point if len(point) == 1 else f"{point[0]}({point[1:]})"
        area = _ANNEX3.get(point)
        if area is None:
            return _("Art. 6(2) et annexe III, point %(point)s") % {"point": shown}
        return _("Art. 6(2) et annexe III, point %(point)s — %(area)s") % {"point": shown, "area": area}
    if basis.startswith("art5_1_"):
        letter = basis[-1]
        return _("Art. 5(1)(%(letter)s) — %(practice)s") % {
            "letter": letter,
            "practice": _ART5.get(letter, ""),
        }
    if basis.startswith("art6_3_"):
        letter = basis[-1]
        return _("Art. 6(3)(%(letter)s) — %(condition)s : pas de haut risque sur ce fondement") % {
            "letter": letter,
            "condition": _ART6_3.get(letter, ""),
        }
    if basis.startswith("art6_1_mdr_class_"):
        cls = basis.removeprefix("art6_1_mdr_class_").replace("Is_Im", _("I stérile ou mesurage"))
        return _("Art. 6(1) et annexe I — dispositif médical de classe %(cls)s (règlement (UE) 2017/745)") % {
            "cls": cls
        }
    if basis.startswith("art6_1_ivdr_class_"):
        cls = basis.removeprefix("art6_1_ivdr_class_").replace("A_sterile", _("A stérile"))
        return _(
            "Art. 6(1) et annexe I — dispositif de diagnostic in vitro de classe %(cls)s "
            "(règlement (UE) 2017/746)"
        ) % {"cls": cls}
    return basis


def transparency_label(duty: str) -> str:
    return str(_ART50.get(duty, duty))


def article_fr(article: str) -> str:
    """The engine's article reference in the active language (« 49(1), Annex VIII A » → « 49(1), annexe
    VIII A » in French)."""
    return article if _english() else article.replace("Annex", "annexe")


def option_label(qid: str, option: str) -> str:
    english = _english()
    if option == "unknown":
        return _("Je ne sais pas")
    question = QUESTIONS_BY_ID.get(qid)
    if question is not None and question.type == "bool":
        return {"yes": _("Oui"), "no": _("Non")}.get(option, option)
    for o in question.options if question else ():
        if o.id == option:
            return o.label_en if english else o.label_fr
    return option


def answer_text(qid: str, value: Any) -> str:
    """An answer as a sentence fragment in the active language (« — » when not answered)."""
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return " ; ".join(option_label(qid, v) for v in value) or "—"
    return option_label(qid, str(value))


def dpia_reason_label(reason: str) -> str:
    """« cnil:health_care_establishment » → « Liste CNIL (délibération 2018-327) : … »."""
    source, _sep, option = reason.partition(":")
    if source == "cnil":
        return _("Liste CNIL (délibération n° 2018-327) : %(item)s") % {
            "item": option_label("cnil_list", option)
        }
    if source == "art35_3":
        return _("RGPD, art. 35(3) : %(item)s") % {"item": option_label("art35_3", option)}
    if source == "edpb":
        return _("Critère du CEPD (WP248) : %(item)s") % {"item": option_label("edpb_criteria", option)}
    return reason


def yes_no(value: Any) -> str:
    if value is None:
        return _("indéterminé")
    return _("oui") if value else _("non")


def category_label(code: str) -> str:
    try:
        return str(Category(code).label)
    except ValueError:
        return code


def law_label(version: str) -> str:
    law = LAW_TABLES.get(version)
    if not law:
        return version
    return f"{version} ({law.label_en if _english() else law.label_fr})"


def citation_label(text: str) -> str:
    """A legal reference stored by the engine (French), in the active language."""
    return citation_en(text) if _english() else text


def _engine_text(text: str) -> str:
    """A French sentence stored by the engine in a result (a debatable reason), in the active language."""
    return _(text) if text else text


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
                "title": item.get("title_en" if _english() else "title_fr", "") or item.get("title_fr", ""),
                "role": role_label(item.get("role", "")),
                "applicable": when is not None and when <= today,
            }
        )
    rows.sort(key=lambda r: (r["date"] is None, r["date"] or dt.date.max, r["article"]))
    return rows


def question_text(qid: str) -> str:
    question = QUESTIONS_BY_ID.get(qid)
    if question is None:
        return qid
    return question.text_en if _english() else question.text_fr


def result_summary(result: Mapping[str, Any], law_version: str | None = None) -> dict[str, Any]:
    """Everything the card (and the documents) show, in the active language."""
    ai = result.get("ai_act") or {}
    gdpr = result.get("gdpr") or {}
    mdr = result.get("mdr") or {}
    category = ai.get("category", "undetermined")
    registration = ai.get("registration") or {}
    law_version = law_version or result.get("law_version", "")
    return {
        "category": category,
        "category_label": category_label(category),
        "category_long": str(CATEGORY_LONG_FR.get(category, category)),
        "badge_class": CATEGORY_BADGE.get(category, ""),
        "bases": [basis_label(b) for b in ai.get("bases") or []],
        "transparency": [transparency_label(t) for t in ai.get("transparency") or []],
        "role": role_label(ai.get("role") or ""),
        "role_label": role_label(ai.get("role") or ""),
        "became_provider": ai.get("became_provider_art25"),
        "gpai": ai.get("gpai") or {},
        "confidence": result.get("confidence"),
        "confidence_label": _("discutable") if result.get("confidence") == "debatable" else _("certaine"),
        "debatable_reasons": [_engine_text(r) for r in result.get("debatable_reasons") or []],
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
        "dpia_label": str(DPIA_FR.get(gdpr.get("dpia") or "", gdpr.get("dpia") or "")),
        "dpia_reasons": [dpia_reason_label(r) for r in gdpr.get("dpia_reasons") or []],
        "prior_consultation": yes_no(gdpr.get("prior_consultation_possible")),
        "prior_consultation_possible": gdpr.get("prior_consultation_possible") is True,
        "art22": gdpr.get("art22"),
        "art22_label": yes_no(gdpr.get("art22")),
        "crpa": gdpr.get("crpa_mention_required"),
        "crpa_label": yes_no(gdpr.get("crpa_mention_required")),
        "hds": gdpr.get("hds_required"),
        "hds_label": yes_no(gdpr.get("hds_required")),
        "gdpr_flags": [_engine_text(FLAG_LABELS_FR.get(f, f)) for f in gdpr.get("flags") or []],
        "gdpr_missing": [(q, question_text(q)) for q in gdpr.get("missing") or []],
        "mdr_class": mdr.get("class"),
        "mdr_rule_11": mdr.get("derived_by") == "rule_11",
        "mdr_ce": mdr.get("ce_marking_required"),
        "mdr_has": mdr.get("has_evaluation_flag"),
        "citations": [citation_label(c) for c in result.get("citations") or []],
        "law_version": law_version,
        "law_label": law_label(law_version),
        "outdated": bool(law_version) and law_version != CURRENT_LAW_VERSION,
        "current_law_label": law_label(CURRENT_LAW_VERSION),
        "disclaimer": DISCLAIMER_EN if _english() else DISCLAIMER_FR,
    }


# --- comparison of two versions ---------------------------------------------------------------------

_RESULT_FIELDS: tuple[tuple[str, Any], ...] = (
    ("category_label", _l("Catégorie AI Act")),
    ("bases", _l("Fondements")),
    ("transparency", _l("Obligations de transparence (art. 50)")),
    ("role", _l("Rôle de l'organisation")),
    ("fria_label", _l("Analyse d'impact sur les droits fondamentaux (art. 27)")),
    ("registration_label", _l("Enregistrement dans la base de l'UE (art. 49)")),
    ("registration_sections", _l("Sections de l'annexe VIII")),
    ("obligations", _l("Obligations")),
    ("ai_missing", _l("Réponses manquantes (AI Act)")),
    ("confidence_label", _l("Confiance")),
    ("debatable_reasons", _l("Points discutables")),
    ("dpia_label", _l("AIPD (RGPD, art. 35)")),
    ("dpia_reasons", _l("Déclencheurs de l'AIPD")),
    ("prior_consultation", _l("Consultation préalable de la CNIL possible (art. 36)")),
    ("art22_label", _l("Décision entièrement automatisée (RGPD, art. 22)")),
    ("crpa_label", _l("Mention CRPA (L.311-3-1)")),
    ("hds_label", _l("Hébergeur certifié HDS requis")),
    ("gdpr_flags", _l("Alertes RGPD et droit français")),
    ("gdpr_missing", _l("Réponses manquantes (RGPD)")),
    ("mdr_class", _l("Classe du dispositif médical")),
    ("law_label", _l("Version du droit")),
)


def _flat(key: str, value: Any) -> list[str]:
    if key == "obligations":
        return [
            f"{o['date'].strftime('%d/%m/%Y') if o['date'] else _('date non définie')} — "
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
    field of the card. Each row: ``label``, ``old``, ``new`` (lists of strings in the active language),
    ``changed``, and for lists ``added``/``removed``.
    """
    answers = []
    for question in QUESTIONS:
        a, b = old.answers.get(question.id), new.answers.get(question.id)
        if a is None and b is None:
            continue
        answers.append(
            {
                "qid": question.id,
                "label": question.text_en if _english() else question.text_fr,
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
                "label": str(label),
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
