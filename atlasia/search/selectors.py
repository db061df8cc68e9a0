"""Reads of search, always scoped: every function starts from ``usecases_visible_to(user)`` (or the
public records), so a record the reader may not see can never come back, whatever the engine.

- :func:`search_usecases` / :func:`search_public`: ``mode`` "text", "semantic" or "hybrid" (default:
  reciprocal rank fusion of the two rankings).
- :func:`similar_usecases`: the closest records of *other* organisations, with the reasons they match.
- :func:`suggestions`: "Cela ressemble à…" while a new record is typed.
- :func:`probable_duplicates`: pairs across organisations above a cosine threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, QuerySet, Subquery, Value, When

from atlasia.accounts.actor import ActorLike, as_actor
from atlasia.core.permissions import grant
from atlasia.core.roles import Action
from atlasia.core.search import text
from atlasia.core.search.fusion import coverage_gains, reciprocal_rank_fusion, weighted_rank_fusion
from atlasia.registry import selectors as registry_selectors
from atlasia.registry.enums import PublicationLevel
from atlasia.registry.models import UseCase

from . import embeddings, fulltext, vectorsearch
from .models import UseCaseEmbedding, UseCaseNeighbour
from .scope import Scope, sees_everything

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
# Thresholds calibrated with the bundled model by benchmarks/calibrate_thresholds.py (figures in
# benchmarks/README.md, "Thresholds"): "similar" and "duplicates" on the 820 labelled pairs of the
# catalogue (best F1: duplicates 0.90, P 1.0 / R 0.33, which now catches the two EHPAD fall-detection
# records at 0.908 that 0.92 missed; similar 0.87, P 0.58 / R 0.82); the relevance floor of semantic
# search on the tuning half of the relevance set (highest floor keeping its recall@10, 0.995; "xyzzy
# introuvable" and 8 of the 9 other off-topic queries then find nothing; held-out recall 0.974 → 0.936).
SIMILAR_MIN_SCORE = 0.87
DUPLICATE_THRESHOLD = 0.90
SEMANTIC_FLOOR = 0.825
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


# --- semantic ranking -------------------------------------------------------------------------------


def reader_scope(user: ActorLike | None) -> Scope | None:
    """The condition on the search rows' copies of organisation and level that holds every record
    ``user`` may read (``atlasia.search.scope``), from the same grant as ``usecases_visible_to``: her
    organisations' records or the shared ones. ``None`` where the copies cannot express it (a regional
    reviewer's perimeter: the organisations' regions are not copied): the scans then join the
    visibility queryset. Only narrows the scans; what they keep is checked against that queryset."""
    the_grant = grant(as_actor(user), Action.USECASE_VIEW)
    if the_grant.everything:
        return Scope(everything=True)
    if the_grant.regions or the_grant.nothing:
        return None
    return Scope(
        organisation_ids=frozenset(the_grant.organisation_ids),
        publication_levels=frozenset(the_grant.publication_levels),
    )


PUBLIC_SCOPE = Scope(publication_levels=frozenset({PublicationLevel.PUBLIC.value}))


def semantic_ranking(
    visible: QuerySet[UseCase],
    query: str,
    *,
    limit: int,
    floor: float = SEMANTIC_FLOOR,
    scope: Scope | None = None,
    vector: Any = None,
    verify: bool = True,
) -> list[tuple[int, float]]:
    """Visible records closest in meaning to ``query``, none under the relevance ``floor`` (cosine of
    the query to the record): a query about nothing in the registry finds nothing. ``vector``: the
    query's embedding when the caller already has it. ``verify=False``: see ``vectorsearch.nearest``."""
    if not query.strip() or not embeddings.available():
        return []
    if vector is None:
        vector = embeddings.embed_query(query)
    hits = vectorsearch.nearest(visible, vector, limit=limit, scope=scope, verify=verify)
    return [(pk, score) for pk, score in hits if score >= floor]


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


def _fused(
    mode: str, text_hits: list[fulltext.TextHit], sem_hits: list[tuple[int, float]], limit: int
) -> list[tuple[int, float]]:
    if mode == "text":
        return [(h.use_case_id, h.score) for h in text_hits][:limit]
    if mode == "semantic":
        return sem_hits[:limit]
    return hybrid_fusion(text_hits, sem_hits, limit=limit)


def _rank(
    visible: QuerySet[UseCase], query: str, *, limit: int, mode: str, scope: Scope | None = None
) -> list[SearchHit]:
    query = text.clean_query(query)
    if not query:
        return []
    n = max(limit, CANDIDATES)
    # A member's scans filter on the search rows' scope copies; what they keep is checked against the
    # real visibility here, both engines' lists at once, and the check rides on the query that loads the
    # records shown (an uncorrelated subquery counting the visible ones among every kept hit, evaluated
    # once): no query of its own (there were two, one per engine, ~3 ms each on a loaded server). If one
    # of them is not visible (a copy out of step), both rankings run again joining ``visible``: the
    # same results as if the copies had never been read, and nothing is shown before the check.
    deferred = scope is not None and connection.vendor == "postgresql" and not sees_everything(visible)
    # Hybrid: the query is embedded on the helper thread while the full-text SQL runs (the two costs
    # overlap instead of adding up; see ``embeddings.embed_query_soon``).
    pending = embeddings.embed_query_soon(query) if mode == "hybrid" and embeddings.available() else None
    text_hits = (
        fulltext.search(visible, query, limit=n, excerpts=False, scope=scope, verify=not deferred)
        if mode in ("text", "hybrid")
        else []
    )
    vector = pending.result() if pending is not None else None
    sem_hits = (
        semantic_ranking(visible, query, limit=n, scope=scope, vector=vector, verify=not deferred)
        if mode in ("semantic", "hybrid")
        else []
    )
    records = UseCase.objects.select_related("organisation", "theme", "ai_technique")
    ranked = _fused(mode, text_hits, sem_hits, limit)
    kept = {h.use_case_id for h in text_hits} | {pk for pk, _ in sem_hits} if deferred else set()
    objects: Mapping[Any, UseCase]
    if kept:
        counted = (
            visible.filter(pk__in=kept).order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
        )
        objects = records.annotate(kept_visible=Subquery(counted)).in_bulk([pk for pk, _ in ranked])
        if not objects or any(getattr(o, "kept_visible", None) != len(kept) for o in objects.values()):
            if mode in ("text", "hybrid"):
                text_hits = fulltext.search(visible, query, limit=n, excerpts=False)
            if mode in ("semantic", "hybrid"):
                sem_hits = semantic_ranking(visible, query, limit=n, vector=vector)
            ranked = _fused(mode, text_hits, sem_hits, limit)
            objects = records.in_bulk([pk for pk, _ in ranked])
    else:
        objects = records.in_bulk([pk for pk, _ in ranked])
    text_ids = {h.use_case_id for h in text_hits}
    sem_ids = {pk for pk, _ in sem_hits}
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


def usecase_list(
    user: ActorLike | None, filters: registry_selectors.UseCaseFilters, *, page_columns: bool = False
) -> QuerySet[UseCase]:
    """The use-case list page's records: the registry's filtered list, narrowed by the full-text query
    ``filters.q`` (French stemming, accents, weights), best match first unless another sort was chosen."""
    qs = registry_selectors.usecase_list(user, filters, page_columns=page_columns)
    if filters.q:
        qs = filter_and_rank(qs, filters.q, by_relevance=filters.sort == "-updated_at")
    return qs


def search_usecases(
    user: ActorLike | None,
    query: str,
    filters: registry_selectors.UseCaseFilters | None = None,
    *,
    limit: int = 20,
    mode: str = "hybrid",
) -> list[SearchHit]:
    """Records visible to ``user`` (optionally narrowed by the list filters) ranked for ``query``."""
    if filters is not None:  # narrower than any scope: the scans join the filtered queryset
        return _rank(
            registry_selectors.usecase_list(user, replace(filters, q="")), query, limit=limit, mode=mode
        )
    visible = registry_selectors.usecases_visible_to(user)
    return _rank(visible, query, limit=limit, mode=mode, scope=reader_scope(user))


def search_public(
    query: str, *, limit: int = 20, mode: str = "hybrid", queryset: QuerySet[UseCase] | None = None
) -> list[SearchHit]:
    """The same search over the public register only (for ``/registre/``). ``queryset`` may narrow
    the public records further (filters of the register); it is always intersected with them."""
    visible = registry_selectors.public_usecases()
    if queryset is not None:
        visible = visible.filter(pk__in=queryset.order_by().values("pk"))
    return _rank(visible, query, limit=limit, mode=mode, scope=PUBLIC_SCOPE if queryset is None else None)


def filter_and_rank(qs: QuerySet[UseCase], query: str, *, by_relevance: bool = True) -> QuerySet[UseCase]:
    """The list page's ``q``: records matching the full-text query (or containing it literally, so a
    partial word still finds something), best match first. One search query, then the usual
    count and page queries: the cost does not depend on the page size."""
    query = text.clean_query(query)
    if not query:
        return qs
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


@dataclass(frozen=True)
class NeighbourStamp:
    """A stored neighbour the reader may see, with what a cached rendering of it depends on: the
    target's last save (title, summary, tags, theme, technique, level) and its organisation's (name)."""

    target_id: int
    score: float
    saved: datetime
    organisation_saved: datetime


def visible_neighbours(
    user: ActorLike | None, use_case: UseCase, *, limit: int = 5, min_score: float = SIMILAR_MIN_SCORE
) -> list[NeighbourStamp]:
    """The stored neighbours of ``use_case`` (score at least ``min_score``, best first) that ``user`` may
    see, records of other organisations only, in one query: the neighbour rows joined to their records
    and organisations, the visibility checked on the joined record (``registry.selectors``' rule)."""
    rows = (
        registry_selectors.visible_through(UseCaseNeighbour.objects.all(), user, "target")
        .filter(source_id=use_case.pk, score__gte=min_score)
        .exclude(target__organisation_id=use_case.organisation_id)
        .order_by("-score", "target_id")
        .values_list("target_id", "score", "target__updated_at", "target__organisation__updated_at")
    )
    return [NeighbourStamp(*row) for row in rows[:limit]]


def is_embedded(use_case: UseCase) -> bool:
    """Whether the embedding task has computed the record's vector with the current model."""
    return UseCaseEmbedding.objects.filter(use_case_id=use_case.pk, model_name=embeddings.MODEL_NAME).exists()


def similar_records(
    user: ActorLike | None, use_case: UseCase, neighbours: list[NeighbourStamp]
) -> list[SimilarRecord]:
    """``neighbours`` (from :func:`visible_neighbours`) as records with the reasons they match: one
    query for what the panel shows and the reasons read (the whole record is 40 columns)."""
    if not neighbours:
        return []
    shown = ("title", "summary", "tags", "organisation__name", "theme", "ai_technique")
    found: dict[int, UseCase] = (
        registry_selectors.usecases_visible_to(user)
        .select_related("organisation", "theme", "ai_technique")
        .only(*shown)
        .in_bulk([n.target_id for n in neighbours])
    )
    return _with_reasons(
        use_case, [(found[n.target_id], n.score) for n in neighbours if n.target_id in found]
    )


def similar_by_text(user: ActorLike | None, use_case: UseCase, *, limit: int = 5) -> list[SimilarRecord]:
    """The records of other organisations closest to ``use_case`` by the full-text engine (its title
    and tags as the query): the panel's fallback while the record is not embedded yet."""
    visible = registry_selectors.usecases_visible_to(user).exclude(organisation_id=use_case.organisation_id)
    probe = f"{use_case.title} {' '.join(use_case.tags or [])}"
    hits = fulltext.search(visible, probe, limit=limit, excerpts=False)
    objects = UseCase.objects.select_related("organisation", "theme", "ai_technique").in_bulk(
        [h.use_case_id for h in hits]
    )
    return _with_reasons(use_case, [(objects[h.use_case_id], 0.0) for h in hits if h.use_case_id in objects])


def _with_reasons(use_case: UseCase, ranked: list[tuple[UseCase, float]]) -> list[SimilarRecord]:
    terms = _key_terms(use_case.title, use_case.summary, " ".join(use_case.tags or []))
    out = []
    for other, score in ranked:
        shared, same_theme, same_technique = _reasons(terms, use_case, other)
        out.append(SimilarRecord(other, score, shared, same_theme, same_technique))
    return out


def similar_usecases(
    user: ActorLike | None, use_case: UseCase, *, limit: int = 5, min_score: float = SIMILAR_MIN_SCORE
) -> list[SimilarRecord]:
    """The closest records of other organisations that ``user`` may see: read from the neighbours the
    embedding task stored (a handful of rows), visibility applied here; by the full-text engine while
    the record is not embedded yet. The record page reads the same in two steps
    (:func:`visible_neighbours`, then :func:`similar_records` only when its cached panel is stale)."""
    neighbours = visible_neighbours(user, use_case, limit=limit, min_score=min_score)
    if neighbours:
        return similar_records(user, use_case, neighbours)
    if is_embedded(use_case):
        return []
    return similar_by_text(user, use_case, limit=limit)


def suggestions(
    user: ActorLike | None, title: str, summary: str = "", *, limit: int = 5
) -> list[SimilarRecord]:
    """Records close to a record being typed (hybrid ranking), with the terms they share."""
    query = f"{title} {summary}".strip()[:500]
    if len(text.query_words(query)) == 0:
        return []
    visible = registry_selectors.usecases_visible_to(user)
    scope = reader_scope(user)
    text_hits = fulltext.search(
        visible, query, limit=CANDIDATES, excerpts=False, prefix_last=True, scope=scope
    )
    sem_hits = semantic_ranking(visible, query, limit=CANDIDATES, scope=scope)
    sem_score = dict(sem_hits)
    fused = reciprocal_rank_fusion(
        [[h.use_case_id for h in text_hits], [pk for pk, _ in sem_hits]],  # sem_hits: above the floor
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
    user: ActorLike | None, *, threshold: float = DUPLICATE_THRESHOLD, limit: int = 200
) -> list[DuplicatePair]:
    """Pairs of visible records of different organisations whose embeddings are at least ``threshold``
    apart in cosine, most similar first: read from the stored neighbours (each pair is stored in both
    directions, unless trimmed from one list: both are read, each pair shown once, smaller id first)."""
    visible = registry_selectors.usecases_visible_to(user)
    rows = (
        UseCaseNeighbour.objects.filter(score__gte=threshold, source__in=visible, target__in=visible)
        .exclude(source__organisation_id=F("target__organisation_id"))
        .select_related("source__organisation", "target__organisation")
        .order_by("-score", "source_id", "target_id")[: 2 * limit]
    )
    out: list[DuplicatePair] = []
    seen: set[tuple[int, int]] = set()
    for row in rows:
        a, b = (row.source, row.target) if row.source_id < row.target_id else (row.target, row.source)
        if (a.pk, b.pk) in seen or len(out) >= limit:
            continue
        seen.add((a.pk, b.pk))
        shared, _, _ = _reasons(_key_terms(a.title, a.summary, " ".join(a.tags or [])), a, b)
        out.append(DuplicatePair(a, b, row.score, shared))
    return out
