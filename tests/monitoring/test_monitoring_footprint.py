"""Environmental footprint: CodeCarbon import (sums, missing column, negative energy, future date),
EcoLogits estimate on a worked example, declared figures with the French factor, aggregates."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from atlasia.core import footprint as fp
from atlasia.monitoring.footprint import selectors as footprint_selectors
from atlasia.monitoring.footprint import services as footprint_services
from atlasia.monitoring.models import Footprint
from atlasia.registry.models import UseCase

DEMO_CSV = Path(__file__).resolve().parents[2] / "data" / "demo" / "codecarbon_emissions.csv"

HEADER_V2 = (
    "timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,gpu_power,ram_power,"
    "cpu_energy,gpu_energy,ram_energy,energy_consumed,country_name,country_iso_code,region,cloud_provider,"
    "cloud_region,os,python_version,codecarbon_version\n"
)


def _row(ts: str, energy: str, emissions: str) -> str:
    return f"{ts},p,r,60,{emissions},0.1,1,2,3,0.1,0.2,0.3,{energy},France,FRA,,,,Linux,3.11,2.3.4\n"


def _import(
    mworld: dict[str, Any], content: str, name: str = "emissions.csv", actor: str = "contributor"
) -> Footprint:
    data = content.encode()
    return footprint_services.footprint_import_codecarbon(
        actor=mworld["users"][actor],
        use_case=mworld["deployed"],
        name=name,
        size=len(data),
        handle=io.BytesIO(data),
    )


def test_good_codecarbon_file_is_summed(mworld: dict[str, Any]) -> None:
    footprint = _import(mworld, DEMO_CSV.read_text(encoding="utf-8"))
    assert footprint.method == "measured" and footprint.measurement_rows == 3
    assert footprint.energy_kwh == pytest.approx(1.25457 + 2.50887 + 0.62721)
    assert footprint.co2e_kg == pytest.approx(0.0936 + 0.1871 + 0.0468)
    assert str(footprint.period_start) == "2025-03-03" and str(footprint.period_end) == "2025-03-05"
    assert footprint.tool_version == "2.8.3" and "CodeCarbon (version 2.8.3)" in footprint.method_note


def test_older_codecarbon_version_with_required_columns_is_accepted(mworld: dict[str, Any]) -> None:
    old = "timestamp,project_name,duration,emissions,energy_consumed,country_name\n"
    old += "2022-01-05T10:00:00,p,100,0.5,2.0,France\n2022-01-06T10:00:00,p,100,0.25,1.0,France\n"
    footprint = _import(mworld, old)
    assert footprint.energy_kwh == pytest.approx(3.0) and footprint.co2e_kg == pytest.approx(0.75)


def test_missing_column_is_named_and_nothing_stored(mworld: dict[str, Any]) -> None:
    content = HEADER_V2.replace("energy_consumed,", "") + "2025-01-01T00:00:00,p,r,60,0.1\n"
    with pytest.raises(ValidationError) as caught:
        _import(mworld, content)
    message = caught.value.messages[0]
    assert "Colonne obligatoire absente du fichier CodeCarbon : energy_consumed." in message
    assert Footprint.objects.count() == 0


def test_negative_energy_is_refused_with_row_and_column(mworld: dict[str, Any]) -> None:
    content = HEADER_V2 + _row("2025-01-01T00:00:00", "1.5", "0.1") + _row("2025-01-02T00:00:00", "-2", "0.1")
    with pytest.raises(ValidationError) as caught:
        _import(mworld, content)
    assert "Ligne 3, colonne « energy_consumed » : valeur négative (-2)" in caught.value.messages[0]
    assert Footprint.objects.count() == 0


def test_future_date_in_codecarbon_file_is_refused() -> None:
    content = HEADER_V2 + _row("2999-01-01T00:00:00", "1", "0.1")
    with pytest.raises(
        fp.FootprintError, match="Ligne 2, colonne « timestamp » : la date 01/01/2999 est dans le futur"
    ):
        fp.parse_codecarbon_csv(content)


def test_screen_reports_the_missing_column(client: Any, mworld: dict[str, Any]) -> None:
    client.force_login(mworld["users"]["contributor"])
    upload = SimpleUploadedFile(
        "emissions.csv", b"timestamp,duration\n2025-01-01T00:00:00,3\n", content_type="text/csv"
    )
    response = client.post(
        f"/cas-d-usage/{mworld['deployed'].pk}/empreinte/",
        {"kind": "codecarbon", "codecarbon-phase": "training", "codecarbon-file": upload},
    )
    assert response.status_code == 400
    assert "absentes du fichier CodeCarbon : emissions, energy_consumed" in response.content.decode()
    assert Footprint.objects.count() == 0


def test_genai_estimate_worked_example(mworld: dict[str, Any]) -> None:
    """10,000 requests of 500 generated tokens with mistral-small-latest: the stored figures are
    exactly 10,000 times EcoLogits' single-request impacts (middle of the range), offline."""
    from ecologits.tracers.utils import llm_impacts

    single = llm_impacts("mistralai", "mistral-small-latest", 500, float("inf"))
    energy = fp._mid(single.energy.value)
    gwp = fp._mid(single.gwp.value)
    footprint = footprint_services.footprint_estimate_genai(
        actor=mworld["users"]["contributor"],
        use_case=mworld["deployed"],
        provider="mistralai",
        model="mistral-small-latest",
        output_tokens_per_request=500,
        requests=10_000,
    )
    assert footprint.method == "estimated" and footprint.phase == "inference"
    assert footprint.energy_kwh == pytest.approx(energy * 10_000)
    assert footprint.co2e_kg == pytest.approx(gwp * 10_000)
    assert 0.1 < footprint.energy_kwh < 100  # an order of magnitude check, not a precise figure
    assert "EcoLogits" in footprint.method_note and "10000 requêtes × 500 jetons" in footprint.method_note


def test_genai_unknown_model_is_refused(mworld: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="inconnu d'EcoLogits"):
        footprint_services.footprint_estimate_genai(
            actor=mworld["users"]["contributor"],
            use_case=mworld["deployed"],
            provider="mistralai",
            model="modele-imaginaire",
            output_tokens_per_request=10,
            requests=1,
        )
    assert Footprint.objects.count() == 0


def test_declared_energy_uses_the_french_factor_and_negative_is_refused(mworld: dict[str, Any]) -> None:
    factor = fp.electricity_factor()
    assert factor.zone == "FRA" and "ADEME" in factor.source
    footprint = footprint_services.footprint_declare(
        actor=mworld["users"]["contributor"],
        use_case=mworld["deployed"],
        data={"phase": "inference", "energy_kwh": 100.0},
    )
    assert footprint.co2e_kg == pytest.approx(100 * factor.kg_co2e_per_kwh)
    assert footprint.carbon_factor == factor.kg_co2e_per_kwh and "ADEME" in footprint.method_note
    with pytest.raises(ValidationError) as caught:
        footprint_services.footprint_declare(
            actor=mworld["users"]["contributor"],
            use_case=mworld["deployed"],
            data={"phase": "inference", "energy_kwh": -1.0},
        )
    assert "ne peut pas être négative" in caught.value.message_dict["energy_kwh"][0]
    assert Footprint.objects.count() == 1


def test_footprint_permissions(client: Any, mworld: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        footprint_services.footprint_declare(
            actor=mworld["users"]["other_referent"],
            use_case=mworld["deployed"],
            data={"phase": "training", "energy_kwh": 1.0},
        )
    client.force_login(mworld["users"]["other_referent"])
    assert client.get(f"/cas-d-usage/{mworld['deployed'].pk}/empreinte/").status_code == 404
    client.force_login(mworld["users"]["regional"])  # reads the region, writes nothing
    response = client.post(
        f"/cas-d-usage/{mworld['deployed'].pk}/empreinte/",
        {"kind": "declared", "declared-phase": "training", "declared-energy_kwh": "3"},
    )
    assert response.status_code == 403 and Footprint.objects.count() == 0


def test_aggregates_by_organisation_and_nation(mworld: dict[str, Any]) -> None:
    contributor = mworld["users"]["contributor"]
    footprint_services.footprint_declare(
        actor=contributor,
        use_case=mworld["deployed"],
        data={"phase": "training", "energy_kwh": 10.0, "co2e_kg": 1.0},
    )
    footprint_services.footprint_declare(
        actor=contributor,
        use_case=mworld["deployed"],
        data={"phase": "inference", "energy_kwh": 5.0, "co2e_kg": 0.5, "water_l": 2.0},
    )
    footprint_services.footprint_declare(
        actor=mworld["users"]["other_referent"],
        use_case=mworld["deployed_b"],
        data={"phase": "inference", "energy_kwh": 1.0, "co2e_kg": 3.0},
    )
    totals = footprint_selectors.footprint_totals(UseCase.objects.all())
    assert totals["total"] == {"energy_kwh": 16.0, "co2e_kg": 4.5, "water_l": 2.0, "n": 3}
    assert totals["by_phase"]["inference"]["energy_kwh"] == 6.0
    assert [(r["organisation"], r["co2e_kg"]) for r in totals["by_organisation"]] == [
        ("CAF de la Gironde", 3.0),
        ("CHU de Lille", 1.5),
    ]
    assert (
        footprint_selectors.footprint_by_usecase([mworld["deployed"].pk])[mworld["deployed"].pk]["energy_kwh"]
        == 15.0
    )


def test_the_same_codecarbon_file_imported_twice_is_counted_once(client: Any, mworld: dict[str, Any]) -> None:
    """Issue 22: re-importing the same emissions.csv used to double the footprint."""
    use_case = mworld["deployed"]
    client.force_login(mworld["users"]["referent"])
    url = f"/cas-d-usage/{use_case.pk}/empreinte/"
    content = DEMO_CSV.read_bytes()

    def post(name: str) -> Any:
        return client.post(
            url,
            {
                "kind": "codecarbon",
                "codecarbon-phase": "training",
                "codecarbon-file": SimpleUploadedFile(name, content, content_type="text/csv"),
            },
        )

    assert post("emissions.csv").status_code == 302
    total = footprint_selectors.footprint_totals(UseCase.objects.filter(pk=use_case.pk))
    again = post("emissions (1).csv")
    assert again.status_code == 400
    page = again.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert (
        "Ce fichier (« emissions (1).csv », contenu identique à « emissions.csv ») a déjà été importé" in page
    )
    assert "compterait deux fois les mêmes mesures. Rien n'a été ajouté." in page
    assert Footprint.objects.filter(use_case=use_case).count() == 1
    assert footprint_selectors.footprint_totals(UseCase.objects.filter(pk=use_case.pk)) == total
