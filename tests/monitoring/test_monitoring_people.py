"""Externalities (reports, triage, anonymised counts, public reports), AI literacy (coverage), the
ambassadors directory and the network's events and resources."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from atlasia.core.footprint import coverage_rate, format_rate_fr
from atlasia.monitoring import selectors
from atlasia.monitoring.externalities import selectors as externalities_selectors
from atlasia.monitoring.externalities import services as externalities_services
from atlasia.monitoring.models import (
    Externality,
    NetworkResource,
    TrainingCompletion,
    TrainingModule,
)
from atlasia.monitoring.people import selectors as people_selectors
from atlasia.monitoring.people import services as people_services
from atlasia.registry.models import Organisation, UseCase

# --- externalities -----------------------------------------------------------------------------------


def test_agent_reports_and_referent_triages_with_notes(mworld: dict[str, Any]) -> None:
    ext = externalities_services.externality_report(
        actor=mworld["users"]["contributor"],
        use_case=mworld["deployed"],
        data={"category": "extra_work", "description": "Chaque alerte doit être vérifiée à la main."},
    )
    with pytest.raises(PermissionDenied):
        externalities_services.externality_triage(
            actor=mworld["users"]["contributor"], externality=ext, status="accepted"
        )
    externalities_services.externality_triage(
        actor=mworld["users"]["referent"],
        externality=ext,
        status="accepted",
        note="Analyse prévue au comité de suivi.",
    )
    ext.refresh_from_db()
    assert ext.status == "accepted" and [n.text for n in ext.notes.all()] == [
        "Analyse prévue au comité de suivi."
    ]


def test_other_organisation_cannot_report_nor_read(client: Any, mworld: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        externalities_services.externality_report(
            actor=mworld["users"]["other_referent"],
            use_case=mworld["deployed"],
            data={"category": "bias", "description": "x"},
        )
    ext = externalities_services.externality_report(
        actor=mworld["users"]["contributor"],
        use_case=mworld["deployed"],
        data={"category": "bias", "description": "Écart selon l'âge."},
    )
    client.force_login(mworld["users"]["other_referent"])
    assert client.get(f"/suivi/externalites/{ext.pk}/").status_code == 404
    assert client.post(f"/suivi/externalites/{ext.pk}/", {"status": "rejected"}).status_code == 404
    ext.refresh_from_db()
    assert ext.status == "new" and Externality.objects.count() == 1


def test_counts_are_anonymised(mworld: dict[str, Any]) -> None:
    externalities_services.externality_report(
        actor=mworld["users"]["contributor"],
        use_case=mworld["deployed"],
        data={"category": "bias", "description": "Mme Dupont, 82 ans, écartée à tort."},
    )
    externalities_services.externality_report(
        actor=mworld["users"]["referent"],
        use_case=mworld["deployed"],
        data={"category": "bias", "description": "Second cas."},
    )
    externalities_services.externality_report(
        actor=mworld["users"]["other_referent"],
        use_case=mworld["deployed_b"],
        data={"category": "loss_of_rights", "description": "Droits suspendus."},
    )
    counts = externalities_selectors.externality_counts(UseCase.objects.all())
    assert counts["total"] == 3
    assert {r["code"]: r["n"] for r in counts["by_category"]}["bias"] == 2
    assert {r["code"]: r["n"] for r in counts["by_status"]}["new"] == 3
    assert {r["code"]: r["n"] for r in counts["by_organisation_type"]} == {"cnaf": 1, "hospital": 2}
    dumped = json.dumps(counts, ensure_ascii=False)
    for personal in ("Dupont", "82 ans", "contrib", "referent", "@example.org", "Second cas"):
        assert personal not in dumped
    scoped = externalities_selectors.externality_counts(UseCase.objects.filter(organisation=mworld["org_b"]))
    assert scoped["total"] == 1


def test_public_report_is_one_externality_with_its_contact_for_the_organisation_only(
    client: Any, mworld: dict[str, Any]
) -> None:
    from atlasia.publication.services import problem_report_create

    use_case = mworld["deployed"]
    UseCase.objects.filter(pk=use_case.pk).update(publication_level="public")
    use_case.refresh_from_db()
    report = problem_report_create(
        use_case=use_case,
        category="error",
        description="Réponse fausse du chatbot.",
        contact_email="x@y.fr",
        client_ip="198.51.100.4",
    )
    ext = Externality.objects.get()
    assert ext.pk == report.pk and ext.source == "public" and ext.category == "error"
    assert ext.reported_by is None and ext.contact_email == "x@y.fr" and ext.status == "new"
    # One model: counted once, by source, without the address.
    counts = externalities_selectors.externality_counts(UseCase.objects.all())
    assert counts["total"] == 1 and counts["by_source"] == {"public": 1}
    assert "x@y.fr" not in json.dumps(counts)
    # The triage screen shows the address to those who triage, not to a contributor.
    client.force_login(mworld["users"]["referent"])
    page = client.get(f"/suivi/externalites/{ext.pk}/").content.decode()
    assert "Registre public" in page and "mailto:x@y.fr" in page
    client.force_login(mworld["users"]["contributor"])
    page = client.get(f"/suivi/externalites/{ext.pk}/").content.decode()
    assert "Réponse fausse du chatbot." in page and "x@y.fr" not in page
    # The record's « Signalements du public » panel lists it for the organisation's members.
    page = client.get(f"/cas-d-usage/{use_case.pk}/").content.decode()
    assert "Signalements du public" in page and "Réponse fausse du chatbot." in page


# --- AI literacy -------------------------------------------------------------------------------------


def test_coverage_rate_computation() -> None:
    assert coverage_rate(12, 40) == pytest.approx(0.3)
    assert coverage_rate(50, 40) == 1.0  # capped
    assert coverage_rate(3, None) is None and coverage_rate(3, 0) is None
    assert format_rate_fr(0.3) == "30 %" and format_rate_fr(None) == "non déclaré"


@pytest.fixture
def module(mworld: dict[str, Any]) -> TrainingModule:
    return people_services.training_module_create(
        actor=mworld["users"]["national"],
        data={
            "title": "Comprendre l'IA",
            "provider": "Campus du numérique public",
            "kind": "external",
            "duration_hours": 3,
            "level": "discovery",
            "url": "https://example.org/ia",
        },
    )


def test_coverage_per_organisation_and_nationally(mworld: dict[str, Any], module: TrainingModule) -> None:
    org_a = mworld["org_a"]
    referent = mworld["users"]["referent"]
    people_services.literacy_declare(
        actor=mworld["users"]["org_admin"], organisation=org_a, agents_using_ai=4
    )
    today = timezone.localdate()
    people_services.training_completion_record(
        actor=referent, organisation=org_a, module=module, completed_on=today, person_name="Agent Un"
    )
    people_services.training_completion_record(
        actor=referent,
        organisation=org_a,
        module=module,
        completed_on=today,
        user=mworld["users"]["contributor"],
    )
    with pytest.raises(ValidationError, match="a déjà suivi"):
        people_services.training_completion_record(
            actor=referent, organisation=org_a, module=module, completed_on=today, person_name="  Agent   Un "
        )
    rows = {r["organisation"].slug: r for r in people_selectors.literacy_coverage(Organisation.objects.all())}
    assert rows["chu-lille"]["trained"] == 2 and rows["chu-lille"]["rate"] == 0.5
    assert rows["chu-lille"]["below_threshold"] and rows["caf-gironde"]["rate_label"] == "non déclaré"
    national = people_selectors.literacy_national()
    assert (national["trained"], national["agents_using_ai"], national["rate_label"]) == (2, 4, "50 %")
    todo = selectors.todo_for(mworld["users"]["org_admin"])
    assert [r["organisation"].slug for r in todo["literacy_below"]] == ["chu-lille"]


def test_literacy_permissions_and_impossible_dates(mworld: dict[str, Any], module: TrainingModule) -> None:
    org_a = mworld["org_a"]
    for actor in ("contributor", "dpo", "other_referent", "regional"):
        with pytest.raises(PermissionDenied):
            people_services.training_completion_record(
                actor=mworld["users"][actor],
                organisation=org_a,
                module=module,
                completed_on=timezone.localdate(),
                person_name="X",
            )
    with pytest.raises(PermissionDenied):
        people_services.training_module_create(actor=mworld["users"]["referent"], data={"title": "x"})
    with pytest.raises(ValidationError, match="dans le futur"):
        people_services.training_completion_record(
            actor=mworld["users"]["referent"],
            organisation=org_a,
            module=module,
            completed_on=timezone.localdate() + timedelta(days=2),
            person_name="X",
        )
    assert TrainingCompletion.objects.count() == 0


def test_literacy_screen(client: Any, mworld: dict[str, Any], module: TrainingModule) -> None:
    client.force_login(mworld["users"]["referent"])
    response = client.post(
        "/formation/formations-suivies/nouvelle/",
        {
            "organisation": mworld["org_a"].pk,
            "module": module.pk,
            "person_name": "Agent Deux",
            "completed_on": date(2025, 1, 15).isoformat(),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Formation enregistrée pour Agent Deux" in page and "Comprendre l&#x27;IA" in page
    client.force_login(mworld["users"]["contributor"])
    assert client.get("/formation/formations-suivies/nouvelle/").status_code == 403


# --- ambassadors and network -------------------------------------------------------------------------


def test_ambassadors_directory_filters_by_region(client: Any, mworld: dict[str, Any]) -> None:
    client.force_login(mworld["users"]["contributor"])
    page = client.get("/ambassadeurs/?region=75").content.decode()
    assert "CAF de la Gironde" in page and "CHU de Lille" not in page.split("<tbody>")[1]
    page = client.get("/ambassadeurs/").content.decode()
    assert "Referent" in page and "Other" in page and "Prévision réseau A" in page


def test_network_events_and_resources_editable_by_national_team(client: Any, mworld: dict[str, Any]) -> None:
    client.force_login(mworld["users"]["referent"])
    assert client.post("/reseau/evenements/nouveau/", {"title": "x"}).status_code == 403
    client.force_login(mworld["users"]["national"])
    response = client.post(
        "/reseau/evenements/nouveau/",
        {"title": "Webinaire des ambassadeurs", "date": "2025-04-03", "format": "onsite", "place": ""},
    )
    assert response.status_code == 400 and "Indiquez le lieu" in response.content.decode()
    bad = SimpleUploadedFile("guide.pdf", b"not a pdf", content_type="application/pdf")
    response = client.post("/reseau/ressources/nouvelle/", {"title": "Guide", "file": bad})
    assert response.status_code == 400 and "ne correspond pas à son extension" in response.content.decode()
    assert NetworkResource.objects.count() == 0
    good = SimpleUploadedFile("guide.pdf", b"%PDF-1.4 guide", content_type="application/pdf")
    client.post("/reseau/ressources/nouvelle/", {"title": "Guide d'achat", "file": good})
    resource = NetworkResource.objects.get()
    assert resource.original_name == "guide.pdf" and resource.content_type == "application/pdf"
    download = client.get(f"/reseau/ressources/{resource.pk}/telecharger/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 guide"
    assert "Guide d&#x27;achat" in client.get("/reseau/").content.decode()


# --- demo --------------------------------------------------------------------------------------------


def test_demo_loads_once_with_a_serious_incident_and_a_codecarbon_footprint(reference: None) -> None:
    from atlasia.demo.accounts import create_demo_accounts
    from atlasia.monitoring.demo import MARKER, load_monitoring_demo
    from atlasia.monitoring.models import Footprint, Incident
    from atlasia.registry.models import AITechnique, Theme

    create_demo_accounts()  # organisations are created when the catalogue is not loaded
    for org in Organisation.objects.all():
        UseCase.objects.create(
            title=f"Outil de tri — {org.name}",
            summary="Démonstration.",
            organisation=org,
            theme=Theme.objects.first(),
            ai_technique=AITechnique.objects.first(),
        )
    result = load_monitoring_demo()
    assert result["incidents"] == 2 and result["footprints"] == 3
    serious = Incident.objects.get(title=MARKER)
    assert serious.deadline == timezone.localdate() + timedelta(days=12)
    assert "Il reste 12 jours" in serious.countdown()
    measured = Footprint.objects.get(method="measured")
    assert measured.energy_kwh == pytest.approx(4.39065) and measured.measurement_rows == 3
    assert load_monitoring_demo() == {"already_loaded": True}
    assert Incident.objects.count() == 2


def test_the_public_form_categories_are_the_externality_categories() -> None:
    from atlasia.monitoring.externalities.enums import ExternalityCategory
    from atlasia.publication.enums import ProblemCategory

    assert ProblemCategory.values == ExternalityCategory.values


@pytest.mark.django_db
def test_history_of_a_report_received_before_the_merge_reads_as_an_externality() -> None:
    from atlasia.audit.display import describe
    from atlasia.audit.models import AuditEntry

    entry = AuditEntry.objects.create(
        action="create",
        object_type="publication.problemreport",
        object_id="7",
        object_repr="Biais ou discrimination — Score de risque",
        changes={"category": "bias", "has_contact": True},
    )
    item = describe([entry])[0]
    assert item.sentence == "Création — externalité négative « Biais ou discrimination — Score de risque »"
    assert ("Catégorie", "Biais ou discrimination") in [(line.label, line.after) for line in item.lines]
