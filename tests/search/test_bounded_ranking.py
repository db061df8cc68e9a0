"""Full-text ranking on a bounded candidate set (issue 18): when more visible documents match than
``fulltext.RANK_CANDIDATES``, only the best candidates are ranked (title holding every word, then every
word anywhere, then the others), and the reader's visibility still applies. Run on both databases (the
SQLite engine ranks every match: the same results are expected)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from atlasia.search import fulltext
from atlasia.search.selectors import search_usecases

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(world: dict[str, Any], make_usecase: Any) -> dict[str, Any]:
    org_a, org_b = world["org_a"], world["org_b"]
    filler = [
        make_usecase(
            org_a,
            title=f"Suivi des dossiers n° {i}",
            summary=f"Un outil de suivi ; la fraude y est évoquée une fois ({i}).",
            publication_level="public",
        )
        for i in range(6)
    ]
    best = make_usecase(
        org_b,
        title="Détection de la fraude aux prestations sociales",
        summary="Ciblage des contrôles.",
        publication_level="public",
    )
    hidden = make_usecase(
        org_b,
        title="Fraude aux prestations : ciblage interne",
        summary="Réservé à l'organisme.",
        publication_level="internal",
    )
    return {"filler": filler, "best": best, "hidden": hidden}


@pytest.mark.parametrize("bound", [2, 1000])
def test_the_best_match_is_ranked_whatever_the_bound(
    world: dict[str, Any], many: dict[str, Any], monkeypatch: pytest.MonkeyPatch, bound: int
) -> None:
    monkeypatch.setattr(fulltext, "RANK_CANDIDATES", bound)
    reader = world["users"]["referent"]  # CHU de Lille: does not see the CAF's internal record
    hits = search_usecases(reader, "fraude prestations", mode="text")
    ids = [h.use_case.pk for h in hits]
    assert ids[0] == many["best"].pk
    assert many["hidden"].pk not in ids
    # PostgreSQL ranks at most ``bound`` candidates; SQLite's FTS5 ranks every match (bm25 is cheap there).
    assert len(ids) == (2 if bound == 2 and connection.vendor == "postgresql" else 7)
    national = search_usecases(world["users"]["national"], "fraude prestations", mode="text")
    assert {many["best"].pk, many["hidden"].pk} <= {h.use_case.pk for h in national}
