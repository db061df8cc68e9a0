"""A readable French summary of a qualification result."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .engine import DISCLAIMER_FR, FLAG_LABELS_FR
from .law import LAW_TABLES
from .questions import QUESTIONS_BY_ID

CATEGORY_LABELS_FR: Mapping[str, str] = {
    "not_ai_system": "Pas un système d'IA au sens de l'AI Act",
    "excluded": "Exclu du champ de l'AI Act",
    "prohibited": "Pratique interdite",
    "high_risk": "Système à haut risque",
    "limited": "Risque limité (obligations de transparence)",
    "minimal": "Risque minimal",
    "undetermined": "Indéterminé : des réponses manquent",
}

DPIA_LABELS_FR: Mapping[str, str] = {
    "required": "requise",
    "recommended": "recommandée",
    "not_required": "non requise",
    "undetermined": "indéterminée (réponses manquantes)",
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


def _yes_no(value: Any) -> str:
    if value is None:
        return "indéterminé"
    return "oui" if value else "non"


def _questions(ids: list[str]) -> str:
    return "\n".join(f"  - {qid} : {QUESTIONS_BY_ID[qid].text_fr}" for qid in ids)


def format_text_fr(result: Mapping[str, Any]) -> str:
    """A plain-text French summary of :func:`~atlasia.core.qualification.qualify`'s result."""
    ai = result["ai_act"]
    gdpr = result["gdpr"]
    mdr = result["mdr"]
    law = LAW_TABLES.get(result["law_version"])
    lines: list[str] = ["QUALIFICATION DU CAS D'USAGE", ""]
    lines.append(f"Version du droit : {result['law_version']}" + (f" ({law.label_fr})" if law else ""))
    lines.append(f"Confiance : {'discutable' if result['confidence'] == 'debatable' else 'certaine'}")
    lines += ["", "AI Act (règlement (UE) 2024/1689)"]
    lines.append(f"  Catégorie : {CATEGORY_LABELS_FR.get(ai['category'], ai['category'])}")
    if ai["bases"]:
        lines.append(f"  Fondements : {', '.join(ai['bases'])}")
    if ai["transparency"]:
        lines.append(f"  Transparence (art. 50) : {', '.join(ai['transparency'])}")
    if ai["role"]:
        role = ROLE_LABELS_FR.get(ai["role"], ai["role"])
        suffix = " (devenu fournisseur, art. 25(1))" if ai["became_provider_art25"] else ""
        lines.append(f"  Rôle : {role}{suffix}")
    gpai = ai["gpai"]
    if any(gpai.values()):
        parts = [
            "fournisseur de modèle d'IA à usage général" if gpai["provider"] else "",
            "modèle modifié (obligations limitées à la modification)"
            if gpai["modified_model_provider"]
            else "",
            "risque systémique" if gpai["systemic_risk"] else "",
        ]
        lines.append(f"  IA à usage général : {', '.join(p for p in parts if p)}")
    lines.append(f"  Analyse d'impact sur les droits fondamentaux (art. 27) : {_yes_no(ai['fria_required'])}")
    reg = ai["registration"]
    reg_text = _yes_no(reg["required"])
    if reg["sections"]:
        reg_text += f" (annexe VIII, section(s) {', '.join(reg['sections'])})"
    if reg["non_public"]:
        reg_text += ", partie non publique"
    lines.append(f"  Enregistrement dans la base de l'UE (art. 49) : {reg_text}")
    if reg["national_level"]:
        lines.append("  Enregistrement au niveau national (art. 49(5), annexe III point 2)")
    if ai["obligations"]:
        lines.append("  Obligations :")
        for item in ai["obligations"]:
            when = item["applies_from"] or "date non définie"
            who = ROLE_LABELS_FR.get(item["role"], item["role"])
            lines.append(f"    - art. {item['article']} : {item['title_fr']} ({who}, à partir du {when})")
    if ai["missing"]:
        lines.append("  Réponses manquantes :")
        lines.append(_questions(ai["missing"]))

    lines += ["", "RGPD et droit français"]
    lines.append(f"  Données personnelles : {_yes_no(gdpr['personal_data'])}")
    if gdpr["special_categories"]:
        lines.append(f"  Catégories particulières : {', '.join(gdpr['special_categories'])}")
    lines.append(f"  AIPD : {DPIA_LABELS_FR.get(gdpr['dpia'], gdpr['dpia'])}")
    if gdpr["dpia_reasons"]:
        lines.append(f"  Déclencheurs de l'AIPD : {', '.join(gdpr['dpia_reasons'])}")
    lines.append(
        "  Consultation préalable de la CNIL possible (art. 36) : "
        f"{_yes_no(gdpr['prior_consultation_possible'])}"
    )
    lines.append(f"  Décision entièrement automatisée (art. 22) : {_yes_no(gdpr['art22'])}")
    lines.append(f"  Mention CRPA (L.311-3-1) : {_yes_no(gdpr['crpa_mention_required'])}")
    lines.append(f"  Hébergeur certifié HDS requis : {_yes_no(gdpr['hds_required'])}")
    for flag in gdpr["flags"]:
        lines.append(f"  ! {FLAG_LABELS_FR.get(flag, flag)}")
    if gdpr["missing"]:
        lines.append("  Réponses manquantes :")
        lines.append(_questions(gdpr["missing"]))

    if mdr["class"] or mdr["ce_marking_required"] or mdr["has_evaluation_flag"]:
        lines += ["", "Dispositif médical"]
        if mdr["class"]:
            how = " (estimée par la règle 11)" if mdr["derived_by"] == "rule_11" else ""
            lines.append(f"  Classe : {mdr['class']}{how}")
        lines.append(f"  Marquage CE requis : {_yes_no(mdr['ce_marking_required'])}")
        if mdr["has_evaluation_flag"]:
            lines.append("  Remboursement visé : prévoir le dossier d'évaluation de la HAS")

    if result["debatable_reasons"]:
        lines += ["", "Points discutables"]
        lines += [f"  - {reason}" for reason in result["debatable_reasons"]]
    if result["ignored"]:
        lines += ["", f"Réponses ignorées (questions non posées) : {', '.join(result['ignored'])}"]
    if result["citations"]:
        lines += ["", "Références"]
        lines += [f"  - {c}" for c in result["citations"]]
    lines += ["", DISCLAIMER_FR]
    return "\n".join(lines) + "\n"
