"""Documents generated from a completed qualification: the DPIA skeleton (CNIL PIA method), the FRIA
skeleton (AI Act Art. 27) and the EU database registration sheet (Annex VIII, Section A, B or C).

Each document is first built as a neutral structure (:class:`Document`: numbered sections made of
paragraphs, label/value fields, tables and « à compléter » prompts), prefilled from the use-case record
and the answers, then rendered either as an editable DOCX (python-docx) or as a PDF (WeasyPrint, from
``qualification/document_pdf.html``). Both renderings therefore say exactly the same thing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from atlasia.core.qualification import DISCLAIMER_FR

from .display import answer_text, basis_label, result_summary
from .models import Qualification

KINDS: dict[str, str] = {
    "aipd": gettext_noop("Analyse d'impact relative à la protection des données (AIPD)"),
    "aidf": gettext_noop("Analyse d'impact sur les droits fondamentaux (AIDF, art. 27 AI Act)"),
    "enregistrement": gettext_noop("Fiche d'enregistrement dans la base de données de l'UE (annexe VIII)"),
}


def kinds() -> dict[str, str]:
    """The titles of :data:`KINDS` in the reader's language (the documents themselves stay in French)."""
    return {kind: gettext(title) for kind, title in KINDS.items()}


TODO = "À compléter"


@dataclass
class Block:
    type: str  # "p", "fields", "table", "todo", "list", "note"
    text: str = ""
    rows: list[Any] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)


@dataclass
class DocSection:
    number: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 1

    def p(self, text: str) -> DocSection:
        self.blocks.append(Block("p", text=text))
        return self

    def note(self, text: str) -> DocSection:
        self.blocks.append(Block("note", text=text))
        return self

    def todo(self, text: str) -> DocSection:
        self.blocks.append(Block("todo", text=text))
        return self

    def fields(self, rows: list[tuple[str, str]]) -> DocSection:
        filled = [(label, (value[:1].upper() + value[1:]) or f"[{TODO}]") for label, value in rows]
        self.blocks.append(Block("fields", rows=filled))
        return self

    def table(self, headers: list[str], rows: list[list[str]]) -> DocSection:
        self.blocks.append(Block("table", headers=headers, rows=rows))
        return self

    def items(self, items: list[str]) -> DocSection:
        if items:
            self.blocks.append(Block("list", rows=list(items)))
        return self


@dataclass
class Document:
    kind: str
    title: str
    subtitle: str
    reference: str
    date: dt.date
    organisation: str
    use_case_title: str
    law_label: str
    sections: list[DocSection] = field(default_factory=list)
    disclaimer: str = DISCLAIMER_FR

    @property
    def css_title(self) -> str:
        return _css_string(self.title)

    @property
    def css_organisation(self) -> str:
        return _css_string(self.organisation)

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.reference.lower()}"

    def section(self, number: str, title: str, level: int = 1) -> DocSection:
        section = DocSection(number, title, level=level)
        self.sections.append(section)
        return section


def _css_string(text: str) -> str:
    """Text safe inside a double-quoted CSS string (the PDF's running headers and footers)."""
    return "".join(f"\\{ord(c):x} " if c in '"\\<>' or ord(c) < 32 else c for c in text)


# --- prefill helpers ---------------------------------------------------------------------------------


def _record(q: Qualification) -> dict[str, Any]:
    uc = q.use_case
    org = uc.organisation
    contacts = list(uc.contacts.all())
    return {
        "title": uc.title,
        "purpose": uc.summary,
        "problem": uc.problem,
        "benefits": uc.expected_benefits,
        "organisation": org.name,
        "org_address": ", ".join(
            x for x in (org.city, "France" if org.country == "FR" else org.country) if x
        ),
        "org_ids": " ; ".join(
            x
            for x in (f"SIREN {org.siren}" if org.siren else "", f"FINESS {org.finess}" if org.finess else "")
            if x
        ),
        "website": org.website,
        "contact": "; ".join(" — ".join(x for x in (c.role, c.name, c.email) if x) for c in contacts),
        "provider": uc.provider_name or (org.name if uc.provider_type == "in_house" else ""),
        "provider_type": uc.get_provider_type_display(),
        "technique": uc.ai_technique.label_fr,
        "data_categories": ", ".join(c.label_fr for c in uc.data_categories.all()),
        "data_sources": uc.data_sources,
        "data_volume": uc.data_volume,
        "hosting": uc.get_hosting_display() if uc.hosting else "",
        "population": uc.target_population,
        "oversight": uc.human_oversight,
        "status": uc.get_status_display(),
        "status_code": uc.status,
        "start": uc.start_date.strftime("%d/%m/%Y") if uc.start_date else "",
        "end": uc.end_date.strftime("%d/%m/%Y") if uc.end_date else "",
        "dates_note": uc.dates_note,
        "sites": uc.sites,
    }


def _a(q: Qualification, qid: str) -> str:
    value = q.answers.get(qid)
    return "" if value is None else answer_text(qid, value)


def _new(kind: str, q: Qualification) -> Document:
    summary = result_summary(q.result, q.law_version)
    code = {"aipd": "AIPD", "aidf": "AIDF", "enregistrement": "UE"}[kind]
    return Document(
        kind=kind,
        title=KINDS[kind],
        subtitle=q.use_case.title,
        reference=f"{code}-{q.use_case.uid.hex[:8].upper()}-V{q.version}",
        date=timezone.localdate(),
        organisation=q.use_case.organisation.name,
        use_case_title=q.use_case.title,
        law_label=summary["law_label"],
    )


def _origin(doc: Document, q: Qualification, what: str) -> None:
    s = result_summary(q.result, q.law_version)
    sec = doc.section("0", "Objet du document")
    sec.p(
        f"Ce document est un squelette de {what}, prérempli par Atlas IA à partir de la fiche du cas d'usage "
        f"« {q.use_case.title} » et de sa qualification (version {q.version} du "
        f"{timezone.localtime(q.completed_at):%d/%m/%Y}, droit applicable : {s['law_label']}). Les parties "
        f"marquées « {TODO} » sont à rédiger par l'équipe projet avec le délégué à la protection des données."
    )
    sec.fields(
        [
            ("Organisation", doc.organisation),
            ("Cas d'usage", q.use_case.title),
            ("Catégorie AI Act", s["category_long"]),
            ("Fondements", " ; ".join(s["bases"]) or "—"),
            ("AIPD (RGPD, art. 35)", s["dpia_label"]),
            ("AIDF (AI Act, art. 27)", s["fria_label"]),
        ]
    )


# --- DPIA ---------------------------------------------------------------------------------------------


def build_dpia(q: Qualification) -> Document:
    r = _record(q)
    s = result_summary(q.result, q.law_version)
    doc = _new("aipd", q)
    _origin(doc, q, "l'analyse d'impact relative à la protection des données (méthode PIA de la CNIL)")
    why = doc.section("0.1", "Pourquoi une AIPD", level=2)
    why.p(f"Résultat de la qualification : AIPD {s['dpia_label']}.")
    why.items(s["dpia_reasons"])
    if s["prior_consultation_possible"]:
        why.note("Un risque résiduel élevé subsiste : consultation préalable de la CNIL (RGPD, art. 36).")

    doc.section("1", "Contexte")
    doc.section("1.1", "Vue d'ensemble du traitement", level=2).fields(
        [
            ("Traitement", r["title"]),
            ("Finalités", r["purpose"]),
            ("Problème traité", r["problem"]),
            ("Enjeux et bénéfices attendus", r["benefits"]),
            (
                "Responsable de traitement",
                " — ".join(x for x in (r["organisation"], r["org_address"], r["org_ids"]) if x),
            ),
            (
                "Sous-traitants",
                r["provider"] if q.use_case.provider_type != "in_house" else "Aucun (développement interne)",
            ),
            (
                "Référentiels applicables",
                "RGPD ; loi n° 78-17 ; délibération CNIL n° 2018-327 ; règlement (UE) 2024/1689 (AI Act)",
            ),
        ]
    )
    doc.section("1.2", "Données, processus et supports", level=2).fields(
        [
            ("Données traitées", r["data_categories"]),
            ("Catégories particulières (art. 9)", _a(q, "special_categories")),
            ("Numéro de sécurité sociale (NIR)", _a(q, "nir")),
            ("Sources des données", r["data_sources"]),
            ("Volumes", r["data_volume"]),
            ("Personnes concernées", r["population"]),
            ("Cycle de vie des données (collecte, usage, conservation, suppression)", ""),
            ("Supports : hébergement", " ; ".join(x for x in (r["hosting"], _a(q, "hosting")) if x)),
            ("Supports : technique d'IA", r["technique"]),
            ("Hébergeur certifié HDS requis", s["hds_label"]),
        ]
    )

    doc.section("2", "Principes fondamentaux")
    doc.section("2.1", "Proportionnalité et nécessité", level=2).fields(
        [
            ("Finalités déterminées, explicites et légitimes", r["purpose"]),
            ("Base légale (RGPD, art. 6)", _a(q, "legal_basis")),
            ("Exception à l'interdiction (art. 9(2))", _a(q, "art9_exception")),
            ("Cadre de recherche (LIL, art. 66)", _a(q, "research_framework")),
            ("Minimisation des données", ""),
            ("Qualité et exactitude des données", ""),
            ("Durées de conservation", ""),
        ]
    )
    rights = doc.section("2.2", "Mesures protectrices des droits des personnes", level=2)
    rights.fields(
        [
            (
                "Information des personnes (art. 13 et 14)",
                "Mention CRPA requise sur la décision (L.311-3-1)" if s["crpa"] else "",
            ),
            (
                "Recueil du consentement",
                "Oui (base légale : consentement)"
                if q.answers.get("legal_basis") == "consent"
                else "Sans objet si la base légale n'est pas le consentement",
            ),
            ("Droits d'accès et à la portabilité", ""),
            ("Droits de rectification et d'effacement", ""),
            ("Droits de limitation et d'opposition", ""),
            ("Décision entièrement automatisée (art. 22)", s["art22_label"]),
            ("Sous-traitance (art. 28)", ""),
            ("Transferts hors de l'Union européenne", ""),
        ]
    )
    rights.items(s["gdpr_flags"])

    doc.section("3", "Risques")
    doc.section("3.1", "Mesures existantes ou prévues", level=2).fields(
        [
            ("Contrôle humain", r["oversight"]),
            ("Mesures techniques (chiffrement, cloisonnement, journalisation)", ""),
            ("Mesures organisationnelles (habilitations, formation, gestion des incidents)", ""),
        ]
    )
    headers = ["Élément", "Analyse"]
    for number, title in (
        ("3.2", "Accès illégitime à des données"),
        ("3.3", "Modification non désirée de données"),
        ("3.4", "Disparition de données"),
    ):
        doc.section(number, title, level=2).table(
            headers,
            [
                ["Sources de risques", f"[{TODO}]"],
                ["Impacts potentiels sur les personnes", f"[{TODO}]"],
                ["Menaces", f"[{TODO}]"],
                ["Mesures", f"[{TODO}]"],
                ["Gravité (négligeable, limitée, importante, maximale)", f"[{TODO}]"],
                ["Vraisemblance (négligeable, limitée, importante, maximale)", f"[{TODO}]"],
            ],
        )
    plan = doc.section("4", "Plan d'action")
    rows = [[flag, "", "", "À traiter"] for flag in s["gdpr_flags"]]
    if s["prior_consultation_possible"]:
        rows.append(["Consultation préalable de la CNIL (art. 36)", "", "", "À traiter"])
    rows.append([f"[{TODO}]", "", "", ""])
    plan.table(["Mesure", "Responsable", "Échéance", "État"], rows)
    doc.section("5", "Avis").fields(
        [
            ("Avis du délégué à la protection des données", ""),
            ("Avis des personnes concernées ou de leurs représentants", ""),
            ("Décision du responsable de traitement", ""),
        ]
    )
    return doc


# --- FRIA ---------------------------------------------------------------------------------------------


def build_fria(q: Qualification) -> Document:
    r = _record(q)
    s = result_summary(q.result, q.law_version)
    doc = _new("aidf", q)
    _origin(doc, q, "l'analyse d'impact sur les droits fondamentaux (AI Act, art. 27)")
    if s["fria_required"] is False:
        doc.sections[0].note(
            "Selon la qualification, cette analyse n'est pas requise : le document reste utile "
            "comme démarche volontaire."
        )
    doc.section("a", "Processus du déployeur dans lesquels le système est utilisé (art. 27(1)(a))").fields(
        [
            ("Déployeur", r["organisation"]),
            ("Finalité du système", r["purpose"]),
            ("Problème traité", r["problem"]),
            ("Processus métier concernés", ""),
            ("Sites", r["sites"]),
        ]
    )
    doc.section("b", "Période et fréquence d'utilisation (art. 27(1)(b))").fields(
        [
            ("Étape actuelle", r["status"]),
            ("Début", r["start"]),
            ("Fin", r["end"] or "Non prévue"),
            ("Précision", r["dates_note"] or "—"),
            ("Fréquence d'utilisation", ""),
        ]
    )
    vulnerable = "vulnerable_subjects" in (q.answers.get("edpb_criteria") or [])
    doc.section(
        "c", "Catégories de personnes et groupes susceptibles d'être affectés (art. 27(1)(c))"
    ).fields(
        [
            ("Population concernée", r["population"]),
            ("Personnes vulnérables", "Oui (critère du CEPD retenu)" if vulnerable else ""),
            ("Catégories particulières de données", ", ".join(s["special_categories"]) or "Aucune déclarée"),
        ]
    )
    risks = doc.section("d", "Risques spécifiques de préjudice (art. 27(1)(d))")
    risks.p(
        "Tenir compte des informations du fournisseur (notice d'utilisation, art. 13). Fournisseur : "
        f"{r['provider'] or TODO}."
    )
    risks.table(
        ["Droit fondamental (Charte de l'UE)", "Risque", "Gravité", "Probabilité"],
        [
            [right, f"[{TODO}]", "", ""]
            for right in (
                "Dignité humaine (art. 1)",
                "Respect de la vie privée et protection des données (art. 7 et 8)",
                "Non-discrimination (art. 21)",
                "Droits des personnes âgées et des personnes handicapées (art. 25 et 26)",
                "Sécurité sociale, aide sociale et protection de la santé (art. 34 et 35)",
                "Droit à une bonne administration (art. 41)",
                "Droit à un recours effectif (art. 47)",
            )
        ],
    )
    if s["debatable_reasons"]:
        risks.p("Points discutables relevés par la qualification :")
        risks.items(s["debatable_reasons"])
    doc.section("e", "Mesures de contrôle humain (art. 27(1)(e))").fields(
        [
            ("Contrôle humain prévu", r["oversight"]),
            ("Personnes chargées du contrôle, compétence et autorité (art. 26(2))", ""),
            ("Conformité à la notice d'utilisation", ""),
        ]
    )
    doc.section("f", "Mesures si les risques se matérialisent (art. 27(1)(f))").fields(
        [
            ("Gouvernance interne", ""),
            ("Mécanismes de réclamation", ""),
            (
                "Droit à l'explication (art. 86)",
                "Applicable" if any(o["article"] == "86" for o in s["obligations"]) else "",
            ),
            ("Mention sur les décisions administratives (CRPA L.311-3-1)", s["crpa_label"]),
        ]
    )
    doc.section("g", "Notification à l'autorité de surveillance du marché (art. 27(3))").fields(
        [
            ("Autorité destinataire", ""),
            ("Date de notification", ""),
            ("Modèle de questionnaire de l'AI Office utilisé (art. 27(5))", ""),
        ]
    )
    doc.section("h", "Articulation avec l'AIPD (art. 27(4))").fields(
        [
            ("AIPD", s["dpia_label"]),
            ("Déclencheurs", " ; ".join(s["dpia_reasons"]) or "—"),
            ("Référence de l'AIPD", ""),
        ]
    ).p(
        "L'analyse d'impact sur les droits fondamentaux complète l'AIPD réalisée au titre de l'article 35 du "
        "RGPD pour les obligations déjà couvertes par celle-ci."
    )
    return doc


# --- EU database registration (Annex VIII) -----------------------------------------------------------


@dataclass(frozen=True)
class DeployerFacts:
    """What the deployer recorded after the qualification (owned by the lifecycle's compliance record,
    read by the caller with ``atlasia.lifecycle.selectors.deployer_facts``): Annex VIII, section C."""

    registration_reference: str = ""
    fria_completed_at: dt.date | None = None


def build_registration(q: Qualification, deployer: DeployerFacts | None = None) -> Document:
    r = _record(q)
    s = result_summary(q.result, q.law_version)
    doc = _new("enregistrement", q)
    _origin(doc, q, "la fiche d'enregistrement dans la base de données de l'UE (AI Act, art. 49 et 71)")
    sections = s["registration_sections"]
    if not sections:
        doc.sections[0].note(
            "Selon la qualification, aucun enregistrement dans la base de l'UE n'est requis "
            f"(enregistrement : {s['registration_label']})."
            + (
                " Annexe III, point 2 : enregistrement au niveau national (art. 49(5))."
                if s["registration_national"]
                else ""
            )
        )
    if s["registration_non_public"]:
        doc.sections[0].note("Partie non publique de la base de données (art. 49(4)).")
    status = {
        "deployed": "En service",
        "generalised": "En service",
        "retired": "Plus en service",
        "suspended": "Plus en service",
    }.get(r["status_code"], "Pas encore mis sur le marché ni en service")
    identity = [
        (
            "Nom, adresse et coordonnées",
            " — ".join(x for x in (r["organisation"], r["org_address"], r["contact"]) if x),
        ),
        ("Personne qui soumet les informations, si différente", ""),
        ("Mandataire (représentant autorisé), le cas échéant", "Sans objet"),
    ]
    if "A" in sections:
        bases = [b for b in q.result["ai_act"]["bases"] if b.startswith("annex3_")]
        # Annex VIII, A.12 (OJ L 2024/1689): instructions for use are not provided « for high-risk AI
        # systems in the areas of law enforcement or migration, asylum and border control management
        # referred to in Annex III, points 1, 6 and 7 »: a biometric system (point 1) is exempt only in
        # those areas, i.e. together with a point 6 or 7 basis; elsewhere (health) they are required.
        no_instructions = any(b.startswith(("annex3_6", "annex3_7")) for b in bases)
        doc.section("A", "Annexe VIII, section A — fournisseur (art. 49(1))").fields(
            [
                *identity,
                ("Nom commercial et toute autre référence", r["title"]),
                ("Destination (finalité prévue)", r["purpose"]),
                ("Composants et fonctions pris en charge", ""),
                (
                    "Description des données et des entrées utilisées, logique de fonctionnement",
                    " ; ".join(x for x in (r["data_sources"], r["data_categories"], r["technique"]) if x),
                ),
                ("Statut (sur le marché, en service, plus en service)", status),
                (
                    "Certificat de l'organisme notifié (type, numéro, expiration)",
                    "Sans objet si contrôle interne (annexe VI)",
                ),
                ("Copie numérisée du certificat", "Sans objet si contrôle interne (annexe VI)"),
                ("États membres où le système est disponible", "France"),
                ("Copie de la déclaration UE de conformité (art. 47)", ""),
                (
                    "Notice d'utilisation électronique",
                    "Non fournie : domaine répressif, migration, asile ou contrôle aux frontières "
                    "(annexe VIII, A.12)"
                    if no_instructions
                    else "Requise : joindre la notice d'utilisation (annexe VIII, A.12)",
                ),
                ("Adresse internet pour plus d'informations (facultatif)", r["website"]),
            ]
        )
    if "B" in sections:
        conditions = [basis_label(b) for b in q.result["ai_act"]["bases"] if b.startswith("art6_3_")]
        doc.section("B", "Annexe VIII, section B — système relevant de l'art. 6(3) (art. 49(2))").fields(
            [
                *identity,
                ("Nom commercial et toute autre référence", r["title"]),
                ("Destination (finalité prévue)", r["purpose"]),
                ("Condition(s) de l'art. 6(3) invoquée(s)", " ; ".join(conditions)),
                ("Résumé des motifs pour lesquels le système n'est pas à haut risque", ""),
                ("Statut", status),
                ("États membres où le système est disponible", "France"),
            ]
        )
    if "C" in sections:
        reference = deployer.registration_reference if deployer else ""
        fria_done = deployer.fria_completed_at if deployer else None
        if fria_done:
            fria = f"AIDF réalisée le {fria_done:%d/%m/%Y} : joindre le résumé de ses conclusions"
        elif s["fria_required"]:
            fria = "AIDF requise, pas encore réalisée"
        else:
            fria = "AIDF non requise"
        doc.section("C", "Annexe VIII, section C — déployeur autorité publique (art. 49(3))").fields(
            [
                ("Nom, adresse et coordonnées du déployeur", identity[0][1]),
                ("Personne qui soumet les informations, si différente", ""),
                (
                    "Adresse (URL) de l'enregistrement du système par le fournisseur",
                    reference or "À demander au fournisseur (référence non encore saisie dans la conformité)",
                ),
                ("Résumé des conclusions de l'AIDF (art. 27)", fria),
                (
                    "Résumé de l'AIPD (RGPD, art. 35), le cas échéant",
                    f"AIPD {s['dpia_label']}"
                    + (f" — déclencheurs : {'; '.join(s['dpia_reasons'])}" if s["dpia_reasons"] else ""),
                ),
            ]
        )
    return doc


BUILDERS: dict[str, Callable[[Qualification], Document]] = {
    "aipd": build_dpia,
    "aidf": build_fria,
    "enregistrement": build_registration,
}


def build(kind: str, qualification: Qualification, deployer: DeployerFacts | None = None) -> Document:
    """The document ``kind`` of ``qualification``; ``deployer`` fills the registration sheet's section C
    (registration reference, FRIA date) — without it, those fields say they are still to be entered.

    The documents are French whatever the reader's language: built under ``translation.override("fr")``
    (the wording of :mod:`.display` follows the active language)."""
    with translation.override("fr"):
        if kind == "enregistrement":
            return build_registration(qualification, deployer)
        return BUILDERS[kind](qualification)


# --- renderers ----------------------------------------------------------------------------------------


def render_pdf(doc: Document) -> bytes:
    from atlasia.core.pdf import html_to_pdf

    with translation.override("fr"):
        html = render_to_string("qualification/document_pdf.html", {"doc": doc})
    return html_to_pdf(html, base_url=str(settings.BASE_DIR))


def render_docx(doc: Document) -> bytes:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    out = Docx()
    style = out.styles["Normal"]
    style.font.name = "Liberation Sans"
    style.font.size = Pt(10)
    section = out.sections[0]

    # Header: institutional block and reference; footer: page numbers (PAGE field).
    header = section.header.paragraphs[0]
    run = header.add_run("RÉPUBLIQUE FRANÇAISE")
    run.bold = True
    header.add_run(f"\n{doc.organisation}\t\t{doc.reference}").font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{doc.title} — {doc.reference} — page ").font.size = Pt(8)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        r = footer.add_run()
        r.font.size = Pt(8)
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        r._r.append(element)

    block = out.add_paragraph()
    block.add_run("RÉPUBLIQUE\nFRANÇAISE").bold = True
    italic = block.add_run("\nLiberté\nÉgalité\nFraternité")
    italic.italic = True
    italic.font.size = Pt(8)
    out.add_paragraph(doc.organisation).runs[0].bold = True
    out.add_heading(doc.title, level=0)
    out.add_paragraph(doc.subtitle).runs[0].font.size = Pt(13)
    meta = out.add_table(rows=0, cols=2)
    meta.style = "Table Grid"
    for label, value in (
        ("Référence", doc.reference),
        ("Date", doc.date.strftime("%d/%m/%Y")),
        ("Droit applicable", doc.law_label),
    ):
        cells = meta.add_row().cells
        cells[0].text, cells[1].text = label, value
    out.add_heading("Sommaire", level=1)
    for s in doc.sections:
        out.add_paragraph(("    " if s.level > 1 else "") + f"{s.number}. {s.title}")
    grey = RGBColor(0x66, 0x66, 0x66)
    for s in doc.sections:
        out.add_heading(f"{s.number}. {s.title}", level=s.level)
        for b in s.blocks:
            if b.type == "p":
                out.add_paragraph(b.text)
            elif b.type == "note":
                out.add_paragraph(b.text).runs[0].italic = True
            elif b.type == "todo":
                run = out.add_paragraph().add_run(f"[{TODO}] {b.text}")
                run.italic = True
                run.font.color.rgb = grey
            elif b.type == "list":
                for item in b.rows:
                    out.add_paragraph(item, style="List Bullet")
            elif b.type == "fields":
                table = out.add_table(rows=0, cols=2)
                table.style = "Table Grid"
                for label, value in b.rows:
                    cells = table.add_row().cells
                    cells[0].text = label
                    cells[0].paragraphs[0].runs[0].bold = True
                    cells[1].text = value
                out.add_paragraph()
            elif b.type == "table":
                table = out.add_table(rows=1, cols=len(b.headers))
                table.style = "Table Grid"
                for cell, text in zip(table.rows[0].cells, b.headers, strict=True):
                    cell.text = text
                    cell.paragraphs[0].runs[0].bold = True
                for row in b.rows:
                    for cell, text in zip(table.add_row().cells, row, strict=True):
                        cell.text = text
                out.add_paragraph()
    out.add_paragraph(doc.disclaimer).runs[0].italic = True
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
