"""Full-text search through the selector API, on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atlasia.search.selectors import search_public, search_usecases

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world: dict[str, Any], make_usecase: Callable[..., Any]) -> dict[str, Any]:
    a, b = world["org_a"], world["org_b"]
    return {
        **world["records"],
        "hospital": make_usecase(
            a,
            title="Prévoir les entrées à l'hôpital",
            summary="Anticiper l'affluence des urgences.",
            publication_level="network",
        ),
        "fraud_title": make_usecase(
            b,
            title="Détection de la fraude",
            summary="Un modèle de contrôle.",
            publication_level="public",
        ),
        "fraud_summary": make_usecase(
            b,
            title="Contrôle des dossiers",
            summary="Un score oriente les contrôleurs vers la fraude.",
            publication_level="public",
        ),
        "secret": make_usecase(
            b,
            title="Fraude interne secrète",
            summary="Repérer la fraude à l'hôpital.",
            publication_level="internal",
        ),
    }


def _titles(hits: list[Any]) -> list[str]:
    return [h.use_case.title for h in hits]


def test_plural_and_accents_are_ignored(world: dict[str, Any], records: dict[str, Any]) -> None:
    user = world["users"]["contributor"]
    assert "Prévoir les entrées à l'hôpital" in _titles(search_usecases(user, "HOPITAUX", mode="text"))
    assert "Détection de la fraude" in _titles(search_usecases(user, "fraudes", mode="text"))


def test_title_outweighs_summary(world: dict[str, Any], records: dict[str, Any]) -> None:
    titles = _titles(search_usecases(world["users"]["contributor"], "fraude", mode="text"))
    assert titles.index("Détection de la fraude") < titles.index("Contrôle des dossiers")


def test_excerpt_highlights_the_match(world: dict[str, Any], records: dict[str, Any]) -> None:
    hits = search_usecases(world["users"]["contributor"], "contrôleur", mode="text")
    hit = next(h for h in hits if h.use_case.pk == records["fraud_summary"].pk)
    assert "<mark>contrôleurs</mark>" in hit.excerpt_html


def test_an_internal_record_of_another_organisation_never_comes_back(
    world: dict[str, Any], records: dict[str, Any]
) -> None:
    for mode in ("text", "hybrid"):
        hits = search_usecases(world["users"]["contributor"], "fraude interne secrète hôpital", mode=mode)
        assert records["secret"].pk not in {h.use_case.pk for h in hits}
    # Its own organisation and the national team do see it.
    assert records["secret"].pk in {
        h.use_case.pk for h in search_usecases(world["users"]["other_referent"], "fraude", mode="text")
    }
    assert records["secret"].pk in {
        h.use_case.pk for h in search_usecases(world["users"]["national"], "fraude", mode="text")
    }


def test_public_search_only_returns_public_records(records: dict[str, Any]) -> None:
    ids = {h.use_case.pk for h in search_public("fraude hôpital", mode="text")}
    assert ids == {records["fraud_title"].pk, records["fraud_summary"].pk}


def test_the_index_follows_edits_and_deletions(world: dict[str, Any], records: dict[str, Any]) -> None:
    user = world["users"]["contributor"]
    record = records["hospital"]
    record.title = "Planifier les lits de réanimation"
    record.save()
    assert record.pk in {h.use_case.pk for h in search_usecases(user, "réanimations", mode="text")}
    assert record.pk not in {h.use_case.pk for h in search_usecases(user, "entrées", mode="text")}
    pk = record.pk
    record.delete()
    assert pk not in {h.use_case.pk for h in search_usecases(user, "réanimation", mode="text")}


def test_list_page_ranks_by_relevance_with_excerpts_in_constant_queries(
    client: Any, world: dict[str, Any], records: dict[str, Any], make_usecase: Callable[..., Any]
) -> None:
    client.force_login(world["users"]["contributor"])
    url = reverse("usecase_list") + "?q=fraudes"
    html = client.get(url).content.decode()
    assert html.index("Détection de la fraude") < html.index("Contrôle des dossiers")
    assert "<mark>fraude</mark>" in html
    assert "Fraude interne secrète" not in html
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(8):
        make_usecase(world["org_b"], title=f"Fraude {i}", publication_level="public")
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_list_page_still_finds_a_partial_word(
    client: Any, world: dict[str, Any], records: dict[str, Any]
) -> None:
    client.force_login(world["users"]["contributor"])
    html = client.get(reverse("usecase_list") + "?q=Détec").content.decode()
    assert "Détection de la fraude" in html


def test_each_hit_reports_the_share_of_the_query_words_it_holds(records: dict[str, Any]) -> None:
    from atlasia.registry.models import UseCase
    from atlasia.search import fulltext

    # "fraude", "contrôle", "hôpital": the secret record holds fraude + hôpital (and not contrôle).
    hits = {
        h.use_case_id: h for h in fulltext.search(UseCase.objects.all(), "fraude contrôle hôpital", limit=50)
    }
    assert hits[records["fraud_summary"].pk].coverage == pytest.approx(2 / 3)  # contrôleurs, fraude
    assert hits[records["secret"].pk].coverage == pytest.approx(2 / 3)
    assert hits[records["hospital"].pk].coverage == pytest.approx(1 / 3)
