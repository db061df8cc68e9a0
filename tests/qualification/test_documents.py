"""Generated documents: DOCX that python-docx opens, prefilled from the record and the answers; PDF
with several pages; downloads follow the use case's visibility."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from typing import Any

import pytest
from django.urls import reverse
from docx import Document as Docx
from filejobs import prepared_response

from atlasia.audit.models import AuditEntry
from atlasia.compliance.models import FileJob
from atlasia.qualification import documents, services

pytestmark = pytest.mark.django_db


def _prepare_url(use_case: Any, kind: str) -> str:
    return reverse("qualification_document_prepare", kwargs={"pk": use_case.pk, "kind": kind})


def _pdf_text(content: bytes) -> str:
    assert shutil.which("pdftotext"), "pdftotext est absent : lancez `make system` (poppler-utils)"
    out = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


def _text(content: bytes) -> str:
    doc = Docx(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture
def qualified(world: Any, hr_answers: dict) -> Any:
    uc = world["records"]["a_internal"]
    uc.summary = "Repérer les droits non ouverts à l'allocation personnalisée d'autonomie."
    uc.data_sources = "Dossiers des bénéficiaires du département."
    uc.save()
    return services.qualification_complete(actor=world["users"]["referent"], use_case=uc, answers=hr_answers)


def test_the_dpia_docx_opens_and_holds_the_purpose_and_the_triggers(
    world: Any, login: Any, qualified: Any
) -> None:
    uc = qualified.use_case
    response = login(world["users"]["dpo"]).get(
        reverse("qualification_document", kwargs={"pk": uc.pk, "kind": "aipd", "fmt": "docx"})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "attachment" in response["Content-Disposition"]
    text = _text(response.content)
    assert "Analyse d'impact relative à la protection des données (AIPD)" in text
    assert "Repérer les droits non ouverts à l'allocation personnalisée d'autonomie." in text
    assert "Dossiers des bénéficiaires du département." in text
    # the triggers, each with its source
    assert "RGPD, art. 35(3) : " in text
    assert "Liste CNIL (délibération n° 2018-327) : " in text
    assert "Critère du CEPD (WP248) : " in text
    # the answers: legal basis and hosting
    assert "Mission d'intérêt public (e)" in text and "Hébergeur tiers certifié HDS" in text
    for heading in (
        "1. Contexte",
        "2. Principes fondamentaux",
        "3. Risques",
        "3.2. Accès illégitime à des données",
        "4. Plan d'action",
        "5. Avis",
    ):
        assert heading in text


def test_the_fria_docx_follows_article_27(qualified: Any) -> None:
    text = _text(documents.render_docx(documents.build("aidf", qualified)))
    for letter in "abcdef":
        assert f"(art. 27(1)({letter}))" in text
    assert "(art. 27(3))" in text and "(art. 27(4))" in text
    assert "Repérer les droits non ouverts" in text
    assert "Critère du CEPD (WP248) : " in text  # DPIA triggers recalled in the Art. 27(4) link


def test_the_registration_sheet_uses_the_section_the_result_gives(qualified: Any) -> None:
    assert qualified.result["ai_act"]["registration"]["sections"] == ["C"]
    text = _text(documents.render_docx(documents.build("enregistrement", qualified)))
    assert "Annexe VIII, section C — déployeur autorité publique (art. 49(3))" in text
    assert "section A" not in text and "section B" not in text
    assert "Résumé des conclusions de l'AIDF (art. 27)" in text


def test_section_c_carries_the_provider_entry_and_the_fria_once_recorded(qualified: Any) -> None:
    import datetime as dt

    from atlasia.lifecycle.models import ComplianceRecord
    from atlasia.lifecycle.selectors import deployer_facts

    text = _text(
        documents.render_docx(
            documents.build("enregistrement", qualified, deployer_facts(qualified.use_case_id))
        )
    )
    assert "AIDF requise, pas encore réalisée" in text
    ComplianceRecord.objects.create(
        use_case=qualified.use_case,
        registration_reference="https://ai-act-database.example.eu/systems/EU-HR-000123",
        fria_completed_at=dt.date(2026, 3, 2),
    )
    text = _text(
        documents.render_docx(
            documents.build("enregistrement", qualified, deployer_facts(qualified.use_case_id))
        )
    )
    assert "://ai-act-database.example.eu/systems/EU-HR-000123" in text
    assert "AIDF réalisée le 02/03/2026" in text


@pytest.mark.parametrize(
    ("bases", "waived"),
    [
        (["annex3_1a"], False),  # biometrics in a hospital: instructions for use are required
        (["annex3_5a"], False),
        (["annex3_1a", "annex3_6a"], True),  # biometrics in law enforcement
        (["annex3_7b"], True),  # migration, asylum, border control
    ],
)
def test_annex_viii_a12_waives_instructions_only_in_law_enforcement_and_migration(
    qualified: Any, bases: list[str], waived: bool
) -> None:
    result = dict(qualified.result)
    result["ai_act"] = {
        **result["ai_act"],
        "bases": bases,
        "registration": {"required": True, "sections": ["A"]},
    }
    qualified.result = result
    text = _text(documents.render_docx(documents.build("enregistrement", qualified)))
    assert ("Non fournie : domaine répressif" in text) is waived
    assert ("Requise : joindre la notice d'utilisation" in text) is not waived


def test_the_pdf_is_a_tagged_pdf_of_several_pages(
    world: Any, login: Any, qualified: Any, pdf_info: Any
) -> None:
    client = login(world["users"]["referent"])
    response = prepared_response(client, _prepare_url(qualified.use_case, "aipd"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    # pdfinfo comes with poppler-utils, installed by `make system` (make test): no fallback that could pass.
    assert shutil.which("pdfinfo"), "pdfinfo est absent : lancez `make system` (poppler-utils)"
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages > 1
    # Tagged PDF/UA: structure, language and title for screen readers (RGAA 13.3).
    meta = pdf_info(content)
    assert meta["Tagged"] == "yes" and meta["Title"].startswith("Analyse d")


def test_downloads_follow_the_use_case_visibility(world: Any, login: Any, qualified: Any) -> None:
    url = reverse(
        "qualification_document", kwargs={"pk": qualified.use_case.pk, "kind": "aipd", "fmt": "docx"}
    )
    assert login(world["users"]["other_referent"]).get(url).status_code == 404
    assert login(world["users"]["regional_other"]).get(url).status_code == 404
    assert login(world["users"]["contributor"]).get(url).status_code == 200  # a reader of her organisation
    assert login(world["users"]["referent"]).get(url.replace("aipd", "nope")).status_code == 404
    never = reverse(
        "qualification_document",
        kwargs={"pk": world["records"]["a_network"].pk, "kind": "aipd", "fmt": "docx"},
    )
    assert login(world["users"]["referent"]).get(never).status_code == 404  # not qualified yet
    # The PDF is never made in the request: asked for by a form, prepared in the background.
    assert login(world["users"]["referent"]).get(url.replace(".docx", ".pdf")).status_code == 404
    prepare = _prepare_url(qualified.use_case, "aipd")
    for outsider in ("other_referent", "regional_other"):
        assert prepared_response(login(world["users"][outsider]), prepare).status_code == 404
    assert not FileJob.objects.exists()
    assert (
        prepared_response(
            login(world["users"]["referent"]), _prepare_url(qualified.use_case, "nope")
        ).status_code
        == 404
    )
    not_qualified = _prepare_url(world["records"]["a_network"], "aipd")
    assert prepared_response(login(world["users"]["referent"]), not_qualified).status_code == 404
    assert not FileJob.objects.exists()
    # A reader of her organisation who does not see the compliance file still gets the PDF, as before.
    reader = login(world["users"]["contributor"])
    assert prepared_response(reader, prepare).content.startswith(b"%PDF")
    job = FileJob.objects.get()
    # Whoever else reads the use case may open the job's page; an outsider gets a 404.
    assert login(world["users"]["referent"]).get(reverse("compliance_job", args=[job.pk])).status_code == 200
    for outsider in ("other_referent", "regional_other"):
        client = login(world["users"][outsider])
        assert client.get(reverse("compliance_job", args=[job.pk])).status_code == 404
        assert client.get(reverse("compliance_job_file", args=[job.pk])).status_code == 404


def test_the_pdf_of_an_earlier_version_is_prepared_from_its_page(
    world: Any, login: Any, qualified: Any, hr_answers: dict
) -> None:
    uc = qualified.use_case
    referent = world["users"]["referent"]
    second = services.qualification_complete(actor=referent, use_case=uc, answers=hr_answers)
    assert second.version == 2
    client = login(referent)
    page = client.get(reverse("qualification_version", args=[uc.pk, 1])).content.decode()
    action = _prepare_url(uc, "aipd")
    assert f'action="{action}"' in page and 'name="version" value="1"' in page
    assert ".pdf" not in page  # no link that would make the PDF in the request
    old = prepared_response(client, action, {"version": "1"})
    latest = prepared_response(client, action)
    jobs = list(FileJob.objects.order_by("pk"))
    assert [j.qualification_version for j in jobs] == [1, None]
    assert old.content.startswith(b"%PDF") and latest.content.startswith(b"%PDF")
    old_text, latest_text = (_pdf_text(r.content) for r in (old, latest))
    assert f"Référence AIPD-{uc.uid.hex[:8].upper()}-V1 " in old_text and "-V2 " not in old_text
    assert f"Référence AIPD-{uc.uid.hex[:8].upper()}-V2 " in latest_text
    audit = AuditEntry.objects.filter(object_type="compliance.filejob").order_by("pk")
    assert [row.changes for row in audit] == [
        {"kind": "aipd", "fmt": "pdf", "version": 1},
        {"kind": "aipd", "fmt": "pdf"},
    ]
    # The job's page leads back to the version it was asked from, and says which one.
    job_page = client.get(reverse("compliance_job", args=[jobs[0].pk])).content.decode()
    assert reverse("qualification_version", args=[uc.pk, 1]) in job_page
    assert "qualification v1" in job_page
    assert reverse("compliance_file", args=[uc.pk]) not in job_page
    # A version that does not exist, or is not a number: nothing is queued.
    for bad in ("7", "x"):
        assert prepared_response(client, action, {"version": bad}).status_code == 404
    assert FileJob.objects.count() == 2


def test_documents_stay_french_for_an_english_reader(world: Any, login: Any, qualified: Any) -> None:
    client = login(world["users"]["referent"])
    url = reverse(
        "qualification_document", kwargs={"pk": qualified.use_case.pk, "kind": "aipd", "fmt": "docx"}
    )
    text = _text(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content)
    assert "Art. 6(2) et annexe III, point 5(a)" in text
    assert "Annex III" not in text and "DPIA" not in text and "Law version" not in text
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    pdf = prepared_response(client, _prepare_url(qualified.use_case, "aipd")).content
    assert shutil.which("pdftotext"), "pdftotext est absent : lancez `make system` (poppler-utils)"
    pdf_text = " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    assert "Droit applicable" in pdf_text and "Annex III" not in pdf_text and "Applicable law" not in pdf_text
