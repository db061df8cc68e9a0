"""Generated documents of an in-house provider: Annex IV technical documentation, post-market monitoring
plan (Art. 72), EU declaration of conformity (Annex V); DOCX and PDF say the same thing, numbered as the
official annexes."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as Docx
from filejobs import prepared_response

from atlasia.compliance.models import Risk
from atlasia.evaluation.models import EvaluationRun
from atlasia.qualification.services import qualification_complete

LEGAL = "tests/qualification/legal/ai_act_consolidated_2026-07-27.md"

RESULT = {
    "schema_version": 3,
    "task": "classification",
    "data": {"n_rows": 48213, "n_positive": 6120, "prevalence": 0.1269},
    "overall": {
        "metrics": {
            "accuracy": {"value": 0.8412, "ci": [0.8380, 0.8445]},
            "recall": {"value": 0.7105, "ci": [0.6990, 0.7220]},
            "precision": {"value": 0.4388, "ci": [0.4301, 0.4475]},
            "roc_auc": {"value": 0.8731, "ci": [0.8690, 0.8770]},
            "ece": {"value": 0.0214, "ci": None},
        }
    },
    "groupings": [
        {
            "name": "territoire",
            "gaps": {
                "recall": {
                    "low_group": "Médoc",
                    "high_group": "Bordeaux Métropole",
                    "low_value": 0.61,
                    "high_value": 0.74,
                    "difference": 0.13,
                    "ci": [0.08, 0.18],
                    "excludes_zero": True,
                }
            },
        }
    ],
}


def docx_text(content: bytes) -> str:
    doc = Docx(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


@pytest.fixture
def sourced(qualified: Any, world: Any) -> Any:
    Risk.objects.create(
        use_case=qualified,
        title="Allocataires éligibles non repérés",
        description="Des foyers aux revenus irréguliers ne sont pas signalés.",
        area="fundamental_rights",
        origin="intended_use",
        likelihood=3,
        severity=3,
        mitigations="Seuil abaissé ; revue humaine de chaque signalement.",
        residual_likelihood=2,
        residual_severity=2,
        residual_acceptable=True,
        next_review_on=timezone.localdate() + timedelta(days=60),
    )
    EvaluationRun.objects.create(
        use_case=qualified,
        version=1,
        file_name="predictions-2026-t1.csv",
        sha256="0" * 64,
        status="done",
        result=RESULT,
        finished_at=timezone.now(),
    )
    return qualified


def get(client: Any, use_case: Any, kind: str, fmt: str) -> Any:
    """Ask for the document (prepared in the background) and download it from its page."""
    url = reverse("compliance_document", kwargs={"pk": use_case.pk, "kind": kind, "fmt": fmt})
    return prepared_response(client, url)


def annex_points(annex: str) -> int:
    text = Path(LEGAL).read_text(encoding="utf-8")
    block = text[text.index(f"## ANNEX {annex} ") :]
    block = block[: block.index("\n## ", 5)] if "\n## " in block[5:] else block
    return len(re.findall(r"^\d+\. ", block, flags=re.M))


def test_annex_iv_docx_and_pdf_are_prefilled_and_numbered_as_the_annex(
    sourced: Any, world: Any, login: Any
) -> None:
    client = login(world["users"]["referent"])
    response = get(client, sourced, "annexe-iv", "docx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.docx"')
    text = docx_text(response.content)
    assert "Documentation technique (AI Act, art. 11 et annexe IV)" in text
    # the nine points of Annex IV, in order
    assert annex_points("IV") == 9
    headings = re.findall(r"^(\d)\. ", text, flags=re.M)
    assert [h for h in dict.fromkeys(headings) if h != "0"] == [str(i) for i in range(1, 10)]
    # from the record, the qualification, the evaluation and the risk register
    assert "CHU de Lille" in text and "Haut risque" in text
    assert "Évaluation v1 — predictions-2026-t1.csv" in text and "48 213 lignes de test" in text
    assert "84,1 %" in text and "83,8 % à 84,5 %" in text  # accuracy and its interval
    assert (
        "Rappel selon « territoire »" in text and "Médoc / Bordeaux Métropole" in text and "13,0 pt" in text
    )
    assert "Erreur de calibration (ECE)" in text and "AUC ROC" in text and "Auc roc" not in text
    assert "Allocataires éligibles non repérés" in text and "Modéré (jugé acceptable)" in text
    pdf = get(client, sourced, "annexe-iv", "pdf")
    assert pdf.content.startswith(b"%PDF")
    ptext = pdf_text(pdf.content)
    assert "Allocataires éligibles non repérés" in ptext and "Médoc / Bordeaux" in ptext


def test_monitoring_plan_and_declaration(sourced: Any, world: Any, login: Any) -> None:
    client = login(world["users"]["dpo"])
    plan = docx_text(get(client, sourced, "plan-surveillance", "docx").content)
    assert "Plan de surveillance après commercialisation (AI Act, art. 72)" in plan
    assert "2 septembre 2027" in plan and "15 jours" in plan and "Évaluation v1" in plan
    declaration = docx_text(get(client, sourced, "declaration-ue", "docx").content)
    assert annex_points("V") == 8
    for number in range(1, 9):
        assert re.search(rf"^{number}\. ", declaration, flags=re.M), number
    assert "établie sous la seule responsabilité de CHU de Lille" in declaration
    assert "(UE) 2016/679 et (UE) 2018/1725 et à la directive (UE) 2016/680" in declaration
    assert "contrôle interne (annexe VI)" in declaration
    assert "reste un projet" in declaration  # the conformity assessment is not closed
    assert get(client, sourced, "declaration-ue", "pdf").content.startswith(b"%PDF")


def test_documents_are_for_providers_of_high_risk_systems_only(
    qualified: Any, world: Any, login: Any, in_house_answers: dict[str, Any]
) -> None:
    client = login(world["users"]["referent"])
    qualification_complete(
        actor=world["users"]["referent"], use_case=qualified, answers={**in_house_answers, "role": "deployer"}
    )
    assert get(client, qualified, "annexe-iv", "pdf").status_code == 404
    assert get(client, qualified, "inconnu", "pdf").status_code == 404


def test_documents_follow_the_files_visibility(sourced: Any, world: Any, login: Any) -> None:
    assert get(login(world["users"]["other_referent"]), sourced, "annexe-iv", "docx").status_code == 404
    assert get(login(world["users"]["national"]), sourced, "annexe-iv", "docx").status_code == 200
