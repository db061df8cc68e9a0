"""Nearest records by embedding, scoped by a queryset of visible records.

- PostgreSQL 15 (no pgvector): binary quantization with rescoring. Candidates are the embedding rows
  at the smallest Hamming distance to the query's signature, ``bit_count(signature # query)``, computed
  by the database with the visibility scope in the same query; their float vectors are then rescored
  exactly (cosine) here. The web process holds nothing but the candidates of the current query: its
  memory does not grow with the number of records. ``CANDIDATES_PER_RESULT`` is chosen on measured
  recall (benchmarks/README.md, "National scale").
- SQLite (the embedded demo): an in-process matrix of every vector, loaded lazily on the first
  semantic query of the process (never by a page that does not search) and reloaded when the table
  changes.

With pgvector, an operator can add a ``vector(384)`` column and an HNSW index to the same table
(docs/search.md); the tested path is the stock one.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Count, Max, QuerySet

from atlasia.core.search import vectors

from . import embeddings
from .models import SIGNATURE_BITS, UseCaseEmbedding

CENTRES = Path(__file__).resolve().parent / "data" / "centres.json"
# Candidates kept by the Hamming scan per result asked, and at least MIN_CANDIDATES.
CANDIDATES_PER_RESULT = 10
MIN_CANDIDATES = 400


@lru_cache(maxsize=4)
def centre(model_name: str = embeddings.MODEL_NAME) -> np.ndarray:
    """The model's mean passage vector, subtracted before taking signs (see ``vectors.signature``).
    Shipped with the code, one per model: the signatures do not depend on the records stored."""
    data = json.loads(CENTRES.read_text(encoding="utf-8"))
    values = data.get(model_name)
    if values is None:
        return np.zeros(embeddings.DIM, dtype=np.float32)
    return np.asarray(values, dtype=np.float32)


def signature_of(vector: Any) -> bytes:
    return vectors.signature(vector, centre())


def candidate_count(limit: int) -> int:
    return max(MIN_CANDIDATES, limit * CANDIDATES_PER_RESULT)


def nearest(
    visible: QuerySet[Any], query: Any, *, limit: int, candidates: int | None = None
) -> list[tuple[int, float]]:
    """``(use_case_id, cosine)`` of the ``limit`` visible records closest to ``query`` (normalised)."""
    if limit <= 0:
        return []
    if connection.vendor == "postgresql":
        return _nearest_postgresql(
            visible, query, limit=limit, candidates=candidates or candidate_count(limit)
        )
    return _nearest_in_process(visible, query, limit=limit)


def _sees_everything(visible: QuerySet[Any]) -> bool:
    """True for the unfiltered queryset of every record (``usecases_visible_to`` of a national reader)."""
    query = visible.query
    return (
        not query.where
        and query.low_mark == 0
        and query.high_mark is None
        and not query.combinator
        and not query.distinct
        and visible.model._meta.label == "registry.UseCase"
    )


OVERFETCH = 4


def _candidate_ids(visible: QuerySet[Any], bits: str, candidates: int) -> list[int]:
    """The ``candidates`` visible records at the smallest Hamming distance.

    The scan reads the narrow covering index (model, record, signature: 13 MB at 100,000 records) with
    an index-only scan, never the 200 MB heap of float vectors (a 1.5 kB vector stays inline: PostgreSQL
    moves values out of line only from 2 kB rows), and keeps the best ``OVERFETCH × candidates`` with a
    top-N heapsort; the reader's visibility is then checked on those only. When fewer than
    ``candidates`` of them are visible (a reader who sees a small share of the registry), the scan is
    made again with the visibility join inside it. Either way the result is exactly the ``candidates``
    closest visible records (ties broken by id)."""
    model = embeddings.MODEL_NAME
    distance = f"bit_count(c.signature # %s::bit({SIGNATURE_BITS}))"
    if _sees_everything(visible):  # a national reader: no visibility join at all
        sql = f"""
            SELECT c.use_case_id FROM search_usecaseembedding c
            WHERE c.model_name = %s AND c.signature IS NOT NULL
            ORDER BY {distance}, c.use_case_id LIMIT %s
        """  # noqa: S608 - the interpolated parts are our own SQL; values are parameters
        with connection.cursor() as cursor:
            cursor.execute(sql, [model, bits, candidates])
            return [int(r[0]) for r in cursor.fetchall()]
    sub_sql, sub_params = visible.order_by().values("pk").query.sql_with_params()
    sql = f"""
        WITH best AS (
            SELECT c.use_case_id, {distance} AS distance FROM search_usecaseembedding c
            WHERE c.model_name = %s AND c.signature IS NOT NULL
            ORDER BY distance, c.use_case_id LIMIT %s
        )
        SELECT b.use_case_id, (SELECT count(*) FROM best) FROM best b
        WHERE b.use_case_id IN ({sub_sql})
        ORDER BY b.distance, b.use_case_id LIMIT %s
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [bits, model, OVERFETCH * candidates, *sub_params, candidates])
        rows = cursor.fetchall()
    # Enough visible ones, or ``best`` held every signed record (so every visible one is there).
    if rows and (len(rows) >= candidates or rows[0][1] < OVERFETCH * candidates):
        return [int(r[0]) for r in rows]
    sql = f"""
        SELECT x.use_case_id FROM (
            SELECT c.use_case_id, {distance} AS distance FROM search_usecaseembedding c
            WHERE c.model_name = %s AND c.signature IS NOT NULL AND c.use_case_id IN ({sub_sql})
            OFFSET 0
        ) x
        ORDER BY x.distance, x.use_case_id LIMIT %s
    """  # noqa: S608 - OFFSET 0 keeps the join under the sort: a top-N heapsort in memory
    with connection.cursor() as cursor:
        cursor.execute(sql, [bits, model, *sub_params, candidates])
        return [int(r[0]) for r in cursor.fetchall()]


def _nearest_postgresql(
    visible: QuerySet[Any], query: Any, *, limit: int, candidates: int
) -> list[tuple[int, float]]:
    bits = "".join(f"{b:08b}" for b in signature_of(query))
    ids_kept = _candidate_ids(visible, bits, candidates)
    if not ids_kept:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.use_case_id, e.vector FROM search_usecaseembedding e "
            "WHERE e.model_name = %s AND e.use_case_id = ANY(%s::bigint[])",
            [embeddings.MODEL_NAME, ids_kept],
        )
        rows = cursor.fetchall()
    if not rows:
        return []
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    matrix = np.vstack([np.frombuffer(bytes(r[1]), dtype=np.float32) for r in rows])
    return vectors.rescore(ids, matrix, np.asarray(query, dtype=np.float32), limit)


# --- in-process index (SQLite) ----------------------------------------------------------------------


@dataclass
class VectorIndex:
    stamp: tuple[Any, ...]
    ids: np.ndarray
    orgs: np.ndarray
    matrix: np.ndarray
    position: dict[int, int]


_index_lock = threading.Lock()
_index: VectorIndex | None = None


def vector_index() -> VectorIndex:
    """All stored vectors of the current model as one normalised matrix, reloaded only when the table
    changed (one cheap aggregate query per call). Used on SQLite only."""
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
        _index = VectorIndex(stamp, ids, orgs, matrix, {int(pk): i for i, pk in enumerate(ids)})
        return _index


def loaded_index() -> VectorIndex | None:
    """The in-process index if this process has loaded it (tests check that pages do not)."""
    return _index


def _nearest_in_process(visible: QuerySet[Any], query: Any, *, limit: int) -> list[tuple[int, float]]:
    index = vector_index()
    if index.matrix.shape[0] == 0:
        return []
    ids = np.fromiter(visible.order_by().values_list("pk", flat=True), dtype=np.int64)
    mask = np.isin(index.ids, ids)
    hits = vectors.top_k(index.matrix, np.asarray(query, dtype=np.float32), limit, mask)
    return [(int(index.ids[i]), score) for i, score in hits]
