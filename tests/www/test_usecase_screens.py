"""The use-case screens as a user sees them: create, validate, list, filter, sort, paginate, upload."""

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atlasia.audit.models import AuditEntry
from atlasia.registry.models import AITechnique, Attachment, Theme, UseCase

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(org_pk: int, **extra: str) -> dict[str, Any]:
    data = {
        "title": "Détection des chutes la nuit",
        "summary": "Des capteurs sonores alertent l'équipe de nuit.",
        "theme": Theme.objects.get(code="medico_social").pk,
        "ai_technique": AITechnique.objects.get(code="apprentissage_profond").pk,
        "organisation": org_pk,
        "provider_type": "vendor",
        "status": "idea",
        "publication_level": "internal",
        "tags_text": "nuit, chutes",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "10",
        "contacts-0-role": "Cadre de santé",
        "contacts-0-email": "cadre@example.org",
    }
    data.update(extra)
    return data


def test_create_then_find_in_list_with_contact_and_audit(world: dict[str, Any]) -> None:
    client = _client(world["users"]["contributor"])
    response = client.post(reverse("usecase_create"), _form(world["org_a"].pk))
    assert response.status_code == 302
    use_case = UseCase.objects.get(title="Détection des chutes la nuit")
    assert use_case.tags == ["nuit", "chutes"]
    assert list(use_case.contacts.values_list("role", flat=True)) == ["Cadre de santé"]
    assert AuditEntry.objects.filter(use_case_id=use_case.pk, action="create").count() == 2  # record, contact
    html = client.get(reverse("usecase_list") + "?q=chutes").content.decode()
    assert "Détection des chutes la nuit" in html and "1 cas d'usage" in html


def test_dates_out_of_order_give_a_french_message_and_store_nothing(world: dict[str, Any]) -> None:
    client = _client(world["users"]["contributor"])
    response = client.post(
        reverse("usecase_create"), _form(world["org_a"].pk, start_date="2026-06-01", end_date="2025-01-01")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "La date de fin (01/01/2025) est antérieure à la date de début (01/06/2026)" in html
    assert "Rien n'a été enregistré" in html
    assert not UseCase.objects.filter(title="Détection des chutes la nuit").exists()


def test_missing_title_and_malformed_date_are_reported_by_field(world: dict[str, Any]) -> None:
    response = _client(world["users"]["contributor"]).post(
        reverse("usecase_create"), _form(world["org_a"].pk, title="", start_date="32/13/2025")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Titre : Ce champ est obligatoire." in html
    assert "Saisissez une date valide" in html


def test_creating_for_another_organisation_by_forged_post_is_refused(world: dict[str, Any]) -> None:
    response = _client(world["users"]["contributor"]).post(
        reverse("usecase_create"), _form(world["org_b"].pk)
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not UseCase.objects.filter(title="Détection des chutes la nuit").exists()


def test_contributor_choosing_public_is_told_why_and_nothing_is_stored(world: dict[str, Any]) -> None:
    response = _client(world["users"]["contributor"]).post(
        reverse("usecase_create"), _form(world["org_a"].pk, publication_level="public")
    )
    assert response.status_code == 400
    assert "ne permet pas de changer le niveau de publication" in response.content.decode()
    assert not UseCase.objects.filter(title="Détection des chutes la nuit").exists()


def test_edit_updates_and_history_shows_old_and_new_values(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    client = _client(world["users"]["referent"])
    form = _form(world["org_a"].pk, title="Triage revu")
    response = client.post(reverse("usecase_edit", args=[record.pk]), form)
    assert response.status_code == 302
    html = client.get(reverse("usecase_detail", args=[record.pk]) + "?onglet=historique").content.decode()
    assert "Triage interne A" in html and "Triage revu" in html


def test_list_filters_sort_and_paginate(world: dict[str, Any], make_usecase: Any) -> None:
    for i in range(55):
        make_usecase(world["org_a"], title=f"Lot {i:02d}", status="deployed")
    client = _client(world["users"]["referent"])
    page1 = client.get(reverse("usecase_list") + "?status=deployed&sort=title").content.decode()
    assert "55 cas d'usage correspondent aux filtres" in page1
    assert "Lot 00" in page1 and "Lot 49" in page1 and "Lot 50" not in page1
    page2 = client.get(reverse("usecase_list") + "?status=deployed&sort=title&page=2").content.decode()
    assert "Lot 50" in page2 and "Lot 54" in page2 and "Lot 00" not in page2
    by_region = client.get(reverse("usecase_list") + "?region=75").content.decode()
    assert "Relances réseau B" in by_region and "Prévision réseau A" not in by_region
    by_type = client.get(
        reverse("usecase_list") + "?organisation_type=cnaf&publication_level=public"
    ).content.decode()
    assert "Non-recours public B" in by_type and "Relances réseau B" not in by_type


def test_list_query_count_does_not_grow_with_page_size(world: dict[str, Any], make_usecase: Any) -> None:
    client = _client(world["users"]["national"])
    client.get(reverse("usecase_list"))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("usecase_list"))
    for i in range(60):
        make_usecase(world["org_b"], title=f"Encore {i}")
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("usecase_list")).content.decode()
    assert html.count('href="/cas-d-usage/') >= 50
    assert len(many.captured_queries) == len(few.captured_queries)


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def test_upload_accepts_a_real_pdf_and_download_is_scoped(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    client = _client(world["users"]["contributor"])
    upload = SimpleUploadedFile("protocole.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    client.post(reverse("attachment_upload", args=[record.pk]), {"title": "Protocole", "file": upload})
    attachment = Attachment.objects.get(use_case=record)
    assert attachment.original_name == "protocole.pdf" and attachment.size == 12
    download = client.get(reverse("attachment_download", args=[record.pk, attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    other = _client(world["users"]["other_referent"])
    assert other.get(reverse("attachment_download", args=[record.pk, attachment.pk])).status_code == 404
    assert AuditEntry.objects.filter(use_case_id=record.pk, object_type="registry.attachment").count() == 1


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("script.exe", b"MZ\x90\x00", "n&#x27;est pas accepté"),
        ("faux.pdf", b"<html>not a pdf</html>", "ne correspond pas à son extension .pdf"),
        ("vide.csv", b"", "est vide"),
        ("note.docx", b"PK\x03\x04garbage", "ne correspond pas à son extension .docx"),
    ],
)
def test_upload_refusals_say_why_and_store_nothing(
    world: dict[str, Any], name: str, content: bytes, message: str
) -> None:
    record = world["records"]["a_internal"]
    client = _client(world["users"]["contributor"])
    response = client.post(
        reverse("attachment_upload", args=[record.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert message in response.content.decode()
    assert not Attachment.objects.filter(use_case=record).exists()


def test_upload_over_the_size_limit_is_refused(world: dict[str, Any], settings: Any) -> None:
    settings.ATLASIA_MAX_UPLOAD_BYTES = 1024
    record = world["records"]["a_internal"]
    response = _client(world["users"]["contributor"]).post(
        reverse("attachment_upload", args=[record.pk]),
        {"file": SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * 4096)},
        follow=True,
    )
    assert "Le fichier « gros.pdf » pèse 4 Ko : la taille maximale est de 1 Ko." in response.content.decode()
    assert not Attachment.objects.exists()


def test_docx_upload_is_recognised(world: dict[str, Any]) -> None:
    record = world["records"]["a_internal"]
    _client(world["users"]["contributor"]).post(
        reverse("attachment_upload", args=[record.pk]),
        {"file": SimpleUploadedFile("note.docx", _docx_bytes())},
    )
    assert Attachment.objects.get(use_case=record).content_type.endswith("wordprocessingml.document")


def test_upload_to_another_organisations_record_is_404(world: dict[str, Any]) -> None:
    record = world["records"]["b_network"]
    response = _client(world["users"]["contributor"]).post(
        reverse("attachment_upload", args=[record.pk]), {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}
    )
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_home_dashboard_counts_match_visible_records(world: dict[str, Any]) -> None:
    html = _client(world["users"]["referent"]).get(reverse("home")).content.decode()
    assert '<p class="fr-tile__title atlasia-figure" id="kpi-total">5</p>' in html
    assert '<p class="fr-tile__title atlasia-figure" id="kpi-mine">3</p>' in html
    assert '<p class="fr-tile__title atlasia-figure" id="kpi-public">2</p>' in html
