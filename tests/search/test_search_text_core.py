"""The pure core: French normalisation, stemming, excerpts and reciprocal rank fusion."""

from __future__ import annotations

import pytest

from atlasia.core.search import text
from atlasia.core.search.fusion import coverage_gains, reciprocal_rank_fusion, weighted_rank_fusion


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("hôpitaux", "hopital"),
        ("fraudes", "fraude"),
        ("Contrôles", "contrôler"),
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


def test_coverage_weighted_fusion_on_a_worked_example() -> None:
    # Query of 2+ content words. Full-text list: x holds a third of them (gain 0: below 0.5, no say),
    # y all of them (gain 1² = 1), z half (gain 0.5² = 0.25). Semantic list: z, w, y. k = 2:
    #   y: 1/(2+2) + 1/(2+3) = 0.45     z: 0.25/(2+3) + 1/(2+1) = 0.38333     w: 1/(2+2) = 0.25
    # Plain RRF would put z first and let x (one incidental word) in: z, y, x, w.
    gains = coverage_gains([1 / 3, 1.0, 0.5], min_coverage=0.5, power=2)
    assert gains == [0.0, 1.0, 0.25]
    fused = weighted_rank_fusion(
        [list(zip(["x", "y", "z"], gains, strict=True)), [("z", 1.0), ("w", 1.0), ("y", 1.0)]], k=2
    )
    assert [item for item, _ in fused] == ["y", "z", "w"]
    scores = dict(fused)
    assert scores["y"] == pytest.approx(0.45)
    assert scores["z"] == pytest.approx(0.25 / 5 + 1 / 3)
    assert scores["w"] == pytest.approx(0.25)
    plain = reciprocal_rank_fusion([["x", "y", "z"], ["z", "w", "y"]], k=2)
    assert [item for item, _ in plain] == ["z", "y", "x", "w"]


def test_the_hybrid_search_uses_the_coverage_weighted_fusion() -> None:
    from atlasia.search import selectors
    from atlasia.search.fulltext import TextHit

    text_hits = [TextHit(1, 9.0, "", 1 / 3), TextHit(2, 8.0, "", 1.0), TextHit(3, 7.0, "", 0.5)]
    sem_hits = [(3, 0.9), (4, 0.85), (2, 0.8)]
    assert (selectors.RRF_K, selectors.MIN_COVERAGE, selectors.COVERAGE_POWER) == (2, 0.5, 2.0)
    assert [pk for pk, _ in selectors.hybrid_fusion(text_hits, sem_hits)] == [2, 3, 4]


def test_query_stems_are_the_deduplicated_content_terms() -> None:
    assert text.query_stems("Les contrôles et le contrôle des hôpitaux") == ["control", "hopital"]


def test_sqlite_stems_are_postgresql_french_stems() -> None:
    """SQLite's index must find what PostgreSQL's ``french_unaccent`` finds: every content word of the
    catalogue gets the stem PostgreSQL 15 gives it (reference file generated from PostgreSQL, origin
    noted in the file; the PostgreSQL test below checks the live server too)."""
    import json
    from pathlib import Path

    data = json.loads((Path(__file__).parent / "data" / "pg15_french_stems.json").read_text(encoding="utf-8"))
    stems = data["stems"]
    assert len(stems) > 1500
    different = {w: (pg, text.stem(text.fold(w))) for w, pg in stems.items() if text.stem(text.fold(w)) != pg}
    assert different == {}


@pytest.mark.django_db
def test_the_live_database_stems_like_the_python_stemmer() -> None:
    from django.db import connection

    words = ["hôpitaux", "contrôleurs", "néerlandaises", "prédictions", "allocataires", "régulation"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            got = []
            for w in words:
                cursor.execute("SELECT ts_lexize('french_stem', unaccent(%s))", [w])
                got.append(cursor.fetchone()[0][0])
    else:  # SQLite: the terms stored in the FTS5 table are those of the Python stemmer
        from atlasia.search import fulltext

        fulltext.sync_sqlite_row(999_999, " ".join(words), "", "")
        with connection.cursor() as cursor:
            cursor.execute("SELECT title FROM search_usecase_fts WHERE rowid = 999999")
            got = cursor.fetchone()[0].split()
    assert got == ["hopital", "controleur", "neerlandais", "predict", "allocatair", "regul"]
