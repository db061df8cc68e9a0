"""The public side (register, algorithm library, open data): no login, and nothing that is not public."""

from __future__ import annotations

import html
import io
import json
from typing import Any

import pytest
from django.urls import reverse

from atlasia.audit.models import AuditEntry
from atlasia.monitoring.externalities.models import Externality
from atlasia.publication import exporters
from atlasia.www.public_urls import PUBLIC_URL_NAMES

from .conftest import SECRETS


def _public_urls(pub: dict[str, Any]) -> list[str]:
    records = pub["records"]
    urls = []
    for name in sorted(n for n in PUBLIC_URL_NAMES if n.startswith("publication_")):
        if name in {"publication_register_detail"}:
            urls += [reverse(name, args=[records[k].uid]) for k in ("a_public", "b_public", "c_public")]
        elif name == "publication_problem_report":
            continue  # POST only: covered below
        elif name == "publication_algorithm_detail":
            urls.append(reverse(name, args=[pub["algo_public"].uid]))
        elif name == "publication_schema":
            urls += [reverse(name, args=[s]) for s in ("registre-public", "algoritmeregister-v1_0")]
        else:
            urls.append(reverse(name))
    return urls


def _text(response: Any) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("application/vnd.apache.parquet"):
        return json.dumps(exporters.from_parquet(body), ensure_ascii=False)
    return body.decode("utf-8-sig")


@pytest.mark.django_db
def test_every_public_route_answers_without_login_and_never_shows_a_non_public_record(
    client: Any, pub: Any
) -> None:
    urls = _public_urls(pub)
    assert len(urls) >= 17
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} leaked in {url}"
    # and the public records are there
    listing = client.get(reverse("publication_register")).content.decode()
    for title in ("Chatbot public A", "Non-recours public B", "Planification des blocs à La Réunion"):
        assert title in listing


@pytest.mark.django_db
def test_public_pages_hide_non_public_records_even_from_a_logged_in_member(client: Any, pub: Any) -> None:
    client.force_login(pub["users"]["admin"])
    for url in _public_urls(pub):
        text = _text(client.get(url))
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} leaked in {url} for a logged-in admin"


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["a_internal", "a_network", "b_internal", "b_network"])
def test_a_non_public_record_has_no_public_page_and_cannot_be_reported(
    client: Any, pub: Any, key: str
) -> None:
    uid = pub["records"][key].uid
    assert client.get(reverse("publication_register_detail", args=[uid])).status_code == 404
    response = client.post(
        reverse("publication_problem_report", args=[uid]),
        {"category": "error", "description": "Une erreur manifeste dans la décision."},
    )
    assert response.status_code == 404
    assert not Externality.objects.exists()


@pytest.mark.django_db
def test_an_algorithm_used_only_by_non_public_records_is_not_in_the_library(client: Any, pub: Any) -> None:
    assert (
        client.get(reverse("publication_algorithm_detail", args=[pub["algo_hidden"].uid])).status_code == 404
    )
    page = client.get(reverse("publication_algorithms")).content.decode()
    assert "Détecteur de rétinopathie ouvert" in page
    detail = client.get(
        reverse("publication_algorithm_detail", args=[pub["algo_public"].uid])
    ).content.decode()
    for expected in (
        "Sensibilité 0,91",
        "120 000 images",
        "EUPL-1.2",
        "https://code.example.org/retino",
        "Moins fiable",
        "Chatbot public A",
    ):
        assert expected in detail


@pytest.mark.django_db
def test_register_detail_gives_the_plain_language_summary_with_public_contacts_only(
    client: Any, pub: Any
) -> None:
    page = client.get(
        reverse("publication_register_detail", args=[pub["records"]["a_public"].uid])
    ).content.decode()
    for heading in (
        "À quoi sert cet outil ?",
        "Pourquoi l'utiliser ?",
        "Qui l'utilise ?",
        "Quel contrôle humain ?",
        "Niveau de risque",
        "Contacts et sources",
        "Signaler un problème",
    ):
        assert heading in page
    assert "ia@chu-lille.fr" in page
    assert "Un ophtalmologue relit chaque résultat positif." in page
    assert "https://www.chu-lille.fr/ia" in page
    assert "prive-secret@chu-lille.fr" not in page
    assert page.index("<h1") < page.index("<h2")


@pytest.mark.django_db
def test_register_search_filters_by_text_theme_type_and_region(client: Any, pub: Any) -> None:
    url = reverse("publication_register")

    def titles(params: dict[str, str]) -> set[str]:
        page = client.get(url, params).content.decode()
        return {
            t
            for t in ("Chatbot public A", "Non-recours public B", "Planification des blocs à La Réunion")
            if t in page
        }

    assert titles({"q": "chatbot"}) == {"Chatbot public A"}
    assert titles({"q": "CAF de la Gironde"}) == {"Non-recours public B"}
    assert titles({"theme": "non_recours"}) == {"Non-recours public B"}
    assert titles({"organisation_type": "hospital"}) == {
        "Chatbot public A",
        "Planification des blocs à La Réunion",
    }
    assert titles({"region": "04"}) == {"Planification des blocs à La Réunion"}
    assert titles({"q": "Triage interne"}) == set()


# --- problem reports ------------------------------------------------------------------------------


def _report(client: Any, uid: Any, **extra: str) -> Any:
    data = {"category": "bias", "description": "Ma demande a été classée à tort comme suspecte.", **extra}
    return client.post(reverse("publication_problem_report", args=[uid]), data, REMOTE_ADDR="203.0.113.7")


@pytest.mark.django_db
def test_a_problem_report_is_stored_for_the_owner_with_an_audit_row(client: Any, pub: Any) -> None:
    uc = pub["records"]["a_public"]
    response = _report(client, uc.uid, contact_email="usager@example.org")
    assert response.status_code == 302
    # One model: the owner organisation triages it with the other negative externalities.
    report = Externality.objects.get()
    assert (report.use_case, report.source, report.category, report.contact_email, report.status) == (
        uc,
        "public",
        "bias",
        "usager@example.org",
        "new",
    )
    audit = AuditEntry.objects.get(object_type="monitoring.externality")
    assert audit.use_case_id == uc.pk and audit.organisation_id == uc.organisation_id and audit.actor is None
    assert audit.changes == {"category": "bias", "has_contact": True}
    assert "transmis" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_honeypot_refuses_with_a_clear_message_and_stores_nothing(client: Any, pub: Any) -> None:
    response = _report(client, pub["records"]["a_public"].uid, website="http://spam.example")
    assert response.status_code == 400
    assert "champ caché" in response.content.decode()
    assert (
        not Externality.objects.exists()
        and not AuditEntry.objects.filter(object_type="monitoring.externality").exists()
    )


@pytest.mark.django_db
def test_the_rate_limit_refuses_the_sixth_report_in_an_hour_and_stores_nothing(client: Any, pub: Any) -> None:
    uid = pub["records"]["a_public"].uid
    for _ in range(5):
        assert _report(client, uid).status_code == 302
    response = _report(client, uid)
    assert response.status_code == 429
    assert "5 signalements depuis moins d'une heure" in html.unescape(response.content.decode())
    assert Externality.objects.count() == 5
    # another address is not limited
    other = client.post(
        reverse("publication_problem_report", args=[uid]),
        {"category": "other", "description": "Un autre problème constaté."},
        REMOTE_ADDR="198.51.100.2",
    )
    assert other.status_code == 302 and Externality.objects.count() == 6


@pytest.mark.django_db
def test_an_invalid_report_says_what_is_wrong_and_stores_nothing(client: Any, pub: Any) -> None:
    response = _report(client, pub["records"]["a_public"].uid, category="nonsense", description="court")
    assert response.status_code == 400
    assert "corrigez les champs" in response.content.decode()
    assert not Externality.objects.exists()


@pytest.mark.django_db
def test_members_of_the_owner_see_reports_on_the_use_case_page_and_others_do_not(
    client: Any, pub: Any
) -> None:
    uc = pub["records"]["a_public"]
    _report(client, uc.uid)
    url = reverse("usecase_detail", args=[uc.pk])
    client.force_login(pub["users"]["contributor"])
    page = client.get(url).content.decode()
    assert "Signalements du public" in page and "classée à tort comme suspecte" in page
    client.force_login(pub["users"]["other_referent"])
    page = client.get(url).content.decode()
    assert "Signalements du public" not in page and "classée à tort" not in page


# --- exports --------------------------------------------------------------------------------------


def _records_via_json(client: Any) -> list[dict[str, Any]]:
    return json.loads(client.get(reverse("publication_export_json")).content)["cas_d_usage"]


@pytest.mark.django_db
def test_csv_json_and_parquet_round_trip_to_the_same_records(client: Any, pub: Any) -> None:
    from_json = _records_via_json(client)
    assert [r["titre"] for r in sorted(from_json, key=lambda r: r["identifiant"])] == [
        r["titre"] for r in from_json
    ]
    assert {r["titre"] for r in from_json} == {
        "Chatbot public A",
        "Non-recours public B",
        "Planification des blocs à La Réunion",
    }
    semicolon = client.get(reverse("publication_export_csv")).content
    assert semicolon.startswith("\ufeff".encode())
    assert semicolon.split(b"\r\n")[0].decode("utf-8-sig").split(";")[:3] == [
        "identifiant",
        "titre",
        "resume",
    ]
    comma = client.get(reverse("publication_export_csv_comma")).content
    assert not comma.startswith("\ufeff".encode())
    parquet = client.get(reverse("publication_export_parquet")).content
    assert exporters.from_csv(semicolon, delimiter=";") == from_json
    assert exporters.from_csv(comma, delimiter=",") == from_json
    assert exporters.from_parquet(parquet) == from_json
    a = next(r for r in from_json if r["titre"] == "Chatbot public A")
    assert a["mots_cles"] == ["dépistage", "diabète"] and a["donnees_sante"] is True
    assert a["contacts_publics"] == ["Référent IA — ia@chu-lille.fr"]
    assert a["algorithme_nom"] == "Détecteur de rétinopathie ouvert" and a["date_debut"] == "2023-03-01"
    c = next(r for r in from_json if r["region_code"] == "04")
    assert c["cout_eur"] == 12500.5 and c["region"] == "La Réunion"


@pytest.mark.django_db
def test_parquet_is_readable_by_polars_with_typed_columns(client: Any, pub: Any) -> None:
    import polars as pl

    frame = pl.read_parquet(io.BytesIO(client.get(reverse("publication_export_parquet")).content))
    assert frame.height == 3 and frame.columns == list(exporters.FIELD_NAMES)
    assert frame.schema["date_debut"] == pl.Date and frame.schema["donnees_sante"] == pl.Boolean


@pytest.mark.django_db
def test_dutch_register_export_validates_against_the_published_config(client: Any, pub: Any) -> None:
    config = exporters.algoritmeregister_config()
    body = json.loads(client.get(reverse("publication_export_nl")).content)
    assert len(body) == 3
    for record in body:
        assert exporters.validate_algoritmeregister(record, config) == [], record["name"]
    a = next(r for r in body if r["name"] == "Chatbot public A")
    assert a["status"] == "In gebruik" and a["begin_date"] == "2023-03"
    assert a["publication_category"] == "Impactvolle algoritmes" and a["contact_email"] == "ia@chu-lille.fr"
    assert a["publiccode"] == "https://code.example.org/retino"


def test_the_dutch_validator_catches_what_the_config_forbids() -> None:
    config = exporters.algoritmeregister_config()
    errors = exporters.validate_algoritmeregister(
        {"name": "x" * 101, "status": "Actief", "category": ["Verkeer", "Fietsen"], "oops": 1}, config
    )
    joined = " ".join(errors)
    for expected in (
        "name: plus de 100",
        "status: valeur « Actief »",
        "category: valeur « Fietsen »",
        "oops: champ inconnu",
        "organization: obligatoire",
        "lang: obligatoire",
    ):
        assert expected in joined


def test_the_packaged_dutch_config_is_the_committed_copy_of_the_published_schema() -> None:
    from django.conf import settings

    docs_copy = json.loads(
        (settings.BASE_DIR / "docs" / "schemas" / "algoritmeregister-v1_0.json").read_text()
    )
    assert exporters.algoritmeregister_config() == docs_copy


@pytest.mark.django_db
def test_json_export_validates_against_its_generated_schema(client: Any, pub: Any) -> None:
    import jsonschema

    document = json.loads(client.get(reverse("publication_export_json")).content)
    schema = exporters.load_schema("registre-public.schema.json")
    assert schema == exporters.registre_public_schema()  # the committed file is the generator's output
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


@pytest.mark.django_db
def test_atrs_export_fills_tier_1_and_tier_2(client: Any, pub: Any) -> None:
    body = json.loads(client.get(reverse("publication_export_atrs")).content)
    assert (
        body["standard"] == "Algorithmic Transparency Recording Standard v4.0" and len(body["records"]) == 3
    )
    a = next(r for r in body["records"] if r["tier_1"]["summary_information"]["name"] == "Chatbot public A")
    assert a["tier_1"]["summary_information"]["contact_email"] == "ia@chu-lille.fr"
    assert a["publishing_metadata"]["algorithmic_transparency_record_phase"] == "production"
    assert a["title_information"]["phase"] == "Production"
    assert a["tier_2"]["model_specification"][0]["model_performance"].startswith("Sensibilité")
    assert a["tier_2"]["deployment_context"]["human_review"].startswith("Un ophtalmologue")


@pytest.mark.django_db
def test_dcat_catalogue_describes_every_distribution_with_licence_and_format(client: Any, pub: Any) -> None:
    body = json.loads(client.get(reverse("publication_dcat")).content)
    assert body["@type"] == "dcat:Catalog"
    dataset = body["dcat:dataset"][0]
    assert dataset["@type"] == "dcat:Dataset" and "3 fiches" in dataset["dct:description"]["@value"]
    distributions = dataset["dcat:distribution"]
    assert len(distributions) == len(exporters.DISTRIBUTIONS)
    for dist in distributions:
        assert dist["@type"] == "dcat:Distribution"
        assert dist["dct:license"]["@id"] == exporters.LICENCE_URL
        assert dist["dcat:mediaType"]["@type"] == "dct:MediaType"
        assert dist["dct:format"]["@id"].startswith(
            "http://publications.europa.eu/resource/authority/file-type/"
        )
        assert client.get(dist["dcat:downloadURL"]["@id"].replace("http://testserver", "")).status_code == 200


@pytest.mark.django_db
def test_open_data_page_and_dictionary_carry_the_licence(client: Any, pub: Any) -> None:
    page = client.get(reverse("publication_open_data")).content.decode()
    assert "Licence Ouverte / Open Licence version 2.0" in page and "3 cas d'usage" in page
    dictionary = client.get(reverse("publication_dictionary")).json()
    assert [f["nom"] for f in dictionary["champs"]] == list(exporters.FIELD_NAMES)


def test_the_committed_data_dictionary_is_up_to_date() -> None:
    from django.conf import settings

    committed = (settings.BASE_DIR / "docs" / "open-data" / "dictionnaire.md").read_text(encoding="utf-8")
    assert committed == exporters.data_dictionary_markdown()
