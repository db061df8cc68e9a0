"""The compliance file of a use case: everything an auditor or a market surveillance authority asks for,
with what is missing listed first, and its ZIP export (an index, the data as CSV and JSON, the generated
documents as DOCX, the evidence files).

Reads only (selectors of this app and typed reads of the others); the export is built in memory from
what the caller may see (the view checks it).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from atlasia.audit.selectors import history_of_use_case
from atlasia.evaluation.refs import finished_runs_of
from atlasia.lifecycle import selectors as lifecycle_selectors
from atlasia.lifecycle.models import ComplianceRecord
from atlasia.qualification import documents as qualification_documents
from atlasia.qualification.display import result_summary
from atlasia.qualification.selectors import QualificationRef, latest_qualification, latest_ref
from atlasia.registry.models import UseCase

from . import documents, selectors
from .enums import CLOSED_STATUSES, LEVEL_LABELS
from .models import ObligationItem, Risk

MISSING = "missing"
TO_SIGN = "to_sign"
DONE = "done"
STATE_LABELS = {MISSING: "Manquant", TO_SIGN: "À valider", DONE: "Complet"}


@dataclass(frozen=True)
class IndexEntry:
    section: str
    label: str
    state: str  # MISSING, TO_SIGN or DONE
    detail: str = ""
    path: str = ""  # the file in the ZIP, when there is one

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class ComplianceFile:
    use_case: UseCase
    today: date
    qualification: QualificationRef | None
    summary: dict[str, Any] | None
    record: ComplianceRecord
    dpia_contradiction: str
    obligations: list[ObligationItem]
    risks: list[Risk]
    systems: list[selectors.SystemStatus]
    provider_documents: bool
    entries: list[IndexEntry] = field(default_factory=list)

    @property
    def missing(self) -> list[IndexEntry]:
        return [e for e in self.entries if e.state == MISSING]

    @property
    def to_sign(self) -> list[IndexEntry]:
        return [e for e in self.entries if e.state == TO_SIGN]

    @property
    def complete(self) -> list[IndexEntry]:
        return [e for e in self.entries if e.state == DONE]

    @property
    def ordered(self) -> list[IndexEntry]:
        """Missing first, then what waits for a sign-off, then what is complete."""
        return self.missing + self.to_sign + self.complete


def _slug(text: str) -> str:
    """ASCII, lower case, dashes: a file name every archive tool reads (« AIPD signée » → « aipd-signee »)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    keep = "".join(c if c.isalnum() else "-" for c in ascii_text.lower())
    return "-".join(p for p in keep.split("-") if p)[:60]


def build_file(use_case: UseCase, today: date | None = None) -> ComplianceFile:
    today = today or timezone.localdate()
    latest = latest_ref(use_case)
    summary = result_summary(latest.result, latest.law_version) if latest else None
    record = lifecycle_selectors.compliance_of(use_case)
    contradiction = lifecycle_selectors.dpia_contradiction(record) if record.pk else ""
    obligations = [i for i in selectors.obligations_of(use_case) if not i.dropped]
    risks = list(selectors.risks_of(use_case))
    principles = selectors.purchasing_principles()
    systems = [selectors.system_status(s, principles) for s in selectors.vendor_systems_of(use_case)]
    dossier = ComplianceFile(
        use_case=use_case,
        today=today,
        qualification=latest,
        summary=summary,
        record=record,
        dpia_contradiction=contradiction,
        obligations=obligations,
        risks=risks,
        systems=systems,
        provider_documents=documents.applicable(use_case),
    )
    dossier.entries = _entries(dossier)
    return dossier


def _category(summary: dict[str, Any] | None) -> str:
    """The AI Act category: the long French wording, or the label in the reader's language."""
    if not summary:
        return ""
    return summary["category_label"] if (get_language() or "").startswith("en") else summary["category_long"]


def _entries(f: ComplianceFile) -> list[IndexEntry]:
    out: list[IndexEntry] = []
    if f.qualification is None:
        out.append(
            IndexEntry(_("Qualification"), _("Qualification AI Act et RGPD"), MISSING, _("non réalisée"))
        )
        return out
    ai_act = f.qualification.result.get("ai_act") or {}
    out.append(
        IndexEntry(
            _("Qualification"),
            _("Qualification v%(version)s") % {"version": f.qualification.version},
            DONE if ai_act.get("category") != "undetermined" else MISSING,
            _("%(category)s — droit : %(law)s")
            % {
                "category": _category(f.summary),
                "law": f.qualification.law_version,
            },
            "01-qualification.json",
        )
    )
    dpia = (f.qualification.result.get("gdpr") or {}).get("dpia")
    decision = f.record.get_dpia_decision_display() if f.record.dpia_decision else ""
    if dpia in ("required", "recommended") and not f.record.dpia_decision:
        out.append(IndexEntry(_("Décisions du DPO"), _("Décision sur l'AIPD"), MISSING, _("non enregistrée")))
    elif f.record.dpia_decision:
        detail = decision
        if f.dpia_contradiction:
            detail += _(" — contraire à la qualification ; justification : %(reason)s") % {
                "reason": f.record.dpia_justification
            }
        out.append(IndexEntry(_("Décisions du DPO"), _("Décision sur l'AIPD"), DONE, detail, "00-index.html"))
    if ai_act.get("fria_required") and not f.record.fria_completed_at:
        out.append(
            IndexEntry(_("Décisions du DPO"), _("AIDF (art. 27)"), MISSING, _("requise, non réalisée"))
        )
    today = f.today
    for item in f.obligations:
        path = "02-obligations.csv"
        if item.status not in CLOSED_STATUSES:
            late = item.due_date and item.due_date < today
            detail = (
                _("%(status)s — échéance %(date)s")
                % {"status": item.get_status_display(), "date": f"{item.due_date:%d/%m/%Y}"}
                if item.due_date
                else _("%(status)s — déjà applicable") % {"status": item.get_status_display()}
            )
            out.append(
                IndexEntry(
                    "Obligations",
                    f"{item.shown_title} ({item.article})",
                    MISSING,
                    detail + (_(" — dépassée") if late else ""),
                    path,
                )
            )
        elif not item.signed_off_at:
            out.append(
                IndexEntry(
                    "Obligations",
                    f"{item.shown_title} ({item.article})",
                    TO_SIGN,
                    _("%(status)s — à valider : %(role)s")
                    % {"status": item.get_status_display(), "role": item.get_signer_role_display()},
                    path,
                )
            )
        else:
            out.append(
                IndexEntry(
                    "Obligations",
                    f"{item.shown_title} ({item.article})",
                    DONE,
                    _("%(status)s — validée par %(name)s le %(date)s")
                    % {
                        "status": item.get_status_display(),
                        "name": item.signed_off_name,
                        "date": f"{item.signed_off_at:%d/%m/%Y}",
                    },
                    path,
                )
            )
    high_risk = ai_act.get("category") == "high_risk"
    if high_risk and not f.risks:
        out.append(
            IndexEntry(_("Registre des risques"), _("Registre des risques (art. 9)"), MISSING, _("vide"))
        )
    for risk in f.risks:
        problems = []
        if risk.status != "closed" and risk.next_review_on < today:
            problems.append(_("revue dépassée (%(date)s)") % {"date": f"{risk.next_review_on:%d/%m/%Y}"})
        if not risk.residual_level:
            problems.append(_("risque résiduel non évalué"))
        out.append(
            IndexEntry(
                _("Registre des risques"),
                risk.title,
                MISSING if problems else DONE,
                "; ".join(problems)
                or _("résiduel %(level)s") % {"level": LEVEL_LABELS.get(risk.residual_level, "")},
                "03-registre-des-risques.csv",
            )
        )
    runs = finished_runs_of(f.use_case.pk)
    tested = next((i for i in f.obligations if i.key == "accuracy_robustness_security"), None)
    if runs:
        out.append(
            IndexEntry(_("Évaluation"), _("Évaluation du modèle (exactitude, équité)"), DONE, runs[0].label)
        )
    elif high_risk and not (tested and tested.status == "done" and tested.evidence.exists()):
        # Test results may come from outside the platform: a report attached to the Art. 15 obligation.
        out.append(
            IndexEntry(
                _("Évaluation"),
                _("Évaluation du modèle (exactitude, équité)"),
                MISSING,
                _("aucune évaluation terminée"),
            )
        )
    for status in f.systems:
        for code, label, _basis, _label_en, _basis_en in status.owed:
            received = status.received.get(code)
            out.append(
                IndexEntry(
                    _("Fournisseurs"),
                    f"{status.system.vendor.name} — {status.system.name} : {label}",
                    DONE if received else MISSING,
                    _("reçu le %(date)s") % {"date": f"{received[0].received_on:%d/%m/%Y}"}
                    if received
                    else _("non reçu"),
                    "04-fournisseurs.csv",
                )
            )
    for kind, title in qualification_documents.KINDS.items():
        if kind == "aidf" and not ai_act.get("fria_required"):
            continue
        if kind == "enregistrement" and not (ai_act.get("registration") or {}).get("required"):
            continue
        if kind == "aipd" and dpia not in ("required", "recommended"):
            continue
        out.append(
            IndexEntry(
                _("Documents générés"),
                _(title),
                DONE,
                _("squelette prérempli à compléter"),
                f"documents/{kind}.docx",
            )
        )
    if f.provider_documents:
        for kind, title in documents.KINDS.items():
            out.append(
                IndexEntry(
                    _("Documents générés"),
                    _(title),
                    DONE,
                    _("prérempli à compléter"),
                    f"documents/{kind}.docx",
                )
            )
    return out


# --- ZIP export -----------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP « CSV injection »)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(headers: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_zip(f: ComplianceFile) -> bytes:
    """The file as a ZIP: ``00-index.html`` (missing first), the data, the DOCX documents, the evidence."""
    buffer = io.BytesIO()
    evidence_paths: list[tuple[str, str]] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if f.qualification is not None:
            archive.writestr(
                "01-qualification.json",
                json.dumps(
                    {
                        "version": f.qualification.version,
                        "law_version": f.qualification.law_version,
                        "completed_at": f.qualification.completed_at.isoformat(),
                        "result": f.qualification.result,
                    },
                    ensure_ascii=False,
                    indent=2,
                ),
            )
        rows = []
        for item in f.obligations:
            names = []
            for evidence in item.evidence.all():
                if evidence.attachment and evidence.attachment.file:
                    stem, _dot, extension = evidence.attachment.original_name.rpartition(".")
                    path = f"preuves/{_slug(item.key)}/{evidence.pk}-{_slug(stem)}.{extension.lower()}"
                    try:
                        with evidence.attachment.file.open("rb") as handle:
                            archive.writestr(path, handle.read())
                    except FileNotFoundError:
                        names.append(f"{evidence.label} (fichier introuvable)")
                        continue
                    evidence_paths.append((item.title, path))
                    names.append(path)
                else:
                    names.append(evidence.url or evidence.label)
            rows.append(
                [
                    item.key,
                    item.article,
                    item.title,
                    f"{item.due_date:%d/%m/%Y}" if item.due_date else "déjà applicable",
                    item.get_status_display(),
                    item.owner_name,
                    item.status_reason,
                    item.get_signer_role_display(),
                    item.signed_off_name,
                    f"{item.signed_off_at:%d/%m/%Y}" if item.signed_off_at else "",
                    " | ".join(names),
                ]
            )
        archive.writestr(
            "02-obligations.csv",
            _csv(
                [
                    "identifiant",
                    "article",
                    "obligation",
                    "échéance",
                    "statut",
                    "responsable",
                    "motif",
                    "validée par (rôle)",
                    "validée par",
                    "validée le",
                    "preuves",
                ],
                rows,
            ),
        )
        archive.writestr(
            "03-registre-des-risques.csv",
            _csv(
                [
                    "risque",
                    "menace",
                    "origine",
                    "vraisemblance",
                    "gravité",
                    "niveau",
                    "mesures",
                    "niveau résiduel",
                    "résiduel acceptable",
                    "état",
                    "prochaine revue",
                    "dernière revue",
                ],
                [
                    [
                        r.title,
                        r.get_area_display(),
                        r.source_label or r.get_origin_display(),
                        r.get_likelihood_display(),
                        r.get_severity_display(),
                        LEVEL_LABELS.get(r.level, ""),
                        r.mitigations,
                        LEVEL_LABELS.get(r.residual_level, "") if r.residual_level else "",
                        "" if r.residual_acceptable is None else ("oui" if r.residual_acceptable else "non"),
                        r.get_status_display(),
                        f"{r.next_review_on:%d/%m/%Y}",
                        f"{r.last_reviewed_on:%d/%m/%Y}" if r.last_reviewed_on else "",
                    ]
                    for r in f.risks
                ],
            ),
        )
        archive.writestr(
            "04-fournisseurs.csv",
            _csv(
                ["fournisseur", "système", "marché", "document dû", "fondement", "reçu le"],
                [
                    [
                        s.system.vendor.name,
                        s.system.name,
                        s.system.contract_reference,
                        label,
                        basis,
                        f"{s.received[code][0].received_on:%d/%m/%Y}" if code in s.received else "manquant",
                    ]
                    for s in f.systems
                    for code, label, basis, _l, _b in s.owed
                ],
            ),
        )
        archive.writestr(
            "05-historique.csv",
            _csv(
                ["date", "auteur", "action", "objet", "message"],
                [
                    [
                        f"{timezone.localtime(e.at):%d/%m/%Y %H:%M}",
                        e.actor_label,
                        e.get_action_display(),
                        e.object_repr,
                        e.message,
                    ]
                    for e in history_of_use_case(f.use_case.pk)[:5000]
                ],
            ),
        )
        qualification = latest_qualification(f.use_case)
        for entry in f.entries:
            if not entry.path.startswith("documents/"):
                continue
            kind = entry.path.removeprefix("documents/").removesuffix(".docx")
            if kind in qualification_documents.KINDS and qualification is not None:
                doc = qualification_documents.build(
                    kind, qualification, lifecycle_selectors.deployer_facts(f.use_case.pk)
                )
            elif kind in documents.KINDS:
                doc = documents.build(kind, f.use_case)
            else:
                continue
            archive.writestr(entry.path, qualification_documents.render_docx(doc))
        archive.writestr(
            "00-index.html",
            render_to_string("compliance/export_index.html", {"f": f, "evidence_paths": evidence_paths}),
        )
    return buffer.getvalue()
