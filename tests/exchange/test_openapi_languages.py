"""The API's OpenAPI description and its documentation page in French (by default) and in English, chosen
by ``Accept-Language`` as the API's error messages are: every title, summary, description and tag the
caller reads is in that language, and a description written for one language is never served to the
other."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from django.test import Client

from atlasia.exchange.exchange_format import FORMAT_VERSION

URL = "/api/v1/openapi.json"
#: Words that only French writes (the English of the API says "use case", "record", "token"…); "organisation"
#: is spelled the same in British English, the catalogue's, so it is not one of them.
FRENCH_WORDS = {
    "cas", "usage", "fiche", "fiches", "jeton", "étape", "le", "la", "les", "des", "du", "de", "un", "une",
    "et", "est", "sans", "avec", "pour", "par", "dans", "sur", "ou", "lecture", "écriture", "erreurs",
    "langue", "voir", "motif", "nombre", "thème", "libellé", "créé", "réussite", "introuvable", "données",
}  # fmt: skip
FRENCH_LETTERS = re.compile("[àâçéèêëîïôœùûü«»]", re.IGNORECASE)


def _schema(client: Client, language: str) -> dict[str, Any]:
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]  # a shared cache keeps one copy per language
    schema: dict[str, Any] = response.json()
    return schema


def _texts(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every text written for people: titles of the API, summaries, descriptions, tags."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}/{key}"
            if key in {"summary", "description"} and isinstance(value, str):
                yield here, value
            elif key == "tags" and isinstance(value, list):
                yield from ((f"{here}/{i}", tag) for i, tag in enumerate(value) if isinstance(tag, str))
            else:
                yield from _texts(value, here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _texts(value, f"{where}/{i}")


def _operations(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{method} {path}": op for path, ops in schema["paths"].items() for method, op in ops.items()}


def test_the_description_in_french_by_default_and_in_english(client: Client, db: Any) -> None:
    french, english = _schema(client, "fr"), _schema(client, "en")
    assert client.get(URL).json() == french  # no Accept-Language: French
    assert french["info"]["description"].startswith(
        "Registre des cas d'usage de l'IA en santé, médico-social et protection sociale. Sans jeton :"
    )
    assert english["info"]["description"].startswith(
        "Register of the AI use cases of health, medico-social care and social security. Without a token:"
    )
    assert "`Accept-Language`" in english["info"]["description"]
    fr_ops, en_ops = _operations(french), _operations(english)
    assert fr_ops.keys() == en_ops.keys() and len(fr_ops) >= 12
    assert fr_ops["get /api/v1/usecases"]["summary"] == "Lister les cas d'usage"
    assert en_ops["get /api/v1/usecases"]["summary"] == "List the use cases"
    assert fr_ops["get /api/v1/usecases"]["tags"] == ["Cas d'usage"]
    assert en_ops["get /api/v1/usecases"]["tags"] == ["Use cases"]
    assert en_ops["post /api/v1/usecases/{uid}/transitions"]["summary"] == "Move a use case to another stage"
    assert en_ops["post /api/v1/usecases/{uid}/monitoring/batches"]["tags"] == [
        "Qualification, experiments, evaluations"
    ]
    assert en_ops["get /api/v1/exchange/records"]["tags"] == ["Exchange"]
    assert f"version {FORMAT_VERSION}." in fr_ops["get /api/v1/exchange/schema"]["description"]
    assert en_ops["patch /api/v1/usecases/{uid}"]["description"].startswith(
        "Updates the given fields of a use case of the token's organisation. With `If-Match`"
    )
    # a summary of its own in each language for every operation (not django-ninja's "List Usecases")
    for key, op in fr_ops.items():
        assert op["summary"] != en_ops[key]["summary"], key
        assert op["summary"] != key.split()[0].title(), key
    # parameters and fields
    fr_params = {p["name"]: p for p in fr_ops["get /api/v1/usecases"]["parameters"]}
    en_params = {p["name"]: p for p in en_ops["get /api/v1/usecases"]["parameters"]}
    assert fr_params["organisation"]["description"] == "Identifiant court (slug) de l'organisation"
    assert en_params["organisation"]["description"] == "Short identifier (slug) of the organisation"
    assert (
        en_params["updated_since"]["description"]
        == "Only the records updated since this date and time (ISO 8601)"
    )
    assert all(p.get("description") for p in en_params.values())
    fr_in = french["components"]["schemas"]["UseCaseIn"]["properties"]
    en_in = english["components"]["schemas"]["UseCaseIn"]["properties"]
    assert fr_in["theme"]["description"] == "Code du thème, ou son libellé français ou anglais"
    assert en_in["theme"]["description"] == "Code of the theme, or its French or English label"
    assert en_in["status"]["description"].startswith("Read-only: the stage moves through POST")
    transition = english["components"]["schemas"]["TransitionIn"]["properties"]
    assert transition["reason"]["description"] == "Reason (required to move back and to stop)"
    # what each answer means
    assert fr_ops["get /api/v1/usecases"]["responses"]["401"]["description"] == (
        "Jeton absent, inconnu, révoqué ou expiré"
    )
    assert en_ops["get /api/v1/usecases"]["responses"]["401"]["description"] == (
        "Token missing, unknown, revoked or expired"
    )
    assert en_ops["delete /api/v1/usecases/{uid}"]["responses"]["412"]["description"].startswith(
        "The record has changed since it was read"
    )


def test_the_english_description_has_no_french_left(client: Client, db: Any) -> None:
    english = _schema(client, "en")
    texts = [("/info/title", english["info"]["title"]), *_texts(english)]
    assert len(texts) > 100
    for where, text in texts:
        assert not FRENCH_LETTERS.search(text), (where, text)
        words = set(re.findall(r"[a-zà-ÿœ]+", text.lower().replace("’", "'").replace("'", " ")))
        assert not words & FRENCH_WORDS, (where, text, words & FRENCH_WORDS)
    # the same places in French: each of them French (but for what both languages write the same way)
    french = dict(_texts(_schema(client, "fr")))
    same = {"OK", "Atlas IA — API"}
    assert french.keys() == {where for where, _ in texts[1:]}
    assert [w for w, t in texts[1:] if french[w] == t and t not in same] == []


def test_no_language_is_kept_for_the_next_request(client: Client, db: Any) -> None:
    """django-ninja builds the description at each request (``get_openapi_schema`` keeps nothing) and the
    lazy texts are read when it is serialised: French, English, then French again in one process."""
    first = _schema(client, "fr")
    english = _schema(client, "en")
    again = _schema(client, "fr")
    assert first == again and english != first
    assert _schema(client, "en") == english
    assert client.get(URL, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").json() == english
    assert client.get(URL, HTTP_ACCEPT_LANGUAGE="de").json() == first  # neither: French


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_description_is_a_valid_openapi_3_1_document_in_both_languages(
    client: Client, db: Any, language: str
) -> None:
    """Checked against the OpenAPI 3.1 schema of the OpenAPI Initiative (the copy schemathesis ships)."""
    from schemathesis.specs.openapi.definitions import OPENAPI_31

    schema = _schema(client, language)
    assert schema["openapi"].startswith("3.1")
    jsonschema.Draft202012Validator(OPENAPI_31).validate(schema)


def test_the_documentation_page_says_its_language(client: Client, db: Any) -> None:
    french = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="en")
    assert french.status_code == english.status_code == 200
    assert '<html lang="fr">' in french.content.decode()
    assert "<title>Documentation de l'API — Atlas IA — API</title>" in french.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert "<title>API documentation — Atlas IA — API</title>" in english.content.decode()
    assert b"openapi.json" in english.content and b"swagger-ui-bundle.js" in english.content
    assert "Accept-Language" in english["Vary"]


def test_no_title_made_up_from_an_english_name(client: Client, db: Any) -> None:
    """pydantic titles a field it was given no title for with its name in English title case
    ("Publication Level"): none is left, in either language; each field keeps its name and its
    description in the reader's language, and the objects keep their identifiers."""

    def titles(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "title" and isinstance(value, str):
                    yield value
                else:
                    yield from titles(value)
        elif isinstance(node, list):
            for value in node:
                yield from titles(value)

    for language in ("fr", "en"):
        schema = _schema(client, language)
        found = set(titles(schema))
        assert not found & {"Publication Level", "Health Data", "Title", "Uid", "Response", "Limit"}
        assert found - {schema["info"]["title"]} <= set(schema["components"]["schemas"]) | {
            "MultiPartBodyParams"
        }
        assert "title" not in schema["components"]["schemas"]["UseCaseIn"]["properties"]["publication_level"]
