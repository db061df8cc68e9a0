# ruff: noqa: E501  (spreadsheet lines and messages are easier to read unbroken)
"""The import report in the reader's language: a spreadsheet's errors, notes and refusals are stored in
French with their codes, and the import screen shows them in English to an English reader (numbers and
dates in English), in French unchanged to a French one; a report stored before the codes still shows."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from atlasia.core import spreadsheet as sp
from atlasia.exchange.enums import ImportStatus
from atlasia.exchange.models import ImportJob
from atlasia.registry.enums import PublicationLevel

pytestmark = pytest.mark.django_db

BAD_FILE = "\n".join(
    [
        "Liste des projets IA",
        "Référence externe;Titre;Résumé;Thème;Technique d'IA;Date de début;Date de fin;Coût (€);Données personnelles",
        "R1;Tri des courriers;Classement;acces_soins;apprentissage_supervise;12/03/2025;01/01/2020;-5;peut-être",
        "R2;;Sans titre;thème inconnu;apprentissage_supervise;31/02/2025;;abc;oui",
    ]
).encode()


def _upload(
    client: Client, world: dict[str, Any], language: str, content: bytes, name: str = "projets.csv"
) -> tuple[ImportJob, str]:
    client.force_login(world["users"]["referent"])
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    response = client.post(
        "/echanges/import/", {"organisation": world["org_a"].pk, "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302
    job = ImportJob.objects.latest("pk")
    page = client.get(f"/echanges/import/{job.pk}/?voir=erreurs")
    assert page.status_code == 200
    return job, html.unescape(page.content.decode())


def test_an_english_reader_sees_the_errors_in_english_with_line_column_and_english_dates(
    client: Client, world: dict[str, Any]
) -> None:
    job, page = _upload(client, world, "en", BAD_FILE)
    assert (
        "Line 3, column “Date de fin”: the end date (2020-01-01) is before the start date (2025-03-12)"
        in page
    )
    assert "Line 3, column “Coût (€)”: the cost cannot be negative" in page
    assert (
        "Line 3, column “Données personnelles”: “peut-être” is not a yes/no answer (expected: yes, no, oui, non)"
        in page
    )
    assert "Line 4, column “Titre”: required value missing" in page
    assert "Line 4, column “Thème”: “thème inconnu” is not one of the allowed values" in page
    assert "Line 4, column “Date de début”: “31/02/2025” is not a valid date" in page
    assert "Line 4, column “Coût (€)”: “abc” is not a valid amount" in page
    assert "header row found on line 2: line 1, above it, is ignored" in page
    assert "n'est pas" not in page and "Ligne " not in page
    # The report keeps the French text next to the codes (what the reports stored before the codes hold).
    errors = {r["line"]: r["errors"] for r in job.report["rows"]}
    assert (
        "Ligne 3, colonne « Date de fin » : la date de fin (01/01/2020) est antérieure à la date de début (12/03/2025)"
        in errors[3]
    )
    assert job.report["rows"][1]["messages"][0]["code"] == "sheet.at_line_column"


def test_a_french_reader_sees_the_same_errors_in_french_unchanged(
    client: Client, world: dict[str, Any]
) -> None:
    _job, page = _upload(client, world, "fr", BAD_FILE)
    assert (
        "Ligne 3, colonne « Date de fin » : la date de fin (01/01/2020) est antérieure à la date de début (12/03/2025)"
        in page
    )
    assert "Ligne 4, colonne « Titre » : valeur obligatoire manquante" in page
    assert "Ligne 4, colonne « Date de début » : « 31/02/2025 » n'est pas une date valide" in page
    assert "ligne d'en-tête trouvée ligne 2 : la ligne 1, au-dessus, est ignorée" in page
    assert "is not" not in page


def test_a_column_missing_from_the_file_is_named_by_its_english_label(
    client: Client, world: dict[str, Any]
) -> None:
    content = "Titre;Résumé;Technique d'IA\nX;Y;apprentissage_supervise\n".encode()
    _job, page = _upload(client, world, "en", content)
    assert "Line 2, column “Theme”: required column missing from the file" in page
    assert "Required columns not mapped: “Theme”." in page
    _job, page = _upload(client, world, "fr", content)
    assert "Ligne 2, colonne « Thème » : colonne obligatoire absente du fichier" in page
    assert "Colonnes obligatoires non associées : « Thème »." in page


def test_a_refused_file_reads_in_english_with_english_thousands(
    client: Client, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sp, "MAX_CELLS", 1000)
    content = "\n".join(";".join(f"c{i}-{j}" for j in range(20)) for i in range(60)).encode()
    _job, page = _upload(client, world, "en", content)
    assert (
        "Line 51: the file exceeds 1,000 cells, the limit of one import. Split it into several files." in page
    )
    _job, page = _upload(client, world, "fr", content)
    assert (
        "Ligne 51 : le fichier dépasse 1\u202f000 cellules, la limite d'un import. Découpez-le en plusieurs fichiers."
        in page
    )


def test_a_null_byte_names_the_column_number_in_english(client: Client, world: dict[str, Any]) -> None:
    content = b"Titre;R\xc3\xa9sum\xc3\xa9;\nX;Y;a\x00b\n"
    _job, page = _upload(client, world, "en", content)
    assert "Line 2, column “no. 3”: the file contains a null character (byte 0)" in page


def test_a_report_stored_before_the_codes_still_shows_in_french(
    client: Client, world: dict[str, Any]
) -> None:
    """Reports written before this change hold French sentences only: shown as they are, in any language."""
    old_report = {
        "headers": ["Titre", "Résumé"],
        "rows": [
            {
                "line": 2,
                "title": "",
                "external_ref": "",
                "target_id": None,
                "changes": [],
                "errors": ["Ligne 2, colonne « Titre » : valeur obligatoire manquante"],
                "action": "error",
            }
        ],
        "counts": {"create": 0, "update": 0, "unchanged": 0, "error": 1},
        "file_errors": ["Colonnes obligatoires non associées : « Thème », « Technique d'IA »."],
        "notes": ["Ligne 4 : ligne vide ignorée"],
        "unmapped": [],
        "errors": [
            "Colonnes obligatoires non associées : « Thème », « Technique d'IA ».",
            "Ligne 2, colonne « Titre » : valeur obligatoire manquante",
        ],
        "valid": False,
        "already_imported": "",
    }
    job = ImportJob.objects.create(
        organisation=world["org_a"],
        created_by=world["users"]["referent"],
        filename="ancien.csv",
        content=b"",
        status=ImportStatus.DONE,
        report=old_report,
        result={
            "written": False,
            "created": 0,
            "updated": 0,
            "skipped": 0,
            "errors": ["Ligne 2, colonne « Titre » : valeur obligatoire manquante"],
        },
        sheet={
            "headers": ["Titre"],
            "header_line": 1,
            "issues": [[4, "", "", "ligne vide ignorée", "note"]],
            "rows": [],
        },
    )
    client.force_login(world["users"]["referent"])
    for language in ("en", "fr"):
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        page = html.unescape(client.get(f"/echanges/import/{job.pk}/").content.decode())
        assert "Ligne 2, colonne « Titre » : valeur obligatoire manquante" in page
        assert "Colonnes obligatoires non associées : « Thème », « Technique d'IA »." in page
        assert "Ligne 4 : ligne vide ignorée" in page
    # A sheet stored before the codes (five items per issue) is read back by the import.
    sheet = sp.sheet_from_data(job.sheet)
    assert sheet.issues[0].sentence() == "Ligne 4 : ligne vide ignorée"


def test_the_result_of_an_import_of_the_valid_lines_reads_in_english(
    client: Client, world: dict[str, Any]
) -> None:
    job, _page = _upload(client, world, "en", BAD_FILE)
    client.post(f"/echanges/import/{job.pk}/lancer/", {"only_valid": "1"})
    job.refresh_from_db()
    assert job.result["errors"] and len(job.result["messages"]) == len(job.result["errors"])
    page = html.unescape(client.get(f"/echanges/import/{job.pk}/").content.decode())
    assert "Line 4, column “Titre”: required value missing" in page.split("Dry run (nothing written)")[0]
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    page = html.unescape(client.get(f"/echanges/import/{job.pk}/").content.decode())
    assert (
        "Ligne 4, colonne « Titre » : valeur obligatoire manquante"
        in page.split("Analyse (aucune écriture)")[0]
    )


FIRST = "\n".join(
    [
        "Référence externe;Titre;Résumé;Thème;Technique d'IA;Date de début;Données personnelles",
        "R1;Tri des courriers;Classement;acces_soins;apprentissage_supervise;12/03/2025;oui",
    ]
).encode()


def _run(client: Client, job: ImportJob) -> ImportJob:
    client.post(f"/echanges/import/{job.pk}/lancer/", {"only_valid": "1"})
    job.refresh_from_db()
    return job


def _page(client: Client, job: ImportJob, language: str) -> str:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    page = client.get(f"/echanges/import/{job.pk}/?voir=modifications")
    assert page.status_code == 200
    return html.unescape(page.content.decode())


def test_what_a_re_import_would_change_reads_in_english_and_in_french_unchanged(
    client: Client, world: dict[str, Any]
) -> None:
    """After a real import, the dry run of a second file shows, per row, each column's old and new value:
    dates, yes/no and coded values (a theme, a publication level) written in the reader's language."""
    from atlasia.registry.models import Theme, UseCase

    job, _page_en = _upload(client, world, "en", FIRST)
    creation = _page(client, job, "en")
    assert "Date de début: “2025-03-12”" in creation and "Données personnelles: “yes”" in creation
    before = Theme.objects.get(code="acces_soins")
    after = Theme.objects.exclude(code="acces_soins").exclude(label_en="").order_by("position").first()
    assert after is not None and before.label_en and before.label_en != before.label_fr
    assert f"Thème: “{before.label_en}”" in creation
    assert _run(client, job).result["created"] == 1
    assert UseCase.objects.filter(title="Tri des courriers").exists()

    second = "\n".join(
        [
            "Référence externe;Titre;Résumé;Thème;Technique d'IA;Date de début;Données personnelles;Niveau de publication",
            f"R1;Tri des courriers;Classement;{after.code};apprentissage_supervise;01/04/2025;non;Partagé avec le réseau",
        ]
    ).encode()
    job2, _page_en = _upload(client, world, "en", second, name="projets-2.csv")
    assert job2.report["counts"]["update"] == 1, job2.report["rows"][0]["errors"]
    english = _page(client, job2, "en")
    assert "Date de début: “2025-03-12” → “2025-04-01”" in english
    assert "Données personnelles: “yes” → “no”" in english
    assert f"Thème: “{before.label_en}” → “{after.label_en}”" in english
    with translation.override("en"):
        internal, network = str(PublicationLevel.INTERNAL.label), str(PublicationLevel.NETWORK.label)
    assert internal != "Interne à l'organisation"
    assert f"Niveau de publication: “{internal}” → “{network}”" in english
    french = _page(client, job2, "fr")
    assert "Date de début : « 12/03/2025 » → « 01/04/2025 »" in french
    assert "Données personnelles : « oui » → « non »" in french
    assert f"Thème : « {before.label_fr} » → « {after.label_fr} »" in french
    assert "Niveau de publication : « Interne à l'organisation » → « Partagé avec le réseau »" in french


def test_a_registry_bulk_refusal_reads_in_english(client: Client, world: dict[str, Any]) -> None:
    """A row the registry's bulk write refuses (here: a contributor may not set the publication level)
    is reported in the reader's language, its column named, in French unchanged for a French reader."""
    content = "\n".join(
        [
            "Référence externe;Titre;Résumé;Thème;Technique d'IA;Niveau de publication",
            "P1;Un cas publié;Résumé;acces_soins;apprentissage_supervise;public",
        ]
    ).encode()
    client.force_login(world["users"]["contributor"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post(
        "/echanges/import/", {"organisation": world["org_a"].pk, "file": SimpleUploadedFile("p.csv", content)}
    )
    assert response.status_code == 302
    job = _run(client, ImportJob.objects.latest("pk"))
    assert job.result["errors"], job.result
    english = html.unescape(client.get(f"/echanges/import/{job.pk}/").content.decode())
    assert (
        "column “Niveau de publication”: your role does not allow changing the publication level" in english
    )
    french = _page(client, job, "fr")
    assert (
        "colonne « Niveau de publication » : votre rôle ne permet pas de changer le niveau de publication"
        in (french)
    )


def test_changes_stored_before_their_languages_show_as_stored() -> None:
    from atlasia.core.messages import FR, english
    from atlasia.www.exchange.views import _changes

    row = {
        "action": "update",
        "changes": [
            {"field": "start_date", "column": "Date de début", "old": "12/03/2025", "new": "01/04/2025"}
        ],
    }
    assert _changes(row, FR) == ["Date de début : « 12/03/2025 » → « 01/04/2025 »"]
    with translation.override("en"):
        from django.utils.translation import gettext

        assert _changes(row, english(gettext)) == ["Date de début: “12/03/2025” → “01/04/2025”"]
