"""Nearest records by embedding, scoped by a queryset of visible records.

- PostgreSQL 15 (no pgvector): binary quantization with rescoring, in three steps. (1) The database
  keeps the ``preselect_count`` records at the smallest Hamming distance between their 1,152-bit
  signature and the query's, ``bit_count(signature # query)``, reading only the narrow table
  ``search_signature`` that triggers keep in step with the embeddings (migration 0007; a sequential
  scan, one parallel worker at most beside the backend); in fact it keeps the rows under a distance threshold
  read off a fixed-size sample of the signatures (``hamming_threshold``, aimed at 1.5 ×
  ``preselect_count`` rows), so that nothing is sorted during the scan, and counts them: if fewer
  than ``preselect_count`` passed, it scans again with the full sort; (2) it ranks those rows by the
  *asymmetric* RaBitQ estimate of the cosine (the query kept in 4 bits, the record's signs and two
  stored floats: ``vectors.QueryCode``), five ``bit_count`` per row computed as the scan reads them,
  and keeps ``candidate_count``; (3) their float vectors are rescored exactly (cosine) here. The reader's
  visibility is applied in the same statements. The web process holds nothing but the candidates of
  the current query: its memory does not grow with the number of records.
- SQLite (the embedded demo): an in-process matrix of every vector, loaded lazily on the first
  semantic query of the process (never by a page that does not search) and reloaded when the table
  changes.

Why these numbers (strict recall@10 against exact search over the 100,000 vectors of the national-scale
benchmark, on the 79 queries of the relevance set; benchmarks/README.md, "National scale", and
docs/search.md): the former 384-bit signs ranked by Hamming distance alone reached 0.66 / 0.82 / 0.91
with 400 / 1,000 / 2,000 rescored candidates. Keeping the query in floats against those same signs
(asymmetric, with RaBitQ's two factors) gave 0.95 / 0.987 / 0.994; three random rotations (1,152 bits)
make the Hamming preselection much sharper. With 4,000 preselected, rescoring 300 gave 0.989-0.997
over six different rotations and 500 gave 0.995-1.000 (0.997 with the rotation shipped): 500 it is,
the smallest count above 0.99 whatever the rotation; 2,000 preselected lose up to 0.01. With the
threshold (about 6,000 rows estimated instead of exactly 4,000), bench_scale's recall measure gives
0.9975 / 0.9987 / 1.0 at 300 / 500 / 1,000 rescored (0.9962 / 0.9975 before; 50 records as queries: 1.0).

Where the time went at 100,000 records (EXPLAIN ANALYZE, one process): reading the covering index
~12 ms, the 1,152-bit Hamming distance of every row ~11 ms, keeping the best 4,000 of 100,000 with a
top-N sort ~10 ms, the estimate of 4,000 rows ~3 ms, reading 500 float vectors ~3-6 ms. The threshold
removes the sort (and, the estimate being computed in the scan, the transfer of wide rows between
processes); vector search alone went from 66 / 71 to 49 / 57 ms p50 / p95 for a national reader and
from 70 / 79 to 55 / 62 for a member, hybrid search from 118 / 150 to 87 / 106 and from 119 / 136 to
97 / 117, same run, load 3.6-4.6 (two other engineers' jobs); see docs/search.md. Reading the narrow
table ``search_signature`` (a sequential scan) instead of a covering index (an index-only scan, about
three times the cost per row) took the candidate query from 32-35 to 22-24 ms and vector search from
45 / 48 to 32 / 34 ms (same machine and data, session 7). A coarse partition (IVF) was tried and
dropped: real queries do not fall in the cells of their nearest passages (recall@10 0.97 reading 30 %
of the rows).

With pgvector, an operator can add a ``vector(384)`` column and an HNSW index to the same table
(docs/search.md); the tested path is the stock one.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from django.db import connection
from django.db.models import Count, Max, QuerySet

from atlasia.core.search import vectors

from . import embeddings
from .models import SIGNATURE_BITS, UseCaseEmbedding
from .scope import Scope, sees_everything
from .sql import fetch_with_settings

CENTRES = Path(__file__).resolve().parent / "data" / "centres.json"
# The signature: signs of the centred vector along ROTATIONS random rotations (fixed seed: the stored
# signatures and the query's must use the same ones; changing either means signing every row again).
ROTATIONS = SIGNATURE_BITS // embeddings.DIM
ROTATION_SEED = 1152
# Rescored candidates: CANDIDATES_PER_RESULT per result asked, at least MIN_CANDIDATES; they are the
# best by the asymmetric estimate among PRESELECT_PER_CANDIDATE × as many (at least MIN_PRESELECT)
# preselected by Hamming distance. See the module docstring for the measured recall.
CANDIDATES_PER_RESULT = 10
MIN_CANDIDATES = 500
PRESELECT_PER_CANDIDATE = 8
MIN_PRESELECT = 4000
# The preselection keeps the rows under a Hamming distance threshold read off a small sample of the
# stored signatures (drawn once per SAMPLE_SECONDS per process: its memory does not depend on the
# number of records), aimed at THRESHOLD_MARGIN × the preselected count; only those rows are sorted.
# Used when the scanned rows are at least THRESHOLD_MIN_ROWS_PER_PRESELECTED × the preselected count.
SAMPLE_SIZE = 2048
SAMPLE_SECONDS = 600
THRESHOLD_MARGIN = 1.5
THRESHOLD_MIN_ROWS_PER_PRESELECTED = 4
# The scan runs on the backend and SCAN_WORKERS parallel workers (PostgreSQL's parallel sequential
# scan), set for this statement only: two processes for the two cores of the reference machine (the
# server's default, two workers, makes three; ``None`` leaves the server's settings). The planner is
# told that starting a worker costs nothing (``parallel_setup_cost``): left to itself it scanned on one
# process, whose p95 was 20-30 % slower (same run, load 4-5: 91 / 103-111 ms against 69-72 / 84-87 for
# a national reader / a member; the p50 alike).
SCAN_WORKERS: int | None = 1


@lru_cache(maxsize=4)
def centre(model_name: str = embeddings.MODEL_NAME) -> np.ndarray:
    """The model's mean passage vector, subtracted before taking signs (see ``vectors.signature``).
    Shipped with the code, one per model: the signatures do not depend on the records stored."""
    data = json.loads(CENTRES.read_text(encoding="utf-8"))
    values = data.get(model_name)
    if values is None:
        return np.zeros(embeddings.DIM, dtype=np.float32)
    return np.asarray(values, dtype=np.float32)


@lru_cache(maxsize=1)
def rotation() -> np.ndarray:
    return vectors.projection(embeddings.DIM, ROTATIONS, ROTATION_SEED)


def signature_of(vector: Any) -> bytes:
    return vectors.signature(vector, centre(), rotation())


def signature_rows(matrix: Any) -> list[tuple[bytes, float, float]]:
    """``(signature, scale, offset)`` of each row of ``matrix`` (the three stored columns)."""
    m = np.atleast_2d(np.asarray(matrix, dtype=np.float32))
    m = vectors.normalise_rows(m)
    codes = vectors.signatures(m, centre(), rotation())
    scale, offset = vectors.signature_factors(m, centre(), rotation())
    return [(codes[i].tobytes(), float(scale[i]), float(offset[i])) for i in range(m.shape[0])]


def bit_string(data: bytes) -> str:
    return "".join(f"{byte:08b}" for byte in data)


def candidate_count(limit: int) -> int:
    return max(MIN_CANDIDATES, limit * CANDIDATES_PER_RESULT)


def preselect_count(candidates: int) -> int:
    return max(MIN_PRESELECT, candidates * PRESELECT_PER_CANDIDATE)


def nearest(
    visible: QuerySet[Any],
    query: Any,
    *,
    limit: int,
    candidates: int | None = None,
    scope: Scope | None = None,
    verify: bool = True,
) -> list[tuple[int, float]]:
    """``(use_case_id, cosine)`` of the ``limit`` visible records closest to ``query`` (normalised).

    ``scope`` (optional, PostgreSQL): a condition on the rows' copies of organisation and level that
    holds every record of ``visible`` (``atlasia.search.scope``): the scan filters on it instead of
    joining ``visible``; what it keeps is checked against ``visible`` all the same, here, or by the
    caller with ``verify=False`` (``selectors._rank`` checks both engines' lists in one query; it must
    not show a hit before it has)."""
    if limit <= 0:
        return []
    if connection.vendor == "postgresql":
        return _nearest_postgresql(
            visible,
            query,
            limit=limit,
            candidates=candidates or candidate_count(limit),
            scope=scope,
            verify=verify,
        )
    return _nearest_in_process(visible, query, limit=limit)


def _estimate_sql(code: vectors.QueryCode, alias: str = "p") -> tuple[str, list[Any]]:
    """The asymmetric estimate of ``vectors.estimate`` as SQL over the rows aliased ``alias``."""
    bits = f"bit({SIGNATURE_BITS})"
    weighted = " + ".join(
        f"{1 << k} * bit_count({alias}.signature & %s::{bits})" for k in range(len(code.planes))
    )
    # float8 parameters: untyped, they would be numeric, whose arithmetic is several times slower.
    sql = (
        f"{alias}.signature_scale * (%s::float8 * bit_count({alias}.signature) + %s::float8 * ({weighted})"
        f" - %s::float8) + {alias}.signature_offset"
    )
    params: list[Any] = [2 * code.low, 2 * code.step, *(bit_string(b) for b in code.planes), code.total]
    return sql, params


def _candidate_ids(
    code: vectors.QueryCode,
    candidates: int,
    *,
    condition: tuple[str, list[Any]],
    scope: Scope | None = None,
) -> list[int]:
    """The ``candidates`` best rows by the asymmetric estimate among (at least) the ``preselect_count``
    closest in Hamming distance, of the rows meeting ``condition`` (SQL on the embedding row ``c``).

    The preselection reads the narrow table ``search_signature`` (model, record, signature, its two
    factors, the scope copies) with a sequential scan, never the heap of float
    vectors; the estimate runs on the preselected rows only. With ``scope`` (the condition is that
    scope's, or TRUE), the preselected rows are those under a Hamming threshold estimated on the
    sample (:func:`hamming_threshold`, about 1.5 × ``preselect_count`` of them): the scan computes the
    estimate of those rows as it reads them and nothing is sorted but the best ``candidates``; the
    query counts the rows that passed, and if they are fewer than ``preselect_count`` (an unlucky
    estimate), the scan runs again with the full sort. Either way the preselection holds at least the
    ``preselect_count`` rows closest in Hamming distance."""
    preselect = preselect_count(candidates)
    threshold = hamming_threshold(code, preselect, scope) if scope is not None else None
    if threshold is not None:
        ids, passed = _candidate_scan(code, candidates, preselect, condition, threshold)
        if passed >= preselect:
            return ids
    return _candidate_scan(code, candidates, preselect, condition, None)[0]


def _candidate_scan(
    code: vectors.QueryCode,
    candidates: int,
    preselect: int,
    condition: tuple[str, list[Any]],
    threshold: int | None,
) -> tuple[list[int], int]:
    """``(ids, rows preselected)`` of one candidate query (see :func:`_candidate_ids`): with a
    ``threshold``, the rows under it, estimated as they are read; without, the ``preselect`` closest
    by a full sort, then estimated."""
    where, where_params = condition
    hamming = f"bit_count(c.signature # %s::bit({SIGNATURE_BITS}))"
    signs = bit_string(code.signs)
    if threshold is not None:
        estimate, estimate_params = _estimate_sql(code, "c")
        sql = f"""
            SELECT s.use_case_id, count(*) OVER () AS passed FROM (
                SELECT c.use_case_id, {estimate} AS estimate
                FROM search_signature c
                WHERE c.model_name = %s AND {where} AND {hamming} <= %s
                OFFSET 0
            ) s
            ORDER BY s.estimate DESC, s.use_case_id
            LIMIT %s
        """  # noqa: S608 - the interpolated parts are our own SQL; values are parameters
        rows = _fetch_with_workers(
            sql, [*estimate_params, embeddings.MODEL_NAME, *where_params, signs, threshold, candidates]
        )
        return [int(r[0]) for r in rows], (int(rows[0][1]) if rows else 0)
    estimate, estimate_params = _estimate_sql(code)
    sql = f"""
        SELECT p.use_case_id FROM (
            SELECT c.use_case_id, c.signature, c.signature_scale, c.signature_offset
            FROM search_signature c
            WHERE c.model_name = %s AND {where}
            ORDER BY {hamming}, c.use_case_id
            LIMIT %s
        ) p
        ORDER BY {estimate} DESC, p.use_case_id
        LIMIT %s
    """  # noqa: S608 - the interpolated parts are our own SQL; values are parameters
    params = [embeddings.MODEL_NAME, *where_params, signs, preselect, *estimate_params, candidates]
    rows = _fetch_with_workers(sql, params)
    return [int(r[0]) for r in rows], len(rows)


def _fetch_with_workers(sql: str, params: list[Any]) -> list[Any]:
    """Rows of ``sql`` planned with ``SCAN_WORKERS`` parallel workers (see there), the settings ending
    with the statement (:func:`.sql.fetch_with_settings`)."""
    if SCAN_WORKERS is None:
        return fetch_with_settings([], sql, params)
    settings = [
        f"SET LOCAL max_parallel_workers_per_gather = {int(SCAN_WORKERS)}",
        "SET LOCAL parallel_setup_cost = 0",
        "SET LOCAL parallel_tuple_cost = 0.001",
    ]
    return fetch_with_settings(settings, sql, params)


@dataclass(frozen=True)
class SignatureSample:
    """A random sample of the stored signatures with their scope copies, and the number of rows it
    was drawn from: what the Hamming threshold is estimated on (``SAMPLE_SIZE`` rows at most)."""

    drawn_at: float
    total: int
    codes: np.ndarray  # (n, SIGNATURE_BITS / 8) uint8
    organisations: np.ndarray  # int64, -1 where unknown
    levels: np.ndarray  # str


_sample_lock = threading.Lock()
_sample: SignatureSample | None = None


def signature_sample() -> SignatureSample:
    """The sample of this process, drawn again after ``SAMPLE_SECONDS`` (one query scanning the
    signature table): the rows first by a hash of their record's id, so that every process draws the
    same sample from the same rows (and sets the same thresholds). A stale sample only makes a
    threshold less precise: if too few rows pass it, the scan runs again with the full sort."""
    global _sample
    with _sample_lock:
        if _sample is not None and time.monotonic() - _sample.drawn_at < SAMPLE_SECONDS:
            return _sample
        rows_sql = "FROM search_signature c WHERE c.model_name = %s"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT count(*) {rows_sql}), c.signature, c.scope_organisation, c.scope_level "
                f"{rows_sql} ORDER BY hashint8(c.use_case_id) LIMIT %s",
                [embeddings.MODEL_NAME, embeddings.MODEL_NAME, SAMPLE_SIZE],
            )
            rows = cursor.fetchall()
        width = SIGNATURE_BITS // 8
        codes = np.zeros((len(rows), width), dtype=np.uint8)
        for i, row in enumerate(rows):
            codes[i] = np.frombuffer(int(row[1], 2).to_bytes(width, "big"), dtype=np.uint8)
        _sample = SignatureSample(
            drawn_at=time.monotonic(),
            total=int(rows[0][0]) if rows else 0,
            codes=codes,
            organisations=np.array([-1 if r[2] is None else r[2] for r in rows], dtype=np.int64),
            levels=np.array([r[3] or "" for r in rows], dtype=object),
        )
        return _sample


def hamming_threshold(code: vectors.QueryCode, preselect: int, scope: Scope) -> int | None:
    """A Hamming distance under which about ``THRESHOLD_MARGIN × preselect`` of the rows of ``scope``
    lie, estimated on the sample; ``None`` when scanning every row is as cheap (a small table)."""
    sample = signature_sample()
    if sample.total < THRESHOLD_MIN_ROWS_PER_PRESELECTED * preselect or not len(sample.codes):
        return None
    held = scope.holds(sample.organisations, sample.levels)
    distances = vectors.hamming(sample.codes[held], np.frombuffer(code.signs, dtype=np.uint8))
    return vectors.distance_quantile(
        distances, THRESHOLD_MARGIN * preselect * len(sample.codes) / sample.total
    )


def _vectors_of(ids: list[int]) -> list[tuple[int, Any]]:
    """Float vectors of ``ids`` (an index lookup each), in PostgreSQL's binary format: 500 vectors come
    as 750 kB of bytes instead of 1.5 MB of hexadecimal text to decode (7-8 → 4.8 ms at 100,000 records).
    Django's cursors bind on the client, which psycopg allows only with text results: this one cursor
    binds on the server, on the same connection and transaction, wrapped as Django wraps its own (thread
    check, query log, execute wrappers)."""
    if not ids:
        return []
    connection.ensure_connection()
    raw: Any = psycopg.Cursor(connection.connection)
    raw.format = psycopg.pq.Format.BINARY
    # Django's own wrapping, as BaseDatabaseWrapper._cursor does (not in django-stubs).
    with connection._prepare_cursor(raw) as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            "SELECT e.use_case_id, e.vector FROM search_usecaseembedding e "
            "WHERE e.model_name = %s AND e.use_case_id = ANY(%s::bigint[])",
            [embeddings.MODEL_NAME, ids],
        )
        return cursor.fetchall()


def _nearest_postgresql(
    visible: QuerySet[Any],
    query: Any,
    *,
    limit: int,
    candidates: int,
    scope: Scope | None,
    verify: bool = True,
) -> list[tuple[int, float]]:
    code = vectors.query_code(query, centre(), rotation())
    q = np.asarray(query, dtype=np.float32)
    if sees_everything(visible):  # a national reader: no visibility condition at all
        ids = _candidate_ids(code, candidates, condition=("TRUE", []), scope=Scope(everything=True))
        return _rescored(_vectors_of(ids), q, limit)
    if scope is not None:
        # Scan on the rows' scope copies (no join), then the real visibility of what is kept: first of
        # the best ``limit`` (a handful of index lookups); only if one of them is not visible (a stale
        # copy) of every candidate.
        ids = _candidate_ids(code, candidates, condition=scope.sql("c"), scope=scope)
        ranked = _rescored(_vectors_of(ids), q, len(ids))
        if not verify:  # the caller checks them (see ``nearest``)
            return ranked[:limit]
        best = [pk for pk, _ in ranked[:limit]]
        if len(_visible_ids(visible, best)) == len(best):
            return ranked[:limit]
        shown = _visible_ids(visible, [pk for pk, _ in ranked])
        hits = [(pk, score) for pk, score in ranked if pk in shown]
        if len(hits) >= limit or len(ids) < candidates:
            return hits[:limit]
        # Too few of them visible (a queryset narrower than the scope): the exact path.
    sub_sql, sub_params = visible.order_by().values("pk").query.sql_with_params()
    condition = (f"c.use_case_id IN ({sub_sql})", list(sub_params))
    ids = _candidate_ids(code, candidates, condition=condition)
    return _rescored(_vectors_of(ids), q, limit)


def _visible_ids(visible: QuerySet[Any], ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(visible.filter(pk__in=ids).order_by().values_list("pk", flat=True))


def _rescored(rows: list[tuple[int, Any]], query: Any, limit: int) -> list[tuple[int, float]]:
    """Exact cosine of the candidates' float vectors, best ``limit`` first."""
    if not rows:
        return []
    ids_arr = np.array([r[0] for r in rows], dtype=np.int64)
    matrix = np.vstack([np.frombuffer(bytes(r[1]), dtype=np.float32) for r in rows])
    return vectors.rescore(ids_arr, matrix, query, limit)


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
