"""Bad search input never gives a 500, on SQLite and PostgreSQL alike (issue 14 item 4, issue 18 "Bad
input"): a NUL byte in ``?q=`` (PostgreSQL refuses NUL in text), FTS syntax, a 10,000-character query,
a query of stop words only. Each page answers 200 with results or a clear message."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from atlasia.core.search import text
from atlasia.search.selectors import search_public, search_usecases

pytestmark = pytest.mark.django_db

FTS_SYNTAX = [
    '"',
    '"fraude',
    "fraude*",
    "*",
    "(",
    "(fraude OR",
    ":",
    "fraude:*",
    "title:fraude",
    "AND OR NOT",
    "NOT fraude",
    "fraude & | ! <-> contrôle",
    "NEAR(fraude contrôle, 2)",
    "^fraude",
    "'; DROP TABLE registry_usecase; --",
    "\\",
    "%_%",
]
PAGES = ["usecase_list", "search", "publication_register", "organisation_list"]


@pytest.fixture
def fraud(world: dict[str, Any], make_usecase: Any) -> Any:
    return make_usecase(
        world["org_b"], title="Détection de la fraude aux prestations", publication_level="public"
    )


@pytest.mark.parametrize("page", PAGES)
def test_a_nul_byte_in_the_query_string_is_dropped_not_a_500(
    client: Any, world: dict[str, Any], fraud: Any, page: str
) -> None:
    client.force_login(world["users"]["national"])
    response = client.get(reverse(page), {"q": "fra\x00ude", "theme": "\x00", "mode": "text"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "\x00" not in html
    if page != "organisation_list":
        assert "Détection de la fraude aux prestations" in html  # "fra" + "ude" joined again


def test_a_nul_byte_on_the_public_register_without_login(client: Any, fraud: Any) -> None:
    response = client.get(reverse("publication_register") + "?q=%00fraude%00")
    assert response.status_code == 200
    assert "Détection de la fraude aux prestations" in response.content.decode()


@pytest.mark.parametrize("query", FTS_SYNTAX)
def test_fts_syntax_is_searched_as_words(client: Any, world: dict[str, Any], fraud: Any, query: str) -> None:
    user = world["users"]["national"]
    hits = search_usecases(user, query, mode="text")
    if "fraude" in query:
        assert fraud.pk in {h.use_case.pk for h in hits}
    client.force_login(user)
    for page in PAGES:
        assert client.get(reverse(page), {"q": query, "mode": "text"}).status_code == 200


def test_a_ten_thousand_character_query_is_cut_not_a_500(
    client: Any, world: dict[str, Any], fraud: Any, e5_model: Any
) -> None:
    query = ("fraude " + "x" * 50 + " ") * 180
    assert len(query) > 10_000
    assert search_public(query, mode="hybrid") is not None
    client.force_login(world["users"]["national"])
    for page in PAGES:
        response = client.get(reverse(page), {"q": query})
        assert response.status_code == 200, page
    assert len(text.clean_query(query)) == text.MAX_QUERY_CHARS
    assert len(text.query_words("".join(f"mot{i} " for i in range(500)))) == text.MAX_QUERY_WORDS


def test_a_query_of_stop_words_only_gets_a_clear_message(
    client: Any, world: dict[str, Any], fraud: Any
) -> None:
    client.force_login(world["users"]["national"])
    html = client.get(reverse("search"), {"q": "le la les de du pour"}).content.decode()
    assert "ne contient que des mots trop courants" in html
    for page in ("usecase_list", "publication_register"):
        assert client.get(reverse(page), {"q": "le la les de du pour"}).status_code == 200


def test_a_nonsense_query_finds_nothing(
    client: Any, world: dict[str, Any], fraud: Any, e5_model: Any
) -> None:
    """The relevance floor: semantic search no longer returns its 30 "closest" records for a query
    about nothing in the registry."""
    assert search_usecases(world["users"]["national"], "xyzzy introuvable", mode="hybrid") == []
    assert search_usecases(world["users"]["national"], "xyzzy introuvable", mode="semantic") == []
    client.force_login(world["users"]["national"])
    html = client.get(reverse("search"), {"q": "xyzzy introuvable"}).content.decode()
    assert "Aucun cas d" in html and "Essayez d" in html
    # The status says there is none ("0 résultats …, du plus pertinent au moins pertinent" before), and no
    # list of results is drawn at all.
    assert '<p role="status">Aucun résultat pour « xyzzy introuvable ».</p>' in html
    assert "atlasia-search-results" not in html and "du plus pertinent" not in html
    english = client.get(
        reverse("search"), {"q": "xyzzy introuvable"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "No results for “xyzzy introuvable”." in english and "atlasia-search-results" not in english
