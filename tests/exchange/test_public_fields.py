"""One definition of what is public (issue 14, item 7): the public page, the open-data exports and the
anonymous API show the same fields of a record, and nothing else (no experiment, no evaluation, no
qualification answers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from atlasia.lifecycle.models import ComplianceRecord, Experiment
from atlasia.publication import exporters, public
from atlasia.qualification.models import Qualification


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


SECRET_EXPERIMENT = "Pilote-interne-XK7 sur 300 dossiers"


@pytest.fixture
def qualified(world: dict[str, Any]) -> Any:
    uc = world["records"]["a_public"]
    uc.legal_basis_details = "Article L. 6111-1 du code de la santé publique."
    uc.risks_and_mitigations = "Faux négatifs : double lecture par un médecin."
    uc.senior_responsible_owner = "Dr Anne Martin, directrice médicale"
    uc.team = "Cellule IA de la DSI"
    uc.save()
    Qualification.objects.create(
        use_case=uc,
        version=1,
        answers={"legal_basis": "public_task", "art9_exception": "care", "secret_answer": "ne pas publier"},
        result={
            "ai_act": {"category": "high_risk", "fria_required": True, "bases": ["annex3_5a"]},
            "gdpr": {"dpia": "required"},
        },
        law_version="2026-07-omnibus",
        category="high_risk",
    )
    ComplianceRecord.objects.create(
        use_case=uc, dpia_decision="required", dpia_completed_at=dt.date(2025, 3, 12)
    )
    Experiment.objects.create(
        use_case=uc, title=SECRET_EXPERIMENT, objective="Mesurer.", start_date=dt.date(2025, 1, 1)
    )
    return uc


@pytest.mark.django_db
def test_page_exports_and_anonymous_api_show_the_same_public_fields(client: Client, qualified: Any) -> None:
    rec = public.public_record(qualified.uid)
    assert rec is not None
    assert rec.legal_basis.startswith("RGPD, article 6(1) : Mission d'intérêt public (e).")
    assert "Article L. 6111-1" in rec.legal_basis
    assert "réalisée le 12/03/2025" in rec.impact_assessment_summary
    assert (
        "droits fondamentaux" in rec.impact_assessment_summary and "requise" in rec.impact_assessment_summary
    )

    page = client.get(reverse("publication_register_detail", args=[qualified.uid])).content.decode()
    for text in (
        "Mission d&#x27;intérêt public (e)",
        "Article L. 6111-1",
        "réalisée le 12/03/2025",
        "Faux négatifs : double lecture",
        "Haut risque",
        "Dr Anne Martin, directrice médicale",
        "Cellule IA de la DSI",
        f"Dernière mise à jour de la fiche : {rec.last_update:%d/%m/%Y}",
    ):
        assert text in page, text
    row = next(
        r
        for r in client.get(reverse("publication_export_json")).json()["cas_d_usage"]
        if r["identifiant"] == str(qualified.uid)
    )
    assert row["categorie_ai_act"] == "Haut risque" and row["base_legale"] == rec.legal_basis
    assert (
        row["analyses_impact"] == rec.impact_assessment_summary
        and row["risques_et_attenuations"] == rec.risks
    )
    assert row["responsable"] == "Dr Anne Martin, directrice médicale"
    assert row["date_mise_a_jour"] == rec.last_update.isoformat()
    csv_rows = exporters.from_csv(client.get(reverse("publication_export_csv")).content)
    assert next(r for r in csv_rows if r["identifiant"] == str(qualified.uid)) == row

    api = client.get(f"/api/v1/usecases/{qualified.uid}").json()
    assert api["senior_responsible_owner"] == rec.senior_responsible_owner
    assert api["risks_and_mitigations"] == rec.risks_and_mitigations
    assert api["legal_basis_details"] == rec.legal_basis_details

    # Nothing beyond the public fields reaches an anonymous caller.
    for channel in (
        page,
        client.get("/api/v1/usecases/" + str(qualified.uid)).content.decode(),
        client.get("/api/v1/exchange/records").content.decode(),
        client.get(reverse("publication_export_json")).content.decode(),
    ):
        assert SECRET_EXPERIMENT not in channel and "ne pas publier" not in channel
    assert client.get(f"/api/v1/usecases/{qualified.uid}/experiments").status_code == 404
    assert client.get(f"/api/v1/usecases/{qualified.uid}/evaluations").status_code == 404
    (only,) = client.get(f"/api/v1/usecases/{qualified.uid}/qualifications").json()
    served = dt.datetime.fromisoformat(only.pop("completed_at"))
    assert abs(served - rec.qualification.completed_at) < dt.timedelta(milliseconds=1)
    assert only == {"version": 1, "law_version": "2026-07-omnibus", "category": "high_risk", "result": {}}


@pytest.mark.django_db
def test_a_token_of_the_organisation_still_reads_experiments_and_answers(
    client: Client, qualified: Any, make_token: Callable[..., str]
) -> None:
    headers = bearer(make_token("org_a", "referent"))
    experiments = client.get(f"/api/v1/usecases/{qualified.uid}/experiments", **headers).json()
    assert [e["title"] for e in experiments] == [SECRET_EXPERIMENT]
    qualifications = client.get(f"/api/v1/usecases/{qualified.uid}/qualifications", **headers).json()
    assert qualifications[0]["result"]["gdpr"]["dpia"] == "required"


#: Every field of the public record and the open-data columns (or other channel) that carry it.
CARRIED_BY = {
    "uid": ["identifiant"],
    "title": ["titre"],
    "summary": ["resume"],
    "problem": ["probleme_traite"],
    "expected_benefits": ["benefices_attendus"],
    "theme_code": ["theme_code"],
    "theme_label": ["theme"],
    "pillar_code": ["axe_strategique"],
    "pillar_label": ["axe_strategique"],
    "tags": ["mots_cles"],
    "organisation": [
        "organisation",
        "organisation_siren",
        "organisation_type_code",
        "region_code",
        "departement",
    ],
    "target_population": ["population_concernee"],
    "team": ["equipe"],
    "senior_responsible_owner": ["responsable"],
    "ai_technique_code": ["technique_ia_code"],
    "ai_technique_label": ["technique_ia"],
    "provider_type": ["realisation"],
    "provider_name": ["prestataire"],
    "algorithm": ["algorithme_identifiant", "algorithme_nom"],
    "human_oversight": ["controle_humain"],
    "legal_basis_details": ["base_legale"],
    "proportionality": ["proportionnalite"],
    "risks_and_mitigations": ["risques_et_attenuations"],
    "personal_data": ["donnees_personnelles"],
    "health_data": ["donnees_sante"],
    "data_category_codes": ["categories_donnees"],
    "data_categories": ["categories_donnees"],
    "data_sources": ["sources_donnees"],
    "data_volume": ["volumes_donnees"],
    "hosting": ["hebergement"],
    "status": ["etape_code", "etape"],
    "start_date": ["date_debut"],
    "end_date": ["date_fin"],
    "cost_eur": ["cout_eur"],
    "contacts": ["contacts_publics"],
    "sources": ["sources_publiques"],
    "created_at": ["date_creation"],
    "updated_at": ["date_mise_a_jour"],
    "qualification": ["categorie_ai_act_code", "categorie_ai_act", "base_legale", "analyses_impact"],
    "compliance": ["analyses_impact"],
}


def test_every_public_field_has_a_column_in_the_open_data_record() -> None:
    assert set(CARRIED_BY) == set(public.PUBLIC_FIELDS)
    for name, columns in CARRIED_BY.items():
        for column in columns:
            assert column in exporters.FIELD_NAMES, (name, column)
