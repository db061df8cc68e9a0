"""The pure core: French normalisation, stemming, excerpts and reciprocal rank fusion."""

from __future__ import annotations

import pytest

from atlasia.core.search import text
from atlasia.core.search.fusion import reciprocal_rank_fusion


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("hôpitaux", "hopital"),
        ("fraudes", "fraude"),
        ("Contrôleurs", "contrôler"),
        ("prédictions", "Prédiction"),
        ("données", "donnée"),
        ("médicaux", "médicale"),
    ],
)
def test_variants_share_a_stem_regardless_of_accents_case_and_number(a: str, b: str) -> None:
    assert text.terms(a) == text.terms(b)


def test_stop_words_are_not_indexed() -> None:
    assert text.terms("la détection des chutes à l'hôpital") == ["detect", "chut", "hopital"]


def test_excerpt_marks_the_matched_words_and_escapes_the_rest() -> None:
    marked = text.best_excerpt(["Un score <b>repère</b> les fraudes aux prestations."], "fraude")
    html = text.excerpt_html(marked)
    assert "<mark>fraudes</mark>" in html
    assert "&lt;b&gt;" in html and "<b>" not in html


def test_rrf_on_a_worked_example() -> None:
    # k = 60. a: 1/61 + 1/63 ; b: 1/62 + 1/61 ; c: 1/63 ; d: 1/62.
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d", "a"]], k=60)
    assert [item for item, _ in fused] == ["b", "a", "d", "c"]
    scores = dict(fused)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["a"] == pytest.approx(1 / 61 + 1 / 63)
    assert scores["c"] == pytest.approx(1 / 63)


def test_rrf_weights_and_limit() -> None:
    fused = reciprocal_rank_fusion([["a"], ["b"]], k=0, weights=[1.0, 2.0], limit=1)
    assert fused == [("b", 2.0)]
