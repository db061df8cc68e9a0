"""Every public record of the demonstration, exported as its consumers read it, checked against the
official files shipped under ``tests/standards/`` (origin and licence in ``tests/standards/README.md``):

- the Dutch algorithm register: the v1.0 config (its own format, as the register's backend applies it)
  and the submission API's OpenAPI schema (``AlgorithmIn``), validated with jsonschema;
- DCAT-AP 3.0.1: the SEMICeu SHACL shapes (mandatory, ranges, recommended, deprecated), with pyshacl;
- data.gouv.fr: the conditions its DCAT harvester (udata) imposes, each in its own test;
- UK ATRS: GOV.UK's publishing-api schema for the record metadata, the specialist-publisher finder
  (required facets, allowed values), and the template's field list (v3.0 table + v3.0 → v4.0 change log).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from atlasia.publication import exporters

STANDARDS = Path(__file__).resolve().parents[1] / "standards"
DCAT_SHAPES = STANDARDS / "dcat-ap-3.0.1"


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demonstration (catalogue, qualifications, lifecycle, evaluations), loaded once for the module."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        from django.core.management import call_command as cc

        from tests.seeded import seed_migration_rows

        cc("flush", interactive=False, verbosity=0)
        seed_migration_rows()  # the flush emptied the charters too: the tests after this module need them


@pytest.fixture
def exports(demo: Any, client: Client) -> dict[str, Any]:
    return {
        "nl": json.loads(client.get(reverse("publication_export_nl")).content),
        "atrs": json.loads(client.get(reverse("publication_export_atrs")).content),
        "dcat": client.get(reverse("publication_dcat")).content.decode(),
        "json": json.loads(client.get(reverse("publication_export_json")).content),
    }


pytestmark = [pytest.mark.django_db(transaction=False)]


# --- Dutch algorithm register --------------------------------------------------------------------


def test_the_demo_has_public_records_to_check(exports: dict[str, Any]) -> None:
    assert len(exports["json"]["cas_d_usage"]) >= 30
    assert len(exports["nl"]) == len(exports["atrs"]["records"]) == len(exports["json"]["cas_d_usage"])


def test_every_dutch_record_is_valid_against_the_official_v1_0_config(exports: dict[str, Any]) -> None:
    config = json.loads((STANDARDS / "algoritmeregister" / "v1_0.json").read_text(encoding="utf-8"))
    assert config == exporters.algoritmeregister_config()  # the packaged copy is the official file
    errors = {r["name"]: exporters.validate_algoritmeregister(r, config) for r in exports["nl"]}
    assert {k: v for k, v in errors.items() if v} == {}


def _algorithm_in_validator() -> jsonschema.protocols.Validator:
    """The submission API's ``AlgorithmIn`` schema (OpenAPI 3.1 = JSON Schema 2020-12). The register's
    FastAPI backend writes two keywords of its own: ``type: "enum"`` (a string restricted by the
    referenced enum) and ``max_length_without_html`` (a length counted without HTML tags); they are
    applied here as the backend (``app/schemas/versions.py``) applies them."""
    spec = json.loads((STANDARDS / "algoritmeregister" / "aanleverapi-v1_0.openapi.json").read_text("utf-8"))
    schema = {"$ref": "#/components/schemas/AlgorithmIn", "components": spec["components"]}
    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine("enum", lambda _checker, value: isinstance(value, str))

    def max_length_without_html(_validator: Any, limit: int, value: Any, _schema: Any) -> Any:
        if isinstance(value, str) and len(re.sub(r"<[^>]+>", "", value)) > limit:
            yield jsonschema.ValidationError(f"{len(value)} caractères, plus que {limit}")

    cls = jsonschema.validators.extend(
        base, validators={"max_length_without_html": max_length_without_html}, type_checker=checker
    )
    return cls(schema)


def test_every_dutch_record_is_accepted_by_the_submission_api_schema(exports: dict[str, Any]) -> None:
    validator = _algorithm_in_validator()
    problems = {
        r["name"]: [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(r)]
        for r in exports["nl"]
    }
    assert {k: v for k, v in problems.items() if v} == {}


def test_the_submission_api_schema_refuses_what_the_register_refuses() -> None:
    validator = _algorithm_in_validator()
    good = {
        "name": "Triage",
        "description_short": "Court.",
        "organization": "CHU",
        "status": "In gebruik",
        "contact_email": "ia@chu.fr",
        "publication_category": "Overige algoritmes",
        "lang": "nld",
    }
    assert list(validator.iter_errors(good)) == []
    for change in ({"status": "Actif"}, {"lang": "fra"}, {"name": "x" * 101}, {"begin_date": "2023-01-15"}):
        assert list(validator.iter_errors({**good, **change})), change
    missing = dict(good)
    del missing["contact_email"]
    assert list(validator.iter_errors(missing))


def test_dutch_fields_come_from_the_data_we_hold(exports: dict[str, Any], demo: Any) -> None:
    records = exports["nl"]
    with_basis = [r for r in records if r.get("lawful_basis")]
    with_impact = [r for r in records if r.get("impacttoetsen")]
    assert len(with_basis) >= 30 and len(with_impact) >= 30, (len(with_basis), len(with_impact))
    assert all("Non précisé" not in r.get("provider", "") for r in records)
    for r in records:
        assert r.get("website") != r.get("url"), r["name"]
        assert r["url"].startswith("http://testserver/api/v1/usecases/")
        if r["status"] == "In ontwikkeling":
            assert "begin_date" not in r, r["name"]  # « month taken into use »


# --- DCAT-AP 3.0.1 (SHACL) -----------------------------------------------------------------------


def _shacl(data: str) -> tuple[list[str], list[str]]:
    """(violations, warnings) of the catalogue against every official DCAT-AP 3.0.1 shape file."""
    import rdflib
    from pyshacl import validate

    graph = rdflib.Graph().parse(data=data, format="json-ld")
    violations: list[str] = []
    warnings: list[str] = []
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    for name in ("shapes.ttl", "range.ttl", "shapes_recommended.ttl", "deprecateduris.ttl"):
        shapes = rdflib.Graph().parse(DCAT_SHAPES / name, format="turtle")
        _conforms, report, _text = validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
        for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
            severity = report.value(result, sh.resultSeverity)
            line = f"{name}: {report.value(result, sh.focusNode)} {report.value(result, sh.resultPath)}"
            (violations if severity == sh.Violation else warnings).append(line)
    return violations, warnings


#: The recommended properties left out, each justified in docs/open-data/mappings.md (« DCAT-AP »).
JUSTIFIED_WARNINGS = {
    "dcat#endDate",  # the register is ongoing: its period has a start and no end
    "dcat#bbox",  # France with its overseas regions: a bounding box would cover most of the globe
    "dcat#centroid",  # same reason
}


def test_the_catalogue_has_no_shacl_violation_and_only_justified_warnings(exports: dict[str, Any]) -> None:
    violations, warnings = _shacl(exports["dcat"])
    assert violations == []
    assert len(warnings) <= 3, warnings
    assert {w.rsplit("/", 1)[-1] for w in warnings} <= JUSTIFIED_WARNINGS, warnings


def test_the_shapes_catch_what_the_issue_found(exports: dict[str, Any]) -> None:
    """The validator is live: the defects of the former catalogue are reported again if reintroduced."""
    document = json.loads(exports["dcat"])
    broken = copy.deepcopy(document)
    dataset = broken["dcat:dataset"][0]
    dataset["dcat:landingPage"].pop("@type")  # landing page not a foaf:Document
    # A media type not typed dct:MediaType (an IRI no other distribution types).
    dataset["dcat:distribution"][0]["dcat:mediaType"] = {
        "@id": "https://www.iana.org/assignments/media-types/text/x-a"
    }
    dataset["dct:conformsTo"].pop("@type")  # not a dct:Standard
    del dataset["dcat:contactPoint"]
    violations, warnings = _shacl(json.dumps(broken))
    assert len(violations) == 3, violations
    assert any("contactPoint" in w for w in warnings)


# --- data.gouv.fr harvester (udata, harvest/backends/dcat.py and core/dataset/rdf.py) --------------


def _harvest_view(catalogue: str) -> tuple[Any, list[Any]]:
    import rdflib

    graph = rdflib.Graph().parse(data=catalogue, format="json-ld")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    datasets = list(dict.fromkeys(graph.subjects(rdflib.RDF.type, dcat.Dataset)))
    return graph, datasets


def test_udata_guesses_the_format_from_the_extension_or_the_content_type(demo: Any, client: Client) -> None:
    # udata.rdf.guess_format: suffix « jsonld » → json-ld; else the Content-Type must be one it accepts.
    url = reverse("publication_dcat")
    assert url.endswith(".jsonld")
    response = client.get(url)
    assert response["Content-Type"].split(";")[0] == "application/ld+json"


def test_udata_finds_every_dataset_with_an_identifier_and_a_title(exports: dict[str, Any]) -> None:
    # DcatBackend.process_one_datasets_page + BaseBackend.process_dataset: « missing identifier » skips
    # the dataset; dataset_from_rdf: « missing title on dataset » skips it too.
    import rdflib

    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    graph, datasets = _harvest_view(exports["dcat"])
    assert len(datasets) == 1
    for node in datasets:
        assert str(graph.value(node, dct.identifier) or "").strip()
        assert str(graph.value(node, dct.title) or "").strip()


def test_udata_identifiers_are_unique_in_the_catalogue(exports: dict[str, Any]) -> None:
    # BaseBackend.ensure_unique_remote_id: « Identifier … already exists » refuses the second one.
    import rdflib

    graph, datasets = _harvest_view(exports["dcat"])
    ids = [str(graph.value(d, rdflib.URIRef("http://purl.org/dc/terms/identifier"))) for d in datasets]
    assert len(ids) == len(set(ids))


def test_udata_keeps_every_distribution_as_a_resource_with_a_url_and_a_title(exports: dict[str, Any]) -> None:
    # resource_from_rdf: a distribution without downloadURL nor accessURL is dropped (« Resource without
    # url »); the title comes from dct:title (title_from_rdf).
    import rdflib

    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    graph, datasets = _harvest_view(exports["dcat"])
    distributions = list(graph.objects(datasets[0], dcat.distribution))
    assert len(distributions) == len(exporters.DISTRIBUTIONS)
    for d in distributions:
        assert graph.value(d, dcat.downloadURL) or graph.value(d, dcat.accessURL)
        assert str(graph.value(d, dct.title) or "")


def test_udata_reads_a_description_licence_and_a_modified_date_not_in_the_future(
    exports: dict[str, Any],
) -> None:
    # dataset_from_rdf: description from dct:description (default language), licence guessed from
    # dct:license, dct:modified through safe_harvest_datetime(refuse_future=True), remote_url from the
    # landing page (validated as a URI).
    import rdflib

    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    graph, datasets = _harvest_view(exports["dcat"])
    node = datasets[0]
    description = graph.value(node, dct.description)
    assert description is not None and description.language == "fr" and str(description)
    assert str(graph.value(node, dct.license)) == exporters.LICENCE_URL
    modified = graph.value(node, dct.modified).toPython()
    assert isinstance(modified, dt.datetime) and modified <= dt.datetime.now(dt.UTC)
    assert str(graph.value(node, dcat.landingPage)).startswith("http://testserver/")
    keywords = list(graph.objects(node, dcat.keyword))
    assert keywords and all(isinstance(k, rdflib.Literal) for k in keywords)  # themes_from_rdf


# --- UK ATRS ----------------------------------------------------------------------------------------


def _publishing_metadata_schema() -> dict[str, Any]:
    spec = json.loads(
        (STANDARDS / "atrs" / "publishing-api-specialist_document-publisher_v2.schema.json").read_text(
            "utf-8"
        )
    )
    return {
        "$ref": "#/definitions/algorithmic_transparency_record_metadata",
        "definitions": spec["definitions"],
    }


def test_every_atrs_record_carries_valid_gov_uk_publishing_metadata(exports: dict[str, Any]) -> None:
    schema = _publishing_metadata_schema()
    finder = json.loads(
        (STANDARDS / "atrs" / "specialist-publisher-algorithmic_transparency_records.json").read_text("utf-8")
    )
    facets = {f["key"]: f for f in finder["facets"]}
    required = [
        k
        for k, f in facets.items()
        if (f.get("specialist_publisher_properties") or {}).get("validations", {}).get("required") is not None
    ]
    assert set(required) == {
        "algorithmic_transparency_record_organisation",
        "algorithmic_transparency_record_organisation_type",
        "algorithmic_transparency_record_phase",
        "algorithmic_transparency_record_date_published",
        "algorithmic_transparency_record_atrs_version",
    }
    validator = jsonschema.Draft4Validator(schema)
    for record in exports["atrs"]["records"]:
        metadata = record["publishing_metadata"]
        assert [e.message for e in validator.iter_errors(metadata)] == [], metadata
        for key in required:
            assert metadata.get(key), key
        for key, value in metadata.items():
            allowed = [a["value"] for a in facets[key].get("allowed_values", [])]
            # The organisation list holds UK bodies only: a French body is given by name (see mappings.md).
            if allowed and key != "algorithmic_transparency_record_organisation":
                for item in value if isinstance(value, list) else [value]:
                    assert item in allowed, (key, item)


def _template_v4_fields() -> dict[str, list[str]]:
    """The v4.0 field list: the official v3.0 table with the official v3.0 → v4.0 change log applied."""
    table = (STANDARDS / "atrs" / "template_table_v3.0.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\|\s*([0-9.]+)\s*\|\s*([a-z_]+)(?:<br>)?\s*\|[^|]*\|[^|]*\|\s*([^|]+?)\s*\|", table, re.M
    )
    v3: dict[str, list[str]] = {}
    for _number, attribute, category in rows:
        v3.setdefault(category, []).append(attribute)
    return v3


def test_the_atrs_export_follows_the_template_v4_sheets_and_fields(exports: dict[str, Any]) -> None:
    log = subprocess.run(
        ["pdftotext", "-layout", str(STANDARDS / "atrs" / "change-log-v3.0-to-v4.0.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # The change-log entries applied below, checked against the official text.
    for entry in (
        "split into two sections",
        "Development Data",
        "Operational Data",
        "Merged ‘Detailed Description’ and ‘Scope’",
        "Human review",
        "‘Decision-making   As the term",
        "The ‘Phase’ field has been deleted",
        "System-level input",
        "Merged ‘Datasets’ and ‘Dataset purposes’",
        "‘External supplier’ changed to ‘Third party’",
        "Private beta",
    ):
        assert entry.replace("   ", " ") in " ".join(log.split()) or entry in log, entry
    v3 = _template_v4_fields()
    owner = [f.replace("external_supplier", "third_party") for f in v3["Owner and Responsibility"]]
    expected = {
        "owner_and_responsibility": [
            "organisation_or_department",
            "team",
            "senior_responsible_owner",
            "third_party_involvement",
            "third_parties",
        ],
        "description_and_rationale": [f for f in v3["Description and Rationale"] if f != "scope"],
        "deployment_context": [
            "integration_into_broader_operational_process",
            "frequency_and_scale_of_usage",
            "human_review",
            "required_training",
            "appeals_and_review",
        ],
        "tool_specification": [
            "system_architecture",
            "system_level_input",
            "system_level_output",
            "maintenance",
            "models",
        ],
        "development_data_specification": v3["Data Specification"],
        "operational_data_specification": v3["Data Specification"],
        "risks_mitigations_and_impact_assessments": v3["Risks, mitigations and impact assessments"],
    }
    assert [f for f in owner if f.startswith(("third_party", "companies", "procurement", "data_access"))]
    model_fields = [f for f in v3["Model Specification"] if f not in ("datasets", "dataset_purposes")]
    for record in exports["atrs"]["records"]:
        assert list(record["tier_1"]) == ["summary_information"]
        assert list(record["tier_1"]["summary_information"]) == v3["Tier 1 Information"]
        tier_2 = record["tier_2"]
        assert len(tier_2) == 8  # « Tier 2 is split across eight further sheets » (guidance v4.0)
        for section, fields in expected.items():
            assert list(tier_2[section]) == fields, section
        for model in tier_2["model_specification"]:
            assert list(model) == [*model_fields, "datasets_and_their_purposes"]
        for tp in tier_2["owner_and_responsibility"]["third_parties"]:
            assert list(tp) == [
                "third_party",
                "companies_house_number",
                "third_party_role",
                "procurement_procedure_type",
                "third_party_data_access_terms",
            ]


def test_the_senior_responsible_owner_is_never_the_dpo(exports: dict[str, Any]) -> None:
    for record in exports["atrs"]["records"]:
        sro = record["tier_2"]["owner_and_responsibility"]["senior_responsible_owner"]
        assert "DPO" not in sro and "protection des données" not in sro.lower()
