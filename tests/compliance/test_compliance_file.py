"""The compliance file page and its ZIP export: what is missing first, the DPO's contrary decision with its
reasons, the data, the generated documents and the evidence files; only for who may read the file."""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from filejobs import prepare

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
    zip_url = reverse("compliance_file_zip", args=[qualified.pk])
    archive = zipfile.ZipFile(io.BytesIO(prepare(client, zip_url)))
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
    archive = zipfile.ZipFile(
        io.BytesIO(prepare(login(referent), reverse("compliance_file_zip", args=[qualified.pk])))
    )
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
        assert client.post(reverse("compliance_file_zip", args=[qualified.pk])).status_code == 404


def test_the_zip_is_prepared_in_the_background_and_its_page_follows_it(
    qualified: Any, world: Any, login: Any
) -> None:
    """Generating the file takes seconds: the request only queues it; the page shows its progress (no
    reload), then the download, and the file page offers the latest file prepared."""
    from django.test import TestCase

    from atlasia.audit.models import AuditEntry
    from atlasia.compliance.models import FileJob

    client = login(world["users"]["referent"])
    zip_url = reverse("compliance_file_zip", args=[qualified.pk])
    assert client.get(zip_url).status_code == 405  # a GET never starts a generation
    response = client.post(zip_url)  # the job is queued at commit: not run here
    job = FileJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("compliance_job", args=[job.pk])
    assert AuditEntry.objects.filter(object_type="compliance.filejob", object_id=str(job.pk)).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Dossier de conformité (ZIP avec index)" in page and "En attente" in page
    assert 'http-equiv="refresh"' not in page and "data-progress-url" in page
    assert client.get(reverse("compliance_job_file", args=[job.pk])).status_code == 404  # not ready
    state = client.get(reverse("compliance_job_progress", args=[job.pk])).json()
    assert state["finished"] is False and state["status_label"] == "En attente"
    assert state["step"] == "En attente du traitement en arrière-plan"
    # The job runs: the page offers the file, the compliance file page too.
    from atlasia.compliance.files import run_file_job

    run_file_job(job.pk)
    job.refresh_from_db()
    state = client.get(reverse("compliance_job_progress", args=[job.pk])).json()
    assert state["finished"] is True and state["progress"] == 100 and state["step"] == "Fichier prêt"
    page = client.get(reverse("compliance_job", args=[job.pk])).content.decode()
    assert f"Télécharger {job.filename}" in page
    file_page = client.get(reverse("compliance_file", args=[qualified.pk])).content.decode()
    assert "Dernier dossier préparé le" in file_page and job.filename in file_page
    # In English, the steps and labels are translated.
    english = client.get(reverse("compliance_job_progress", args=[job.pk]), headers={"accept-language": "en"})
    assert english.json()["step"] == "File ready" and english.json()["status_label"] == "Completed"
    # A second preparation replaces the first file on disk.
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(zip_url)
    newer = FileJob.objects.latest("pk")
    job.refresh_from_db()
    assert newer.status == "done" and newer.file and not job.file
    assert client.get(reverse("compliance_job_file", args=[job.pk])).status_code == 404
    # Another organisation sees neither the page nor the file.
    other = login(world["users"]["other_referent"])
    for name in ("compliance_job", "compliance_job_progress", "compliance_job_file"):
        assert other.get(reverse(name, args=[newer.pk])).status_code == 404


def test_a_failed_preparation_says_so(qualified: Any, world: Any, login: Any, monkeypatch: Any) -> None:
    from atlasia.compliance import files
    from atlasia.compliance.models import FileJob

    client = login(world["users"]["referent"])
    client.post(reverse("compliance_file_zip", args=[qualified.pk]))
    job = FileJob.objects.get()

    def broken(f: Any) -> bytes:
        raise OSError("disque plein")

    monkeypatch.setattr("atlasia.compliance.dossier.export_zip", broken)
    with contextlib.suppress(OSError):
        files.run_file_job(job.pk)
    page = client.get(reverse("compliance_job", args=[job.pk])).content.decode()
    assert "La préparation a échoué" in page and "disque plein" in page
    assert client.get(reverse("compliance_job_progress", args=[job.pk])).json()["finished"] is True


def test_a_qualification_document_pdf_is_prepared_in_the_background(
    qualified: Any, world: Any, login: Any
) -> None:
    client = login(world["users"]["dpo"])
    page = client.get(reverse("compliance_file", args=[qualified.pk])).content.decode()
    url = reverse("compliance_document", kwargs={"pk": qualified.pk, "kind": "aipd", "fmt": "pdf"})
    assert f'action="{url}"' in page  # the PDF is asked for, not generated by the link
    assert prepare(client, url).startswith(b"%PDF")
    # Not qualified: nothing to prepare.
    other = world["records"]["a_network"]
    assert client.post(reverse("compliance_document", args=[other.pk, "aipd", "pdf"])).status_code == 404
