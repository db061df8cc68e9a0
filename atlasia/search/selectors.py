"""Reads of search, always scoped: every function starts from ``usecases_visible_to(user)`` (or the
public records), so a record the reader may not see can never come back, whatever the engine.

- :func:`search_usecases` / :func:`search_public`: ``mode`` "text", "semantic" or "hybrid" (default:
  reciprocal rank fusion of the two rankings).
- :func:`similar_usecases`: the closest records of *other* organisations, with the reasons they match.
- :func:`suggestions`: "Cela ressemble à…" while a new record is typed.
- :func:`probable_duplicates`: pairs across organisations above a cosine threshold.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Value, When

from atlasia.core.search import text, vectors
from atlasia.core.search.fusion import coverage_gains, reciprocal_rank_fusion, weighted_rank_fusion
from atlasia.registry import selectors as registry_selectors
from atlasia.registry.models import UseCase

from . import embeddings, fulltext
from .models import UseCaseEmbedding

# Hybrid search: coverage-weighted reciprocal rank fusion (``atlasia.core.search.fusion``). A full-text
# hit contributes ``coverage ** 2 / (k + rank)``, and nothing when it holds under half of the query's
# content words; a semantic hit contributes ``1 / (k + rank)``. Chosen on the *tuning* half of
# benchmarks/search_relevance.json only (rule: best mean nDCG@10 over both engines among the 588
# settings whose recall@10 is not below semantic search's); the held-out half measures it. See
# benchmarks/README.md, "Search (issue 8)".
RRF_K = 2
RRF_WEIGHTS = (1.0, 1.0)  # (full-text, semantic)
MIN_COVERAGE = 0.5
COVERAGE_POWER = 2.0
# Suggestions while a record is typed: the "query" is a title and a summary (many words, so coverage
# is always low): plain RRF, semantic list weighted twice (the former hybrid setting).
SUGGEST_RRF_K = 10
SUGGEST_RRF_WEIGHTS = (1.0, 2.0)
CANDIDATES = 50
SIMILAR_MIN_SCORE = 0.84  # cosine, multilingual-e5-small: unrelated French texts sit around 0.75-0.80
DUPLICATE_THRESHOLD = 0.92
LIST_RANK_LIMIT = 500


@dataclass(frozen=True)
class SearchHit:
    use_case: UseCase
    score: float
    excerpt_html: str
    matched_by: tuple[str, ...] = ()  # "texte", "sens"


@dataclass(frozen=True)
class SimilarRecord:
    use_case: UseCase
    score: float
    shared_terms: list[str] = field(default_factory=list)
    same_theme: bool = False
    same_technique: bool = False


# --- semantic index, cached per process -------------------------------------------------------------


@dataclass
class _VectorIndex:
    stamp: tuple[Any, ...]
    ids: np.ndarray
    orgs: np.ndarray
    matrix: np.ndarray
    position: dict[int, int]


_index_lock = threading.Lock()
_index: _VectorIndex | None = None


def vector_index() -> _VectorIndex:
    """All stored vectors of the current model as one normalised matrix, reloaded only when the table
    changed (one cheap aggregate query per call)."""
    global _index
    qs = UseCaseEmbedding.objects.filter(model_name=embeddings.MODEL_NAME)
    agg = qs.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    stamp = (agg["n"], agg["last"], agg["top"])
    with _index_lock:
        if _index is not None and _index.stamp == stamp:
            return _index
        rows = list(
            qs.order_by("use_case_id").values_list("use_case_id", "use_case__organisation_id", "vector")
        )
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        orgs = np.array([r[1] for r in rows], dtype=np.int64)
        matrix = (
            vectors.normalise_rows(np.vstack([np.frombuffer(bytes(r[2]), dtype=np.float32) for r in rows]))
            if rows
            else np.zeros((0, embeddings.DIM), dtype=np.float32)
        )
        _index = _VectorIndex(stamp, ids, orgs, matrix, {int(pk): i for i, pk in enumerate(ids)})
        return _index


def _visible_mask(index: _VectorIndex, visible: QuerySet[UseCase]) -> np.ndarray:
    ids = np.fromiter(visible.order_by().values_list("pk", flat=True), dtype=np.int64)
    return np.isin(index.ids, ids)


def semantic_ranking(visible: QuerySet[UseCase], query: str, *, limit: int) -> list[tuple[int, float]]:
    if not query.strip() or not embeddings.available():
        return []
    index = vector_index()
    if index.matrix.shape[0] == 0:
        return []
    hits = vectors.top_k(index.matrix, embeddings.embed_query(query), limit, _visible_mask(index, visible))
    return [(int(index.ids[i]), score) for i, score in hits]


# --- search -----------------------------------------------------------------------------------------


def hybrid_fusion(
    text_hits: list[fulltext.TextHit], sem_hits: list[tuple[int, float]], *, limit: int | None = None
) -> list[tuple[int, float]]:
    """Coverage-weighted RRF of a full-text list and a semantic list (see ``RRF_K`` above)."""
    gains = coverage_gains([h.coverage for h in text_hits], min_coverage=MIN_COVERAGE, power=COVERAGE_POWER)
    return weighted_rank_fusion(
        [
            [(h.use_case_id, g) for h, g in zip(text_hits, gains, strict=True)],
            [(pk, 1.0) for pk, _ in sem_hits],
        ],
        k=RRF_K,
        weights=RRF_WEIGHTS,
        limit=limit,
    )


def _rank(visible: QuerySet[UseCase], query: str, *, limit: int, mode: str) -> list[SearchHit]:
    query = query.strip()[:300]
    if not query:
        return []
    n = max(limit, CANDIDATES)
    text_hits = fulltext.search(visible, query, limit=n, excerpts=False) if mode in ("text", "hybrid") else []
    sem_hits = semantic_ranking(visible, query, limit=n) if mode in ("semantic", "hybrid") else []
    if mode == "text":
        ranked = [(h.use_case_id, h.score) for h in text_hits][:limit]
    elif mode == "semantic":
        ranked = sem_hits[:limit]
    else:
        ranked = hybrid_fusion(text_hits, sem_hits, limit=limit)
    text_ids = {h.use_case_id for h in text_hits}
    sem_ids = {pk for pk, _ in sem_hits}
    objects = UseCase.objects.select_related("organisation", "theme", "ai_technique").in_bulk(
        [pk for pk, _ in ranked]
    )
    excerpts = fulltext.excerpts([objects[pk] for pk, _ in ranked if pk in objects and pk in text_ids], query)
    hits = []
    for pk, score in ranked:
        use_case = objects.get(pk)
        if use_case is None:
            continue
        marked = excerpts.get(pk) or text.best_excerpt([use_case.summary], query)
        matched_by = tuple(label for label, ids in (("texte", text_ids), ("sens", sem_ids)) if pk in ids)
        hits.append(SearchHit(use_case, float(score), text.excerpt_html(marked), matched_by))
    return hits


def search_usecases(
    user: Any,
    query: str,
    filters: registry_selectors.UseCaseFilters | None = None,
    *,
    limit: int = 20,
    mode: str = "hybrid",
) -> list[SearchHit]:
    """Records visible to ``user`` (optionally narrowed by the list filters) ranked for ``query``."""
    if filters is not None:
        visible = registry_selectors.usecase_list(user, replace(filters, q=""))
    else:
        visible = registry_selectors.usecases_visible_to(user)
    return _rank(visible, query, limit=limit, mode=mode)


def search_public(
    query: str, *, limit: int = 20, mode: str = "hybrid", queryset: QuerySet[UseCase] | None = None
) -> list[SearchHit]:
    """The same search over the public register only (for ``/registre/``). ``queryset`` may narrow
    the public records further (filters of the register); it is always intersected with them."""
    visible = registry_selectors.public_usecases()
    if queryset is not None:
        visible = visible.filter(pk__in=queryset.order_by().values("pk"))
    return _rank(visible, query, limit=limit, mode=mode)


def filter_and_rank(qs: QuerySet[UseCase], query: str, *, by_relevance: bool = True) -> QuerySet[UseCase]:
    """The list page's ``q``: records matching the full-text query (or containing it literally, so a
    partial word still finds something), best match first. One search query, then the usual
    count and page queries: the cost does not depend on the page size."""
    hits = fulltext.search(qs, query, limit=LIST_RANK_LIMIT, excerpts=False)
    ids = [h.use_case_id for h in hits]
    literal = Q(title__icontains=query) | Q(summary__icontains=query)
    qs = qs.filter(Q(pk__in=ids) | literal) if ids else qs.filter(literal)
    if not ids or not by_relevance:
        return qs
    rank = Case(
        *[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)],
        default=Value(len(ids)),
        output_field=IntegerField(),
    )
    return qs.alias(search_rank=rank).order_by("search_rank", *qs.query.order_by)


# --- similar records, suggestions, duplicates -------------------------------------------------------


def _key_terms(*values: str) -> dict[str, str]:
    """Content stems of a text, each with the first original word that produced it."""
    found: dict[str, str] = {}
    for value in values:
        for word in text.WORD_RE.findall(value or ""):
            folded = text.fold(word)
            if folded in text.STOPWORDS or len(folded) < 4:
                continue
            found.setdefault(text.stem(folded), word.lower())
    return found


def _reasons(source_terms: dict[str, str], source: Any, other: UseCase) -> tuple[list[str], bool, bool]:
    other_terms = _key_terms(other.title, other.summary, " ".join(other.tags or []))
    shared = [source_terms[s] for s in source_terms if s in other_terms][:6]
    same_theme = bool(getattr(source, "theme_id", None)) and source.theme_id == other.theme_id
    same_technique = (
        bool(getattr(source, "ai_technique_id", None)) and source.ai_technique_id == other.ai_technique_id
    )
    return shared, same_theme, same_technique


def similar_usecases(
    user: Any, use_case: UseCase, *, limit: int = 5, min_score: float = SIMILAR_MIN_SCORE
) -> list[SimilarRecord]:
    """The closest records of other organisations that ``user`` may see."""
    visible = registry_selectors.usecases_visible_to(user).exclude(organisation_id=use_case.organisation_id)
    index = vector_index()
    position = index.position.get(use_case.pk)
    if position is not None:
        mask = _visible_mask(index, visible)
        ranked = [
            (int(index.ids[i]), s)
            for i, s in vectors.top_k(index.matrix, index.matrix[position], limit, mask)
            if s >= min_score
        ]
    else:  # not embedded yet (the task is pending): fall back to the full-text engine
        probe = f"{use_case.title} {' '.join(use_case.tags or [])}"
        ranked = [(h.use_case_id, 0.0) for h in fulltext.search(visible, probe, limit=limit, excerpts=False)]
    objects = UseCase.objects.select_related("organisation", "theme", "ai_technique").in_bulk(
        [pk for pk, _ in ranked]
    )
    terms = _key_terms(use_case.title, use_case.summary, " ".join(use_case.tags or []))
    out = []
    for pk, score in ranked:
        other = objects.get(pk)
        if other is None:
            continue
        shared, same_theme, same_technique = _reasons(terms, use_case, other)
        out.append(SimilarRecord(other, score, shared, same_theme, same_technique))
    return out


def suggestions(user: Any, title: str, summary: str = "", *, limit: int = 5) -> list[SimilarRecord]:
    """Records close to a record being typed (hybrid ranking), with the terms they share."""
    query = f"{title} {summary}".strip()[:500]
    if len(text.query_words(query)) == 0:
        return []
    visible = registry_selectors.usecases_visible_to(user)
    text_hits = fulltext.search(visible, query, limit=CANDIDATES, excerpts=False, prefix_last=True)
    sem_hits = semantic_ranking(visible, query, limit=CANDIDATES)
    sem_score = dict(sem_hits)
    fused = reciprocal_rank_fusion(
        [[h.use_case_id for h in text_hits], [pk for pk, s in sem_hits if s >= SIMILAR_MIN_SCORE]],
        k=SUGGEST_RRF_K,
        weights=SUGGEST_RRF_WEIGHTS,
        limit=limit,
    )
    objects = UseCase.objects.select_related("organisation", "theme", "ai_technique").in_bulk(
        [pk for pk, _ in fused]
    )
    terms = _key_terms(title, summary)
    out = []
    for pk, _ in fused:
        other = objects.get(pk)
        if other is None:
            continue
        shared, _, _ = _reasons(terms, None, other)
        out.append(SimilarRecord(other, sem_score.get(pk, 0.0), shared))
    return out


@dataclass(frozen=True)
class DuplicatePair:
    first: UseCase
    second: UseCase
    score: float
    shared_terms: list[str]


def probable_duplicates(
    user: Any, *, threshold: float = DUPLICATE_THRESHOLD, limit: int = 200
) -> list[DuplicatePair]:
    """Pairs of visible records of different organisations whose embeddings are at least ``threshold``
    apart in cosine, most similar first."""
    index = vector_index()
    mask = _visible_mask(index, registry_selectors.usecases_visible_to(user))
    rows = np.nonzero(mask)[0]
    pairs = vectors.pairs_above(index.matrix[rows], index.orgs[rows], threshold)[:limit]
    wanted = {int(index.ids[rows[i]]) for p in pairs for i in p[:2]}
    objects = UseCase.objects.select_related("organisation").in_bulk(list(wanted))
    out = []
    for i, j, score in pairs:
        a, b = objects.get(int(index.ids[rows[i]])), objects.get(int(index.ids[rows[j]]))
        if a is None or b is None:
            continue
        shared, _, _ = _reasons(_key_terms(a.title, a.summary, " ".join(a.tags or [])), a, b)
        out.append(DuplicatePair(a, b, score, shared))
    return out
