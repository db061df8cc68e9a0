"""Rank fusion: reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009) and its
coverage-weighted variant used by the hybrid search.

Each ranking contributes ``weight × gain / (k + rank)`` (rank starting at 1) to every item it holds;
items are sorted by the summed contribution. Plain RRF has gain 1 everywhere; it ignores the raw
scores, which is what makes a BM25/ts_rank list and a cosine list comparable.

Coverage-weighted RRF: the full-text engine ORs the query's words, so on a paraphrase it happily
ranks first a record that holds one incidental word of the query. Its list is therefore given a
per-item gain, the share of the query's content words the record holds (its *coverage*), and an
item below ``min_coverage`` contributes nothing: the text list has a say only where it matched most
of the question. The semantic list keeps gain 1.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

DEFAULT_K = 60


def weighted_rank_fusion(
    rankings: Sequence[Sequence[tuple[K, float]]],
    *,
    k: int = DEFAULT_K,
    weights: Sequence[float] | None = None,
    limit: int | None = None,
) -> list[tuple[K, float]]:
    """Fuse best-first rankings of ``(item, gain)``: each adds ``weight × gain / (k + rank)``.

    Ranks are positions in the list as given (an item with gain 0 adds nothing but keeps its place, so
    the items after it keep their rank). Ties are
    broken by the best rank held in any list, then by first appearance.
    """
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[K, float] = {}
    best_rank: dict[K, int] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, (item, gain) in enumerate(ranking, start=1):
            if gain <= 0.0:  # e.g. a full-text hit below the coverage threshold: no say
                continue
            scores[item] = scores.get(item, 0.0) + weight * gain / (k + rank)
            best_rank[item] = min(best_rank.get(item, rank), rank)
    order = sorted(scores, key=lambda item: (-scores[item], best_rank[item]))
    if limit is not None:
        order = order[:limit]
    return [(item, scores[item]) for item in order]


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[K]],
    *,
    k: int = DEFAULT_K,
    weights: Sequence[float] | None = None,
    limit: int | None = None,
) -> list[tuple[K, float]]:
    """Fuse best-first rankings; ties are broken by the best rank held in any list, then first seen."""
    return weighted_rank_fusion(
        [[(item, 1.0) for item in ranking] for ranking in rankings], k=k, weights=weights, limit=limit
    )


def coverage_gains(coverages: Sequence[float], *, min_coverage: float, power: float = 1.0) -> list[float]:
    """Gain of each full-text hit from its coverage: ``coverage ** power``, 0 below ``min_coverage``."""
    return [c**power if c >= min_coverage else 0.0 for c in coverages]
