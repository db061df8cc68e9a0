"""From a qualification to work: the obligations of a result become work items, and a requalification is
reconciled with the work already done. Pure Python (no Django), tested in ``tests/core/test_compliance.py``.

A work item is identified by its ``key`` within a use case: the engine's obligation id for the AI Act
(``risk_management``, ``fria``…) and ``gdpr_*`` for the GDPR duties the qualification concludes (DPIA,
prior consultation, Art. 22 safeguards, CRPA mention, HDS hosting). Its due date is the obligation's
``applies_from`` (from the law table); GDPR duties already apply (``due=None``: before the processing).

Who signs off: the DPO for the DPIA and its prior consultation (GDPR Art. 35(2) and 36: the DPO's
advice is sought, the controller consults), the AI referent for everything else.

A requalification never deletes work: items that the new result no longer requires are kept and marked
``dropped``; items whose article, due date or title changed keep their status and evidence, and are
flagged with a note saying what changed; new items are added.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any


class Signer(StrEnum):
    DPO = "dpo"
    REFERENT = "referent"


class Source(StrEnum):
    AI_ACT = "ai_act"
    GDPR = "gdpr"


@dataclass(frozen=True)
class WorkItemSpec:
    """What the qualification asks for one obligation."""

    key: str
    source: Source
    article: str
    title_fr: str
    title_en: str
    operator_role: str
    due: date | None
    signer: Signer


#: GDPR and French-law duties the qualification concludes, with the result field that triggers them.
GDPR_ITEMS: tuple[tuple[str, str, str, str, Signer], ...] = (
    (
        "gdpr_dpia",
        "RGPD art. 35",
        "Réaliser l'analyse d'impact relative à la protection des données (AIPD) avant le traitement",
        "Carry out the data protection impact assessment (DPIA) before the processing",
        Signer.DPO,
    ),
    (
        "gdpr_prior_consultation",
        "RGPD art. 36",
        "Consulter la CNIL avant le traitement si un risque résiduel élevé subsiste",
        "Consult the CNIL before the processing if a high residual risk remains",
        Signer.DPO,
    ),
    (
        "gdpr_art22_safeguards",
        "RGPD art. 22",
        "Décision entièrement automatisée : base légale de l'article 22(2) et garanties (intervention "
        "humaine, droit de contester)",
        "Solely automated decision: Art. 22(2) legal basis and safeguards (human intervention, right to "
        "contest)",
        Signer.REFERENT,
    ),
    (
        "crpa_mention",
        "CRPA L.311-3-1",
        "Mentionner l'usage de l'algorithme sur la décision individuelle et l'expliquer sur demande",
        "Mention the algorithm on the individual decision and explain it on request",
        Signer.REFERENT,
    ),
    (
        "hds_hosting",
        "CSP L.1111-8",
        "Faire héberger les données de santé par un hébergeur certifié HDS",
        "Have the health data hosted by a certified health-data host (HDS)",
        Signer.REFERENT,
    ),
)


def _iso(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    return date.fromisoformat(value)


def work_items(result: Mapping[str, Any]) -> list[WorkItemSpec]:
    """The work items a qualification result asks for, AI Act obligations first, in the engine's order."""
    specs: list[WorkItemSpec] = []
    ai_act = result.get("ai_act") or {}
    for obligation in ai_act.get("obligations") or []:
        specs.append(
            WorkItemSpec(
                key=str(obligation["id"]),
                source=Source.AI_ACT,
                article=f"AI Act art. {str(obligation['article']).replace('Annex', 'annexe')}",
                title_fr=str(obligation["title_fr"]),
                title_en=str(obligation["title_en"]),
                operator_role=str(obligation.get("role") or ""),
                due=_iso(obligation.get("applies_from")),
                signer=Signer.REFERENT,
            )
        )
    gdpr = result.get("gdpr") or {}
    triggered = {
        "gdpr_dpia": gdpr.get("dpia") == "required",
        "gdpr_prior_consultation": gdpr.get("prior_consultation_possible") is True,
        "gdpr_art22_safeguards": gdpr.get("art22") is True,
        "crpa_mention": gdpr.get("crpa_mention_required") is True,
        "hds_hosting": gdpr.get("hds_required") is True,
    }
    for key, article, title_fr, title_en, signer in GDPR_ITEMS:
        if triggered[key]:
            specs.append(
                WorkItemSpec(key, Source.GDPR, article, title_fr, title_en, "controller", None, signer)
            )
    return specs


@dataclass(frozen=True)
class ExistingItem:
    """What the database holds for one work item (the fields a requalification may change)."""

    key: str
    article: str
    title_fr: str
    due: date | None
    dropped: bool


@dataclass(frozen=True)
class Change:
    """One step of a reconciliation: ``create``, ``update`` (with a French note of what changed),
    ``drop`` (no longer required: kept with its work) or ``restore`` (required again)."""

    kind: str
    key: str
    spec: WorkItemSpec | None
    note_fr: str


def _fmt(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "déjà applicable"


def reconcile(existing: Iterable[ExistingItem], specs: Iterable[WorkItemSpec], version: int) -> list[Change]:
    """What to do to the stored items so that they follow the qualification ``version``.

    Nothing is deleted and nothing done is undone: the caller keeps status, owner and evidence.
    """
    current = {item.key: item for item in existing}
    wanted = {spec.key: spec for spec in specs}
    changes: list[Change] = []
    for key, spec in wanted.items():
        before = current.get(key)
        if before is None:
            changes.append(Change("create", key, spec, f"Ajoutée par la qualification v{version}."))
            continue
        diffs: list[str] = []
        if before.article != spec.article:
            diffs.append(f"article : {before.article} → {spec.article}")
        if before.due != spec.due:
            diffs.append(f"échéance : {_fmt(before.due)} → {_fmt(spec.due)}")
        if before.title_fr != spec.title_fr:
            diffs.append("intitulé modifié")
        if before.dropped:
            changes.append(
                Change(
                    "restore",
                    key,
                    spec,
                    f"De nouveau exigée par la qualification v{version}"
                    + (f" ({' ; '.join(diffs)})." if diffs else "."),
                )
            )
        elif diffs:
            changes.append(Change("update", key, spec, f"Qualification v{version} : {' ; '.join(diffs)}."))
    for key, before in current.items():
        if key not in wanted and not before.dropped:
            changes.append(
                Change(
                    "drop",
                    key,
                    None,
                    f"N'est plus exigée par la qualification v{version} ; le travail fait est conservé.",
                )
            )
    return changes


# --- risk register (AI Act Art. 9) ------------------------------------------------------------------------

#: The four levels of the CNIL PIA method, used for likelihood and severity alike.
LIKELIHOOD_LABELS_FR: dict[int, str] = {1: "Négligeable", 2: "Limitée", 3: "Importante", 4: "Maximale"}
SEVERITY_LABELS_FR: dict[int, str] = {1: "Négligeable", 2: "Limitée", 3: "Importante", 4: "Maximale"}


class RiskLevel(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    CRITICAL = "critical"


RISK_LEVEL_LABELS_FR: dict[RiskLevel, str] = {
    RiskLevel.LOW: "Faible",
    RiskLevel.MODERATE: "Modéré",
    RiskLevel.HIGH: "Élevé",
    RiskLevel.CRITICAL: "Critique",
}


def risk_level(likelihood: int, severity: int) -> RiskLevel:
    """The level of a risk from its likelihood and severity (1 to 4 each, CNIL PIA scales).

    A maximal severity is at least « élevé » whatever its likelihood: a rare harm to health or to a
    fundamental right that cannot be undone still needs a measure (AI Act Art. 9(5)).
    """
    if likelihood not in (1, 2, 3, 4) or severity not in (1, 2, 3, 4):
        raise ValueError("la vraisemblance et la gravité vont de 1 à 4")
    score = likelihood * severity
    if score >= 12:
        level = RiskLevel.CRITICAL
    elif score >= 6:
        level = RiskLevel.HIGH
    elif score >= 3:
        level = RiskLevel.MODERATE
    else:
        level = RiskLevel.LOW
    if severity == 4 and level in (RiskLevel.LOW, RiskLevel.MODERATE):
        level = RiskLevel.HIGH
    return level


# --- vendor register ------------------------------------------------------------------------------------


class OwedDocument(StrEnum):
    """What a provider owes the deployer of its system, and where the duty comes from."""

    INSTRUCTIONS_FOR_USE = "instructions_for_use"
    TRANSPARENCY_INFORMATION = "transparency_information"
    EU_DECLARATION = "eu_declaration"
    REGISTRATION = "registration"
    DPA = "dpa"


OWED_DOCUMENT_LABELS_FR: dict[OwedDocument, tuple[str, str]] = {
    OwedDocument.INSTRUCTIONS_FOR_USE: (
        "Notice d'utilisation",
        "AI Act art. 13(2) et 26(1) : le déployeur utilise le système conformément à la notice",
    ),
    OwedDocument.TRANSPARENCY_INFORMATION: (
        "Informations de l'article 13(3)",
        "AI Act art. 13(3) : identité du fournisseur, caractéristiques, performances et limites, contrôle "
        "humain, ressources, journaux",
    ),
    OwedDocument.EU_DECLARATION: (
        "Déclaration UE de conformité",
        "AI Act art. 47 et annexe V ; le déployeur public vérifie l'enregistrement (art. 26(8))",
    ),
    OwedDocument.REGISTRATION: (
        "Référence d'enregistrement du fournisseur dans la base de l'UE",
        "AI Act art. 49(1) et annexe VIII, section A ; le déployeur public la cite (section C, point 3)",
    ),
    OwedDocument.DPA: (
        "Contrat de sous-traitance des données personnelles",
        "RGPD art. 28(3) : contrat ou acte juridique liant le sous-traitant",
    ),
}


OWED_DOCUMENT_LABELS_EN: dict[OwedDocument, tuple[str, str]] = {
    OwedDocument.INSTRUCTIONS_FOR_USE: (
        "Instructions for use",
        "AI Act Art. 13(2) and 26(1): the deployer uses the system in accordance with the instructions",
    ),
    OwedDocument.TRANSPARENCY_INFORMATION: (
        "Information of Article 13(3)",
        "AI Act Art. 13(3): provider's identity, characteristics, performance and limits, human oversight, "
        "resources, logs",
    ),
    OwedDocument.EU_DECLARATION: (
        "EU declaration of conformity",
        "AI Act Art. 47 and Annex V; a public deployer checks the registration (Art. 26(8))",
    ),
    OwedDocument.REGISTRATION: (
        "Provider's registration reference in the EU database",
        "AI Act Art. 49(1) and Annex VIII, Section A; a public deployer cites it (Section C, point 3)",
    ),
    OwedDocument.DPA: (
        "Personal data processing agreement",
        "GDPR Art. 28(3): contract or legal act binding the processor",
    ),
}


@dataclass(frozen=True)
class SystemUse:
    """What the qualification of one use case running a vendor's system says."""

    high_risk: bool
    annex3: bool
    personal_data: bool


def owed_documents(uses: Iterable[SystemUse]) -> list[OwedDocument]:
    """The documents the provider of a system owes the deployer, given the use cases that run it.

    A high-risk use: instructions for use and the Art. 13(3) information, the EU declaration of conformity;
    an Annex III high-risk use: the provider's EU database registration. Personal data processed on the
    deployer's behalf: a processing agreement (GDPR Art. 28(3)).
    """
    owed: list[OwedDocument] = []
    uses = list(uses)
    if any(u.high_risk for u in uses):
        owed += [
            OwedDocument.INSTRUCTIONS_FOR_USE,
            OwedDocument.TRANSPARENCY_INFORMATION,
            OwedDocument.EU_DECLARATION,
        ]
    if any(u.high_risk and u.annex3 for u in uses):
        owed.append(OwedDocument.REGISTRATION)
    if any(u.personal_data for u in uses):
        owed.append(OwedDocument.DPA)
    return owed
