"""The compliance file page and its ZIP export: what is missing first, the DPO's contrary decision with its
reasons, the data, the generated documents and the evidence files; only for who may read the file."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atlasia.compliance.models import ObligationItem
from atlasia.compliance.services import evidence_add_file, obligation_sign_off, obligation_update
from atlasia.lifecycle.models import ComplianceRecord

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_page_lists_what_is_missing_first(qualified: Any, world: Any, login: Any) -> None:
    referent = world["users"]["referent"]
    risk = ObligationItem.objects.get(use_case=qualified, key="risk_management")
    obligation_update(
        actor=referent, item=risk, expected_version=None, status="done", owner=referent, reason="Plan adopté."
    )
    client = login(world["users"]["regional"])
    page = client.get(reverse("compliance_file", args=[qualified.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    missing = html.index('id="manquant"')
    # missing obligations and the empty risk register are listed in the first table
    first_table = html[missing : html.index("</table>", missing)]
    assert "Documentation technique" in first_table and "Registre des risques (art. 9)" in first_table
    assert "Évaluation du modèle" in first_table
    # the obligation done but not signed waits for its sign-off
    assert "à valider : Référent IA" in html
    dossier = page.context["f"]
    assert [e.state for e in dossier.ordered] == sorted(
        (e.state for e in dossier.ordered), key=["missing", "to_sign", "done"].index
    )


def test_the_dpo_contrary_decision_and_its_reasons_are_in_the_file(
    qualified: Any, world: Any, login: Any
) -> None:
    ComplianceRecord.objects.create(
        use_case=qualified,
        dpia_decision="not_required",
        dpia_justification="Données agrégées à la maille communale.",
    )
    client = login(world["users"]["dpo"])
    html = client.get(reverse("compliance_file", args=[qualified.pk])).content.decode()
    assert "contraire à la qualification" in html and "Données agrégées à la maille communale." in html
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("compliance_file_zip", args=[qualified.pk])).content)
    )
    index = archive.read("00-index.html").decode()
    assert "Décision du DPO contraire à la qualification" in index
    assert "Données agrégées à la maille communale." in index


def test_the_zip_holds_the_index_the_data_the_documents_and_the_evidence(
    qualified: Any, world: Any, login: Any
) -> None:
    referent, dpo = world["users"]["referent"], world["users"]["dpo"]
    dpia = ObligationItem.objects.get(use_case=qualified, key="gdpr_dpia")
    evidence_add_file(
        actor=dpo,
        item=dpia,
        uploaded=SimpleUploadedFile("aipd signée.pdf", PDF, content_type="application/pdf"),
    )
    dpia.refresh_from_db()
    dpia = obligation_update(actor=dpo, item=dpia, expected_version=None, status="done", owner=dpo)
    obligation_sign_off(actor=dpo, item=dpia)
    tech = ObligationItem.objects.get(use_case=qualified, key="technical_documentation")
    obligation_update(
        actor=referent,
        item=tech,
        expected_version=None,
        status="in_progress",
        owner=referent,
        reason='=HYPERLINK("x")',
    )
    response = login(referent).get(reverse("compliance_file_zip", args=[qualified.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {
        "00-index.html",
        "01-qualification.json",
        "02-obligations.csv",
        "03-registre-des-risques.csv",
        "04-fournisseurs.csv",
        "05-historique.csv",
    } <= names
    assert {
        "documents/aipd.docx",
        "documents/aidf.docx",
        "documents/enregistrement.docx",
        "documents/annexe-iv.docx",
        "documents/plan-surveillance.docx",
        "documents/declaration-ue.docx",
    } <= names
    evidence = [n for n in names if n.startswith("preuves/gdpr-dpia/")]
    assert len(evidence) == 1 and evidence[0].endswith("-aipd-signee.pdf")
    assert archive.read(evidence[0]).startswith(b"%PDF")
    index = archive.read("00-index.html").decode()
    assert index.index("Manquant") < index.index("Complet")
    assert evidence[0] in index
    rows = list(
        csv.reader(io.StringIO(archive.read("02-obligations.csv").decode("utf-8-sig")), delimiter=";")
    )
    by_key = {r[0]: r for r in rows[1:]}
    assert (
        by_key["gdpr_dpia"][4] == "Fait"
        and by_key["gdpr_dpia"][8] == "dpo"
        and evidence[0] in by_key["gdpr_dpia"][10]
    )
    assert by_key["technical_documentation"][6] == '\'=HYPERLINK("x")'  # no formula in a spreadsheet


def test_the_file_follows_its_visibility(qualified: Any, world: Any, login: Any) -> None:
    for who in ("other_referent", "regional_other", "nobody"):
        client = login(world["users"][who])
        assert client.get(reverse("compliance_file", args=[qualified.pk])).status_code == 404
        assert client.get(reverse("compliance_file_zip", args=[qualified.pk])).status_code == 404
