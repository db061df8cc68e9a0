# ruff: noqa: E501  (spreadsheet lines are easier to read unbroken)
"""Spreadsheet import: dry run report, atomicity, valid-lines-only, re-import, encodings, XLSX quirks."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from atlasia.core import spreadsheet as sp
from atlasia.exchange import importers, services
from atlasia.exchange.models import ImportJob
from atlasia.registry.models import UseCase

pytestmark = pytest.mark.django_db

HEADER_FR = "Référence externe;Titre;Résumé;Thème;Technique d'IA;Date de début;Date de fin;Coût (€);Données personnelles"


def _csv(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def _job(world: dict[str, Any], name: str, content: bytes, user: str = "referent") -> ImportJob:
    job = services.import_job_create(
        actor=world["users"][user], organisation=world["org_a"], filename=name, content=content
    )
    job.refresh_from_db()  # analysed by the background job (run at once by the immediate backend)
    return job


def _run(world: dict[str, Any], job: ImportJob, only_valid: bool = False) -> ImportJob:
    services.import_job_start(actor=job.created_by, job=job, only_valid=only_valid)
    job.refresh_from_db()
    return job


def test_dry_run_reports_every_error_by_line_and_column_and_reads_three_date_formats(
    world: dict[str, Any],
) -> None:
    content = _csv(
        [
            HEADER_FR,
            "R1;Tri des courriers;Classement automatique;acces_soins;apprentissage_supervise;31/01/2025;2025-06-30;1 200,50;oui",
            "R2;Prévision des appels;Prévoir;Accès aux soins et urgences;apprentissage_supervise;2025-02-01;;;non",
            "R3;Serial Excel;Date en nombre;acces_soins;apprentissage_supervise;45689;;;",
            "R4;;Sans titre;thème inconnu;apprentissage_supervise;31/02/2025;01/01/2020;-5;peut-être",
        ]
    )
    job = _job(world, "cas.csv", content)
    report = job.report
    assert report["counts"] == {"create": 3, "update": 0, "unchanged": 0, "error": 1}
    assert not report["valid"]
    rows = {r["line"]: r for r in report["rows"]}
    created = {c["field"]: c["new"] for c in rows[2]["changes"]}
    assert created["start_date"] == "31/01/2025" and created["end_date"] == "30/06/2025"
    assert created["cost_eur"] == "1200.50" and created["personal_data"] == "oui"
    assert {c["field"]: c["new"] for c in rows[3]["changes"]}["start_date"] == "01/02/2025"
    assert {c["field"]: c["new"] for c in rows[4]["changes"]}["start_date"] == "01/02/2025"  # serial 45689
    errors = rows[5]["errors"]
    assert "Ligne 5, colonne « Titre » : valeur obligatoire manquante" in errors
    assert (
        "Ligne 5, colonne « Thème » : « thème inconnu » ne fait pas partie de la liste des valeurs possibles"
        in errors
    )
    assert "Ligne 5, colonne « Date de début » : « 31/02/2025 » n'est pas une date valide" in errors
    assert "Ligne 5, colonne « Coût (€) » : le coût ne peut pas être négatif" in errors
    assert any(
        e.startswith("Ligne 5, colonne « Données personnelles » : « peut-être » n'est pas") for e in errors
    )
    assert UseCase.objects.filter(organisation=world["org_a"]).count() == 3  # the dry run wrote nothing


def test_an_invalid_file_writes_nothing(world: dict[str, Any]) -> None:
    before = UseCase.objects.count()
    job = _job(
        world,
        "cas.csv",
        _csv(
            [
                HEADER_FR,
                "R1;Bon;Résumé;acces_soins;apprentissage_supervise;;;;",
                "R2;Mauvais;Résumé;acces_soins;inconnue;;;;",
            ]
        ),
    )
    with pytest.raises(Exception, match="importer uniquement les lignes valides"):
        services.import_job_start(actor=job.created_by, job=job)
    ImportJob.objects.filter(pk=job.pk).update(status="queued")
    result = services.import_execute(job_id=job.pk)  # even forced, the job refuses
    job.refresh_from_db()
    assert result == "failed" and job.result["written"] is False
    assert UseCase.objects.count() == before


def test_valid_lines_only_when_chosen(world: dict[str, Any]) -> None:
    job = _job(
        world,
        "cas.csv",
        _csv(
            [
                HEADER_FR,
                "R1;Bon;Résumé;acces_soins;apprentissage_supervise;;;;",
                "R2;Mauvais;Résumé;acces_soins;inconnue;;;;",
            ]
        ),
    )
    job = _run(world, job, only_valid=True)
    assert job.status == "done" and job.result["created"] == 1 and job.result["skipped"] == 1
    assert (
        UseCase.objects.filter(title="Bon").exists() and not UseCase.objects.filter(title="Mauvais").exists()
    )


def test_reimport_of_the_same_file_creates_no_duplicate_and_updates_changes(world: dict[str, Any]) -> None:
    lines = [
        HEADER_FR,
        "R1;Tri des courriers;Résumé;acces_soins;apprentissage_supervise;;;;",
        "R2;Chatbot public A;Nouveau résumé;acces_soins;apprentissage_supervise;;;;",
    ]
    job = _run(world, _job(world, "cas.csv", _csv(lines)))
    # « Chatbot public A » exists in the organisation: matched by title, updated.
    assert (job.result["created"], job.result["updated"]) == (1, 1)
    assert UseCase.objects.get(title="Chatbot public A").summary == "Nouveau résumé"
    count = UseCase.objects.count()
    again = _job(world, "cas.csv", _csv(lines))
    assert again.report["counts"] == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    _run(world, again)
    assert UseCase.objects.count() == count
    # Renamed at the source, same external reference: the record is updated, not duplicated.
    lines[1] = "R1;Tri du courrier entrant;Résumé;acces_soins;apprentissage_supervise;;;;"
    third = _job(world, "cas.csv", _csv(lines))
    row = third.report["rows"][0]
    assert row["action"] == "update"
    assert row["changes"] == [
        {"field": "title", "column": "Titre", "old": "Tri des courriers", "new": "Tri du courrier entrant"}
    ]
    _run(world, third)
    assert (
        UseCase.objects.count() == count and UseCase.objects.filter(title="Tri du courrier entrant").exists()
    )


def test_windows_1252_semicolon_csv_with_english_headers(world: dict[str, Any]) -> None:
    content = _csv(
        [
            "External reference;Title;Summary;Theme;AI technique;Start date;Status;Publication level",
            "EN-1;Détection précoce;Résumé accentué é è à;Access to care and emergencies;"
            "Classical supervised learning;2025-03-01;Idea;Internal",
        ],
        encoding="cp1252",
    )
    job = _run(world, _job(world, "export.csv", content))
    assert job.result["created"] == 1, job.report
    uc = UseCase.objects.get(title="Détection précoce")
    assert uc.summary == "Résumé accentué é è à" and uc.status == "idea" and uc.theme.code == "acces_soins"


def test_comma_separated_utf8_csv(world: dict[str, Any]) -> None:
    content = _csv(
        ["title,summary,theme,ai_technique", '"Un, deux",Résumé,acces_soins,apprentissage_supervise']
    )
    job = _run(world, _job(world, "c.csv", content))
    assert UseCase.objects.filter(title="Un, deux").exists(), job.report


def _xlsx(build: Callable[[Any], None]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Titre", "Résumé", "Thème", "Technique d'IA", "Date de début", "Coût (€)"])
    build(ws)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_merged_cells_formulas_and_empty_lines(world: dict[str, Any]) -> None:
    import datetime as dt

    def build(ws: Any) -> None:
        ws.append(["Un", "Résumé commun", "acces_soins", "apprentissage_supervise", dt.date(2025, 1, 31), 10])
        ws.append(["Deux", None, "acces_soins", "apprentissage_supervise", 45689, "=F2*2"])
        ws.append([None] * 6)
        ws.append(["Trois", "Résumé", "acces_soins", "apprentissage_supervise", "2025-03-01", None])
        ws.merge_cells("B2:B3")

    job = _job(world, "cas.xlsx", _xlsx(build))
    report = job.report
    rows = {r["line"]: r for r in report["rows"]}
    # Merged B2:B3: the value is repeated, with a note.
    assert {c["field"]: c["new"] for c in rows[3]["changes"] if rows[3]["changes"]}.get("summary") is None
    assert any("cellules fusionnées B2:B3" in n for n in report["notes"])
    assert "Ligne 4 : ligne vide ignorée" in report["notes"]
    # A formula written by openpyxl has no cached value: refused with a precise message.
    assert rows[3]["errors"] == [
        "Ligne 3, colonne « Coût (€) » : la formule « =F2*2 » n'a pas de valeur calculée enregistrée : "
        "ouvrez le fichier dans un tableur et enregistrez-le, ou remplacez la formule par sa valeur"
    ]
    assert rows[2]["action"] == "create" and rows[5]["action"] == "create"


def test_xlsx_formula_with_a_cached_value_is_read(tmp_path: Any) -> None:
    # openpyxl cannot compute formulas: write a cached value in the XML as a spreadsheet program would.
    import zipfile

    raw = _xlsx(lambda ws: ws.append(["Un", "R", "acces_soins", "apprentissage_supervise", None, "=1+1"]))
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>").replace(
                    b"<f>1+1</f></c>", b"<f>1+1</f><v>2</v></c>"
                )
            target.writestr(item, data)
    sheet = sp.read_xlsx(out.getvalue())
    assert sheet.rows[0].values[5] == 2 and sheet.rows[0].notes == []


def test_mapping_screen_changes_the_analysis(client: Client, world: dict[str, Any]) -> None:
    content = _csv(
        ["Intitulé du projet;Description;Domaine;Méthode", "X;Y;acces_soins;apprentissage_supervise"]
    )
    client.force_login(world["users"]["referent"])
    response = client.post(
        "/echanges/import/",
        {"organisation": world["org_a"].pk, "file": SimpleUploadedFile("projets.csv", content)},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert "« Technique d'IA »" in job.report["file_errors"][0]  # « Méthode » is not a known header
    client.post(
        f"/echanges/import/{job.pk}/colonnes/",
        {"col_0": "title", "col_1": "summary", "col_2": "theme", "col_3": "ai_technique"},
    )
    job.refresh_from_db()
    assert job.report["valid"] and job.report["counts"]["create"] == 1
    page = client.get(f"/echanges/import/{job.pk}/")
    assert "à créer" in page.content.decode()
    client.post(f"/echanges/import/{job.pk}/lancer/")
    assert client.get(f"/echanges/import/{job.pk}/progression/").json()["status"] == "done"
    assert UseCase.objects.filter(title="X").exists()


def test_template_has_french_headers_instructions_and_drop_down_lists(
    client: Client, world: dict[str, Any]
) -> None:
    client.force_login(world["users"]["referent"])
    response = client.get("/echanges/import/modele.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["Cas d'usage"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["Référence externe", "Titre", "Résumé"]
    assert "Instructions" in wb.sheetnames
    formulas = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert any("Listes!" in f for f in formulas.values())
    # The template read back maps every column automatically.
    assert set(sp.auto_mapping(headers).values()) == {c.field for c in sp.COLUMNS}
    assert importers.default_mapping(headers)["1"] == "title"


def test_a_reviewer_cannot_import(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["users"]["national"])
    assert client.get("/echanges/import/").status_code == 403
