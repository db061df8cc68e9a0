"""Documents of an in-house provider of a high-risk system, generated from the compliance file:

* the technical documentation of AI Act Art. 11 and Annex IV, prefilled from the record, the
  qualification, the latest evaluation (metrics, fairness gaps and their intervals, calibration) and the
  risk register;
* the post-market monitoring plan (Art. 72(1) to (3));
* the EU declaration of conformity (Art. 47, the eight points of Annex V).

They reuse the structure and both renderings of the qualification documents (DOCX with python-docx, PDF
with WeasyPrint from the same neutral structure), so the two files say the same thing. The numbering
follows the annexes of the official text (tests/qualification/legal/ai_act_consolidated_2026-07-27.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from atlasia.core.evaluation.reading import fmt_int, fmt_number, fmt_pct, metric_label
from atlasia.evaluation.refs import RunRef, finished_runs_of
from atlasia.monitoring import refs as monitoring_refs
from atlasia.qualification.display import result_summary
from atlasia.qualification.documents import TODO, Document
from atlasia.qualification.selectors import QualificationRef, latest_ref, versions_of
from atlasia.registry.models import UseCase

from . import selectors
from .enums import LEVEL_LABELS
from .models import ObligationItem, Risk

#: The documents (titles in French, as printed in them; :func:`kinds` gives them in the reader's language).
KINDS: dict[str, str] = {
    "annexe-iv": gettext_noop("Documentation technique (AI Act, art. 11 et annexe IV)"),
    "plan-surveillance": gettext_noop("Plan de surveillance après commercialisation (AI Act, art. 72)"),
    "declaration-ue": gettext_noop("Déclaration UE de conformité (AI Act, art. 47 et annexe V)"),
}


def kinds() -> dict[str, str]:
    """The titles of :data:`KINDS` in the reader's language (the documents themselves stay in French)."""
    return {kind: gettext(title) for kind, title in KINDS.items()}


CODES = {"annexe-iv": "DT", "plan-surveillance": "PSAC", "declaration-ue": "DUE"}

#: Metrics shown as percentages in the documents.
_PCT = {
    "accuracy",
    "precision",
    "recall",
    "false_positive_rate",
    "false_negative_rate",
    "selection_rate",
    "f1",
}
_MAIN_METRICS = ("accuracy", "precision", "recall", "false_positive_rate", "f1", "roc_auc", "brier", "ece")


class NotApplicable(Exception):
    """The use case is not a high-risk system of which the organisation is the provider."""


@dataclass(frozen=True)
class Sources:
    use_case: UseCase
    qualification: QualificationRef
    evaluation: RunRef | None
    risks: list[Risk]
    obligations: dict[str, ObligationItem]


def applicable(use_case: UseCase) -> bool:
    """These documents are the provider's: a high-risk result with the provider role (Art. 16)."""
    latest = latest_ref(use_case)
    if latest is None:
        return False
    ai_act = latest.result.get("ai_act") or {}
    return ai_act.get("category") == "high_risk" and ai_act.get("role") in (
        "provider",
        "provider_and_deployer",
    )


def sources(use_case: UseCase) -> Sources:
    latest = latest_ref(use_case)
    if latest is None or not applicable(use_case):
        raise NotApplicable
    runs = finished_runs_of(use_case.pk)
    return Sources(
        use_case=use_case,
        qualification=latest,
        evaluation=runs[0] if runs else None,
        risks=list(selectors.risks_of(use_case)),
        obligations={i.key: i for i in selectors.obligations_of(use_case) if not i.dropped},
    )


def _new(kind: str, s: Sources) -> Document:
    summary = result_summary(s.qualification.result, s.qualification.law_version)
    uc = s.use_case
    return Document(
        kind=kind,
        title=KINDS[kind],
        subtitle=uc.title,
        reference=_reference(kind, s),
        date=timezone.localdate(),
        organisation=uc.organisation.name,
        use_case_title=uc.title,
        law_label=summary["law_label"],
    )


def _reference(kind: str, s: Sources) -> str:
    return f"{CODES[kind]}-{s.use_case.uid.hex[:8].upper()}-Q{s.qualification.version}"


def _provider(uc: UseCase) -> str:
    org = uc.organisation
    parts = [org.name, org.city, f"SIREN {org.siren}" if org.siren else ""]
    return " — ".join(p for p in parts if p)


def _status(s: Sources, key: str) -> str:
    item = s.obligations.get(key)
    if item is None:
        return "non exigée par la qualification"
    text = item.get_status_display().lower()
    if item.signed_off_at:
        text += f", validée le {timezone.localtime(item.signed_off_at):%d/%m/%Y}"
    return text


def _label(name: str) -> str:
    """« AUC ROC », « Erreur de calibration (ECE) »: the label with only its first letter raised."""
    label = metric_label(name)
    return label[:1].upper() + label[1:]


def _metric(name: str, entry: dict[str, Any] | None) -> tuple[str, str]:
    if not entry:
        return "non défini", ""
    value = entry.get("value")
    ci = entry.get("ci")
    shown = fmt_pct(value, 1) if name in _PCT else fmt_number(value, 3)
    interval = ""
    if ci and ci[0] is not None and ci[1] is not None:
        interval = (
            f"{fmt_pct(ci[0], 1)} à {fmt_pct(ci[1], 1)}"
            if name in _PCT
            else f"{fmt_number(ci[0], 3)} à {fmt_number(ci[1], 3)}"
        )
    return shown, interval


def _evaluation_rows(run: RunRef) -> tuple[list[list[str]], list[list[str]]]:
    """Overall metrics with their intervals, and the largest gaps between groups with theirs."""
    result = run.result or {}
    metrics = (result.get("overall") or {}).get("metrics") or {}
    overall = []
    for name in _MAIN_METRICS:
        if name in metrics:
            value, interval = _metric(name, metrics[name])
            overall.append([_label(name), value, interval or "—"])
    gaps = []
    for grouping in result.get("groupings") or []:
        for name, gap in (grouping.get("gaps") or {}).items():
            if name not in ("recall", "false_positive_rate", "selection_rate", "precision", "roc_auc"):
                continue
            diff = gap.get("difference")
            ci = gap.get("ci")
            shown = (
                fmt_number(100 * diff, 1) + " pt"
                if diff is not None and name != "roc_auc"
                else fmt_number(diff, 3)
            )
            interval = "—"
            if ci and ci[0] is not None and ci[1] is not None:
                interval = (
                    f"{fmt_number(100 * ci[0], 1)} à {fmt_number(100 * ci[1], 1)} pt"
                    if name != "roc_auc"
                    else f"{fmt_number(ci[0], 3)} à {fmt_number(ci[1], 3)}"
                )
            gaps.append(
                [
                    f"{_label(name)} selon « {grouping.get('name')} »",
                    f"{gap.get('low_group')} / {gap.get('high_group')}",
                    shown,
                    interval,
                    "oui" if gap.get("excludes_zero") else "non",
                ]
            )
    return overall, gaps


def _risk_rows(risks: list[Risk]) -> list[list[str]]:
    rows = []
    for r in risks:
        residual = str(LEVEL_LABELS.get(r.residual_level, "")) if r.residual_level else "non évalué"
        if r.residual_acceptable is True:
            residual += " (jugé acceptable)"
        elif r.residual_acceptable is False:
            residual += " (non acceptable)"
        rows.append(
            [
                r.title,
                str(r.get_area_display()),
                f"{LEVEL_LABELS.get(r.level, '')} "
                f"({r.get_likelihood_display()} × {r.get_severity_display()})",
                r.mitigations or f"[{TODO}]",
                residual,
                f"{r.next_review_on:%d/%m/%Y}",
            ]
        )
    return rows


def _origin(doc: Document, s: Sources, what: str) -> None:
    summary = result_summary(s.qualification.result, s.qualification.law_version)
    sec = doc.section("0", "Objet du document")
    evaluation = (
        f"la dernière évaluation ({s.evaluation.label})"
        if s.evaluation
        else "aucune évaluation terminée à ce jour"
    )
    sec.p(
        f"Ce document est {what}, prérempli par Atlas IA à partir de la fiche du cas d'usage « "
        f"{s.use_case.title} », de sa qualification (version {s.qualification.version} du "
        f"{timezone.localtime(s.qualification.completed_at):%d/%m/%Y}, droit applicable : "
        f"{summary['law_label']}), de {evaluation} et du registre des risques ({len(s.risks)} risque(s)). "
        "Les "
        "parties marquées « {TODO} » sont à rédiger par le fournisseur."
    )
    sec.fields(
        [
            ("Fournisseur", _provider(s.use_case)),
            ("Système d'IA", s.use_case.title),
            ("Catégorie AI Act", summary["category_long"]),
            ("Fondements", " ; ".join(summary["bases"]) or "—"),
            ("Rôle de l'organisme", summary["role"]),
        ]
    )


# --- Annex IV -------------------------------------------------------------------------------------------


def build_annex_iv(s: Sources) -> Document:
    uc = s.use_case
    doc = _new("annexe-iv", s)
    _origin(
        doc, s, "la documentation technique de l'article 11 et de l'annexe IV du règlement (UE) 2024/1689"
    )
    answers = s.qualification.result
    annex1 = any(str(b).startswith("art6_1") for b in (answers.get("ai_act") or {}).get("bases") or [])

    doc.section("1", "Description générale du système d'IA")
    doc.section("1.1", "Destination, fournisseur et version (point 1, a)", level=2).fields(
        [
            ("Destination", uc.summary),
            ("Problème traité", uc.problem),
            ("Nom du fournisseur", _provider(uc)),
            ("Version du système et relation aux versions précédentes", ""),
        ]
    )
    doc.section(
        "1.2", "Interactions, logiciels, formes de mise en service, matériel (points 1, b à e)", level=2
    ).fields(
        [
            ("Interaction avec du matériel ou des logiciels, dont d'autres systèmes d'IA", ""),
            ("Versions des logiciels ou micrologiciels et exigences de mise à jour", ""),
            (
                "Formes de mise sur le marché ou de mise en service",
                f"Mis en service par {uc.organisation.name} pour son propre usage (développement interne)"
                if uc.provider_type == "in_house"
                else "",
            ),
            ("Matériel et hébergement", uc.get_hosting_display() if uc.hosting else ""),
        ]
    )
    doc.section("1.3", "Produit, interface et notice d'utilisation (points 1, f à h)", level=2).fields(
        [
            (
                "Photographies ou illustrations du produit",
                "À fournir (composant d'un produit de l'annexe I)"
                if annex1
                else "Sans objet : le système n'est pas un composant de produit",
            ),
            ("Interface utilisateur fournie au déployeur", ""),
            (
                "Notice d'utilisation à l'intention du déployeur (art. 13)",
                f"Obligation de l'article 13 : {_status(s, 'instructions_for_deployers')}",
            ),
        ]
    )

    doc.section("2", "Éléments du système et processus de développement")
    doc.section("2.1", "Méthodes, conception et architecture (points 2, a à c)", level=2).fields(
        [
            ("Méthodes et étapes de développement, outils ou systèmes pré-entraînés de tiers", ""),
            ("Technique d'IA", uc.ai_technique.label_fr),
            (
                "Logique générale, choix de conception, personnes ou groupes visés, "
                "ce que le système optimise",
                uc.target_population and f"Personnes concernées : {uc.target_population}",
            ),
            ("Architecture et ressources de calcul", ""),
        ]
    )
    doc.section("2.2", "Données (point 2, d)", level=2).fields(
        [
            ("Catégories de données", ", ".join(c.label_fr for c in uc.data_categories.all())),
            ("Provenance des données", uc.data_sources),
            ("Volumes", uc.data_volume),
            ("Méthodes d'étiquetage et de nettoyage", ""),
            ("Obligation de l'article 10 (données et gouvernance)", _status(s, "data_governance")),
        ]
    )
    doc.section("2.3", "Contrôle humain (point 2, e ; art. 14)", level=2).fields(
        [
            ("Mesures de contrôle humain", uc.human_oversight),
            ("Obligation de l'article 14", _status(s, "human_oversight_design")),
        ]
    )
    tests = doc.section("2.4", "Validation et tests (point 2, g)", level=2)
    if s.evaluation:
        run = s.evaluation
        data = (run.result or {}).get("data") or {}
        tests.p(
            f"{run.label} : {fmt_int(int(data.get('n_rows') or 0))} lignes de test, "
            f"prévalence {fmt_pct(data.get('prevalence'), 1)}. "
            "Intervalles de confiance par rééchantillonnage."
        )
        overall, gaps = _evaluation_rows(run)
        if overall:
            tests.table(["Métrique", "Valeur", "Intervalle de confiance"], overall)
        if gaps:
            tests.p("Écarts entre groupes (effets potentiellement discriminatoires) :")
            tests.table(
                [
                    "Écart",
                    "Groupes (plus bas / plus haut)",
                    "Différence",
                    "Intervalle",
                    "L'intervalle exclut 0",
                ],
                gaps,
            )
    else:
        tests.todo("Aucune évaluation terminée : déposez un fichier de prédictions dans l'onglet Évaluation.")
    doc.section("2.5", "Changements prédéterminés et cybersécurité (points 2, f et h)", level=2).fields(
        [
            ("Changements prédéterminés du système et de ses performances", ""),
            ("Mesures de cybersécurité", ""),
            (
                "Obligation de l'article 15 (exactitude, robustesse, cybersécurité)",
                _status(s, "accuracy_robustness_security"),
            ),
        ]
    )

    monitoring = doc.section("3", "Surveillance, fonctionnement et contrôle")
    monitoring.p(
        "Capacités et limites de performance, degrés d'exactitude pour les personnes ou groupes visés, "
        "résultats non voulus prévisibles et sources de risques pour la santé, la sécurité et les droits "
        "fondamentaux (voir 2.4 et 5), mesures de contrôle humain (voir 2.3)."
    )
    monitoring.fields([("Spécifications des données d'entrée", "")])

    metrics = doc.section("4", "Pertinence des métriques de performance")
    if s.evaluation:
        metrics.p(
            "Métriques calculées : "
            + ", ".join(
                metric_label(m)
                for m in _MAIN_METRICS
                if m in ((s.evaluation.result or {}).get("overall") or {}).get("metrics", {})
            )
            + "."
        )
    metrics.todo("Expliquer pourquoi ces métriques conviennent à la destination du système.")

    risks = doc.section("5", "Système de gestion des risques (art. 9)")
    risks.fields([("Obligation de l'article 9", _status(s, "risk_management"))])
    if s.risks:
        risks.table(
            [
                "Risque",
                "Ce qui est menacé",
                "Niveau initial",
                "Mesures",
                "Risque résiduel",
                "Prochaine revue",
            ],
            _risk_rows(s.risks),
        )
    else:
        risks.todo("Le registre des risques est vide.")

    changes = doc.section("6", "Modifications au cours du cycle de vie")
    rows = [
        [
            f"Qualification v{q.version}",
            f"{timezone.localtime(q.completed_at):%d/%m/%Y}",
            str(q.get_category_display()),
        ]
        for q in versions_of(uc)
    ]
    rows += [
        [f"Évaluation v{r.version}", f"{r.finished_at:%d/%m/%Y}" if r.finished_at else "", r.file_name]
        for r in finished_runs_of(uc.pk)
    ]
    changes.table(["Version", "Date", "Contenu"], rows)
    doc.section("7", "Normes harmonisées appliquées").todo(
        "Lister les normes harmonisées publiées au Journal officiel appliquées en tout ou partie ; à défaut, "
        "décrire les solutions adoptées pour satisfaire aux exigences du chapitre III, section 2."
    )
    doc.section("8", "Copie de la déclaration UE de conformité (art. 47)").fields(
        [
            (
                "Document",
                f"{KINDS['declaration-ue']} — {_reference('declaration-ue', s)}",
            ),
            ("Obligation de l'article 47", _status(s, "eu_declaration")),
        ]
    )
    doc.section("9", "Surveillance après commercialisation (art. 72)").fields(
        [
            (
                "Plan",
                f"{KINDS['plan-surveillance']} — {_reference('plan-surveillance', s)}",
            ),
            ("Obligation de l'article 72", _status(s, "post_market_monitoring")),
        ]
    )
    return doc


# --- post-market monitoring plan ------------------------------------------------------------------------


def build_monitoring_plan(s: Sources) -> Document:
    uc = s.use_case
    doc = _new("plan-surveillance", s)
    _origin(
        doc, s, "le plan de surveillance après commercialisation de l'article 72 du règlement (UE) 2024/1689"
    )
    doc.sections[0].note(
        "Le modèle de plan de la Commission est attendu au plus tard le 2 septembre 2027 (art. 72(3)) ; ce "
        "plan suit en attendant les éléments de l'article 72(1) et (2), et fait partie de la documentation "
        "technique."
    )
    incidents = monitoring_refs.incidents_of(uc.pk)
    externalities = monitoring_refs.externalities_of(uc.pk)
    collect = doc.section("1", "Données collectées sur les performances (art. 72(2))")
    collect.table(
        ["Source", "Ce qui est collecté", "État à ce jour"],
        [
            [
                "Évaluations périodiques",
                "Fichier de prédictions et résultats réels ; métriques, écarts entre groupes, "
                "calibration, dérive",
                s.evaluation.label if s.evaluation else "aucune évaluation terminée",
            ],
            ["Incidents", "Incidents et incidents graves (art. 73)", f"{len(incidents)} enregistré(s)"],
            [
                "Externalités négatives",
                "Signalements des agents et du public",
                f"{len(externalities)} enregistrée(s)",
            ],
            [
                "Retours des déployeurs",
                "Remontées des équipes qui utilisent le système (art. 26(5))",
                f"[{TODO}]",
            ],
        ],
    )
    indicators = doc.section("2", "Indicateurs et seuils d'alerte")
    if s.evaluation:
        overall, gaps = _evaluation_rows(s.evaluation)
        indicators.table(
            ["Indicateur", "Valeur de référence", "Intervalle", "Seuil d'alerte"],
            [[name, value, interval, f"[{TODO}]"] for name, value, interval in overall]
            + [[row[0], row[2], row[3], f"[{TODO}]"] for row in gaps],
        )
    else:
        indicators.todo("Fixer les indicateurs après la première évaluation.")
    owner = s.obligations.get("post_market_monitoring")
    doc.section("3", "Organisation").fields(
        [
            ("Responsable du plan", owner.owner_name if owner and owner.owner else ""),
            ("Fréquence de l'analyse", ""),
            (
                "Revue du registre des risques",
                ", ".join(f"{r.title} ({r.next_review_on:%d/%m/%Y})" for r in s.risks),
            ),
        ]
    )
    doc.section("4", "Analyse et actions").items(
        [
            "Évaluer la conformité continue du système aux exigences du chapitre III, section 2 "
            "(art. 72(2)).",
            "Signaler tout incident grave à l'autorité de surveillance du marché : au plus tard 15 jours "
            "après en avoir eu connaissance, 10 jours en cas de décès, 2 jours pour une infraction de grande "
            "ampleur ou un incident touchant une infrastructure critique (art. 73).",
            "Mettre à jour le registre des risques (art. 9(2)(c)) et, le cas échéant, prendre les mesures "
            "correctives nécessaires (art. 20).",
        ]
    )
    doc.section("5", "Interaction avec d'autres systèmes d'IA").todo(
        "Le cas échéant, analyser l'interaction avec d'autres systèmes d'IA (art. 72(2))."
    )
    return doc


# --- EU declaration of conformity (Annex V) ---------------------------------------------------------------


def build_declaration(s: Sources) -> Document:
    uc = s.use_case
    doc = _new("declaration-ue", s)
    result = s.qualification.result
    personal = (result.get("gdpr") or {}).get("personal_data") is True
    bases = (result.get("ai_act") or {}).get("bases") or []
    assessment = s.obligations.get("conformity_assessment")
    intro = doc.section("0", "Préalable")
    intro.p(
        "La déclaration UE de conformité ne peut être signée qu'une fois l'évaluation de la conformité menée "
        f"(art. 43). État de l'obligation de l'article 43 : {_status(s, 'conformity_assessment')}."
    )
    if assessment is None or not assessment.is_closed:
        intro.note("L'évaluation de la conformité n'est pas close : ce document reste un projet.")
    doc.section(
        "1", "Nom et type du système d'IA, référence permettant son identification et sa traçabilité"
    ).fields(
        [
            ("Nom", uc.title),
            ("Type", uc.ai_technique.label_fr),
            ("Référence", f"{uc.uid}"),
            ("Version", ""),
        ]
    )
    doc.section("2", "Nom et adresse du fournisseur").fields([("Fournisseur", _provider(uc))])
    doc.section("3", "Responsabilité").p(
        "La présente déclaration UE de conformité est établie sous la seule responsabilité de "
        f"{uc.organisation.name}."
    )
    doc.section("4", "Conformité").p(
        f"Le système d'IA « {uc.title} » est conforme au règlement (UE) 2024/1689"
        + (
            " et à la législation d'harmonisation de l'Union mentionnée ci-après (art. 47(3))."
            if any(str(b).startswith("art6_1") for b in bases)
            else "."
        )
    )
    doc.section("5", "Données à caractère personnel").p(
        "Le système d'IA traite des données à caractère personnel et est conforme aux règlements (UE) "
        "2016/679 et (UE) 2018/1725 et à la directive (UE) 2016/680."
        if personal
        else "Sans objet : le système ne traite pas de données à caractère personnel."
    )
    doc.section("6", "Normes harmonisées ou spécifications communes").todo(
        "Références des normes harmonisées ou spécifications communes au regard desquelles la conformité est "
        "déclarée."
    )
    notified = doc.section("7", "Organisme notifié")
    if any(str(b) == "annex3_1" for b in bases):
        notified.todo(
            "Biométrie (annexe III, point 1) : nom et numéro de l'organisme notifié, procédure suivie et "
            "certificat délivré, sauf application de normes harmonisées (art. 43(1))."
        )
    else:
        notified.p(
            "Sans objet : procédure fondée sur le contrôle interne (annexe VI), sans intervention d'un "
            "organisme notifié (art. 43(2))."
        )
    doc.section("8", "Lieu, date et signature").fields(
        [
            ("Lieu", uc.organisation.city),
            ("Date", ""),
            ("Nom et fonction du signataire", ""),
            ("Au nom de", uc.organisation.name),
            ("Signature", ""),
        ]
    )
    return doc


BUILDERS = {
    "annexe-iv": build_annex_iv,
    "plan-surveillance": build_monitoring_plan,
    "declaration-ue": build_declaration,
}


def build(kind: str, use_case: UseCase) -> Document:
    """The document ``kind`` of ``use_case`` (raises :class:`NotApplicable` when it is not a provider's
    high-risk system, ``KeyError`` for an unknown kind). French whatever the reader's language."""
    with translation.override("fr"):
        return BUILDERS[kind](sources(use_case))
