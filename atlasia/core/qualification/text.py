"""A readable summary of a qualification result, in French (the source) or in English (the command line's
``atlasia qualify --format text --lang en``).

The English comes from the same sources as the web screens' (:mod:`atlasia.qualification.display`): the
project's catalogue (``locale/en/LC_MESSAGES/django.po``, msgid = the French text) for the labels, the
engine's flags and debatable reasons; the questions', obligations' and law versions' own English; the
disclaimer's English; the legal references through :data:`CITATION_EN` (shared with the screens).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from atlasia.core.cli_language import cli_gettext

from .engine import DISCLAIMER_EN, DISCLAIMER_FR, FLAG_LABELS_FR
from .law import LAW_TABLES
from .questions import QUESTIONS_BY_ID


def gettext_noop(text: str) -> str:
    """Marks a French text for the catalogue (``makemessages``); translated where it is shown."""
    return text


CATEGORY_LABELS_FR: Mapping[str, str] = {
    "not_ai_system": gettext_noop("Pas un système d'IA au sens de l'AI Act"),
    "excluded": gettext_noop("Exclu du champ de l'AI Act"),
    "prohibited": gettext_noop("Pratique interdite"),
    "high_risk": gettext_noop("Système à haut risque"),
    "limited": gettext_noop("Risque limité (obligations de transparence)"),
    "minimal": gettext_noop("Risque minimal"),
    "undetermined": gettext_noop("Indéterminé : des réponses manquent"),
}

DPIA_LABELS_FR: Mapping[str, str] = {
    "required": gettext_noop("requise"),
    "recommended": gettext_noop("recommandée"),
    "not_required": gettext_noop("non requise"),
    "undetermined": gettext_noop("indéterminée (réponses manquantes)"),
}

ROLE_LABELS_FR: Mapping[str, str] = {
    "provider_and_deployer": "fournisseur et déployeur",
    "deployer": "déployeur",
    "provider": "fournisseur",
    "importer": "importateur",
    "distributor": "distributeur",
    "gpai_provider": "fournisseur du modèle",
    "all": "tous les opérateurs",
}

#: The roles' English (the screens' too): « fournisseur » is "provider" here, not the catalogue's "vendor".
ROLE_LABELS_EN: Mapping[str, str] = {
    "provider_and_deployer": "provider and deployer",
    "deployer": "deployer",
    "provider": "provider",
    "importer": "importer",
    "distributor": "distributor",
    "gpai_provider": "provider of the general-purpose AI model",
    "all": "all operators",
}

#: The engine stores its legal references as French text: their English wording, phrase by phrase
#: (references are names and numbers, so a phrase table reads correctly; longest phrases first).
CITATION_EN: tuple[tuple[str, str], ...] = (
    (
        "Lignes directrices de la Commission sur les modèles d'IA à usage général (juillet 2025)",
        "Commission guidelines on general-purpose AI models (July 2025)",
    ),
    (
        "lignes directrices de la Commission sur la définition des systèmes d'IA (février 2025)",
        "Commission guidelines on the definition of AI systems (February 2025)",
    ),
    ("lignes directrices WP248 rév.01 (CEPD)", "WP248 rev.01 guidelines (EDPB)"),
    (
        "(contenus intimes réalistes d'une personne identifiable sans son consentement explicite)",
        "(realistic intimate content of an identifiable person without their explicit consent)",
    ),
    (
        "(matériel pédopornographique au sens de la directive 2011/93/UE, art. 2, points c) et e))",
        "(child sexual abuse material within the meaning of Directive 2011/93/EU, Art. 2, "
        "points (c) and (e))",
    ),
    (
        "(seules certaines dispositions s'appliquent, les exigences passant par la législation sectorielle)",
        "(only certain provisions apply, the requirements being met through the sectoral legislation)",
    ),
    (
        "marquage de l'art. 50(2) au plus tard le 2 décembre 2026 pour les systèmes mis sur le marché "
        "avant le 2 août 2026",
        "marking under Art. 50(2) by 2 December 2026 at the latest for systems placed on the market before "
        "2 August 2026",
    ),
    ("insérés par le règlement (UE)", "inserted by Regulation (EU)"),
    ("section A", "Section A"),
    ("section B", "Section B"),
    ("section non publique de la base de données", "non-public section of the database"),
    ("enregistrement au niveau national", "registration at national level"),
    ("obligations des importateurs", "obligations of importers"),
    ("obligations des distributeurs", "obligations of distributors"),
    ("absents de la version du droit appliquée", "absent from the version of the law applied"),
    ("décret n° 2019-341 du 19 avril 2019", "Decree No. 2019-341 of 19 April 2019"),
    ("Code de la santé publique", "Public Health Code"),
    ("Code de la sécurité sociale", "Social Security Code"),
    ("évaluation par la HAS", "assessment by the HAS"),
    ("délibération CNIL n°", "CNIL deliberation No."),
    ("loi n° 78-17", "Act No. 78-17"),
    ("Loi n° 78-17", "Act No. 78-17"),
    ("notation sociale", "social scoring"),
    ("premier alinéa", "first subparagraph"),
    ("dernier alinéa", "last subparagraph"),
    ("Règlement (UE)", "Regulation (EU)"),
    ("règlement (UE)", "Regulation (EU)"),
    ("règle 11", "rule 11"),
    ("et suivants", "ff."),
    ("annexe ", "Annex "),
    ("art. ", "Art. "),
    (" ; ", "; "),
    (" : ", ": "),
    (" et ", " and "),
    ("RGPD", "GDPR"),
)


def citation_en(text: str) -> str:
    """A legal reference stored by the engine (French) in English."""
    for french, english in CITATION_EN:
        text = text.replace(french, english)
    return text


def _yes_no(value: Any, _: Callable[[str], str]) -> str:
    if value is None:
        return _("indéterminé")
    return _("oui") if value else _("non")


def _role(code: str, english: bool) -> str:
    return (ROLE_LABELS_EN if english else ROLE_LABELS_FR).get(code, code)


def _questions(ids: list[str], english: bool) -> str:
    def text(qid: str) -> str:
        question = QUESTIONS_BY_ID[qid]
        return question.text_en if english else question.text_fr

    return "\n".join(f"  - {qid} : {text(qid)}" if not english else f"  - {qid}: {text(qid)}" for qid in ids)


def format_text_fr(result: Mapping[str, Any]) -> str:
    """A plain-text French summary of :func:`~atlasia.core.qualification.qualify`'s result."""
    return format_text(result, "fr")


def format_text(result: Mapping[str, Any], language: str = "fr") -> str:
    """A plain-text summary of :func:`~atlasia.core.qualification.qualify`'s result in ``language``
    (``"fr"`` or ``"en"``)."""
    _ = cli_gettext(language)
    en = language == "en"
    ai = result["ai_act"]
    gdpr = result["gdpr"]
    mdr = result["mdr"]
    law = LAW_TABLES.get(result["law_version"])
    lines: list[str] = [_("QUALIFICATION DU CAS D'USAGE"), ""]
    law_text = result["law_version"] + (f" ({law.label_en if en else law.label_fr})" if law else "")
    lines.append(_("Version du droit : %(version)s") % {"version": law_text})
    confidence = _("discutable") if result["confidence"] == "debatable" else _("certaine")
    lines.append(_("Confiance : %(confidence)s") % {"confidence": confidence})
    lines += ["", _("AI Act (règlement (UE) 2024/1689)")]
    category = CATEGORY_LABELS_FR.get(ai["category"])
    lines.append(
        "  " + _("Catégorie : %(category)s") % {"category": _(category) if category else ai["category"]}
    )
    if ai["bases"]:
        lines.append("  " + _("Fondements : %(bases)s") % {"bases": ", ".join(ai["bases"])})
    if ai["transparency"]:
        lines.append(
            "  " + _("Transparence (art. 50) : %(duties)s") % {"duties": ", ".join(ai["transparency"])}
        )
    if ai["role"]:
        role = _role(ai["role"], en)
        if ai["became_provider_art25"]:
            lines.append("  " + _("Rôle : %(role)s (devenu fournisseur, art. 25(1))") % {"role": role})
        else:
            lines.append("  " + _("Rôle : %(role)s") % {"role": role})
    gpai = ai["gpai"]
    if any(gpai.values()):
        parts = [
            _("fournisseur de modèle d'IA à usage général") if gpai["provider"] else "",
            _("modèle modifié (obligations limitées à la modification)")
            if gpai["modified_model_provider"]
            else "",
            _("risque systémique") if gpai["systemic_risk"] else "",
        ]
        lines.append("  " + _("IA à usage général : %(parts)s") % {"parts": ", ".join(p for p in parts if p)})
    lines.append(
        "  "
        + _("Analyse d'impact sur les droits fondamentaux (art. 27) : %(answer)s")
        % {"answer": _yes_no(ai["fria_required"], _)}
    )
    reg = ai["registration"]
    reg_text = _yes_no(reg["required"], _)
    if reg["sections"]:
        reg_text += " " + _("(annexe VIII, section(s) %(sections)s)") % {
            "sections": ", ".join(reg["sections"])
        }
    if reg["non_public"]:
        reg_text += _(", partie non publique")
    lines.append(
        "  " + _("Enregistrement dans la base de l'UE (art. 49) : %(answer)s") % {"answer": reg_text}
    )
    if reg["national_level"]:
        lines.append("  " + _("Enregistrement au niveau national (art. 49(5), annexe III point 2)"))
    if ai["obligations"]:
        lines.append("  " + _("Obligations :"))
        for item in ai["obligations"]:
            values = {
                "article": item["article"],
                "title": (item.get("title_en") or item["title_fr"]) if en else item["title_fr"],
                "role": _role(item["role"], en),
                "date": item["applies_from"] or _("date non définie"),
            }
            lines.append(
                "    - " + _("art. %(article)s : %(title)s (%(role)s, à partir du %(date)s)") % values
            )
    if ai["missing"]:
        lines.append("  " + _("Réponses manquantes :"))
        lines.append(_questions(ai["missing"], en))

    lines += ["", _("RGPD et droit français")]
    lines.append(
        "  " + _("Données personnelles : %(answer)s") % {"answer": _yes_no(gdpr["personal_data"], _)}
    )
    if gdpr["special_categories"]:
        lines.append(
            "  "
            + _("Catégories particulières : %(categories)s")
            % {"categories": ", ".join(gdpr["special_categories"])}
        )
    dpia = DPIA_LABELS_FR.get(gdpr["dpia"])
    lines.append("  " + _("AIPD : %(dpia)s") % {"dpia": _(dpia) if dpia else gdpr["dpia"]})
    if gdpr["dpia_reasons"]:
        lines.append(
            "  " + _("Déclencheurs de l'AIPD : %(reasons)s") % {"reasons": ", ".join(gdpr["dpia_reasons"])}
        )
    lines.append(
        "  "
        + _("Consultation préalable de la CNIL possible (art. 36) : %(answer)s")
        % {"answer": _yes_no(gdpr["prior_consultation_possible"], _)}
    )
    lines.append(
        "  "
        + _("Décision entièrement automatisée (art. 22) : %(answer)s") % {"answer": _yes_no(gdpr["art22"], _)}
    )
    lines.append(
        "  "
        + _("Mention CRPA (L.311-3-1) : %(answer)s") % {"answer": _yes_no(gdpr["crpa_mention_required"], _)}
    )
    lines.append(
        "  " + _("Hébergeur certifié HDS requis : %(answer)s") % {"answer": _yes_no(gdpr["hds_required"], _)}
    )
    for flag in gdpr["flags"]:
        lines.append(f"  ! {_(FLAG_LABELS_FR[flag]) if flag in FLAG_LABELS_FR else flag}")
    if gdpr["missing"]:
        lines.append("  " + _("Réponses manquantes :"))
        lines.append(_questions(gdpr["missing"], en))

    if mdr["class"] or mdr["ce_marking_required"] or mdr["has_evaluation_flag"]:
        lines += ["", _("Dispositif médical")]
        if mdr["class"]:
            if mdr["derived_by"] == "rule_11":
                lines.append("  " + _("Classe : %(cls)s (estimée par la règle 11)") % {"cls": mdr["class"]})
            else:
                lines.append("  " + _("Classe : %(cls)s") % {"cls": mdr["class"]})
        lines.append(
            "  " + _("Marquage CE requis : %(answer)s") % {"answer": _yes_no(mdr["ce_marking_required"], _)}
        )
        if mdr["has_evaluation_flag"]:
            lines.append("  " + _("Remboursement visé : prévoir le dossier d'évaluation de la HAS"))

    if result["debatable_reasons"]:
        lines += ["", _("Points discutables")]
        lines += [f"  - {_(reason)}" for reason in result["debatable_reasons"]]
    if result["ignored"]:
        lines += [
            "",
            _("Réponses ignorées (questions non posées) : %(ids)s") % {"ids": ", ".join(result["ignored"])},
        ]
    if result["citations"]:
        lines += ["", _("Références")]
        lines += [f"  - {citation_en(c) if en else c}" for c in result["citations"]]
    lines += ["", DISCLAIMER_EN if en else DISCLAIMER_FR]
    return "\n".join(lines) + "\n"
