"""The 1,152-bit signatures and the asymmetric estimate the candidate scan computes (issue 18): pure
NumPy, then the SQL of ``vectorsearch`` against the NumPy reference on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.db import connection

from atlasia.core.search import vectors
from atlasia.search import vectorsearch
from atlasia.search.models import SIGNATURE_BITS, UseCaseEmbedding


def test_the_projection_is_the_same_on_every_machine() -> None:
    """Stored signatures and the query's must use the same rotations: pinned values (a NumPy or LAPACK
    that changed them would make every stored signature wrong: sign them again, migration 0005)."""
    p = vectors.projection(384, 3, vectorsearch.ROTATION_SEED)
    assert p.shape == (SIGNATURE_BITS, 384)
    assert p[0, :3].tolist() == pytest.approx([0.028, 0.01941, -0.00909], abs=1e-5)
    assert p[800, :2].tolist() == pytest.approx([-0.020841, -0.029385], abs=1e-5)
    for block in range(3):
        rows = p[block * 384 : (block + 1) * 384]
        assert np.abs(rows @ rows.T - np.eye(384)).max() < 1e-5  # a rotation


def test_the_estimate_is_exact_for_the_record_itself_and_close_for_others() -> None:
    rng = np.random.default_rng(3)
    centre = rng.normal(0, 0.05, 384).astype(np.float32)
    matrix = vectors.normalise_rows(rng.normal(size=(200, 384)).astype(np.float32))
    rotation = vectorsearch.rotation()
    codes = vectors.signatures(matrix, centre, rotation)
    scale, offset = vectors.signature_factors(matrix, centre, rotation)
    # With the query in (almost) full precision, the estimate for a record's own vector is its
    # <v − c, v − c> + <v − c, c> = <v − c, v> exactly (the correction factor makes it so).
    own = vectors.estimate(
        codes[:1], scale[:1], offset[:1], vectors.query_code(matrix[0], centre, rotation, 16)
    )
    assert own[0] == pytest.approx(float((matrix[0] - centre) @ matrix[0]), abs=1e-3)
    # With 4 bits, the estimate ranks like the cosine (plus the same constant <c, q> for every record).
    query = vectors.normalise_rows((matrix[0] + 0.8 * matrix[1]).reshape(1, -1))[0]
    estimate = vectors.estimate(codes, scale, offset, vectors.query_code(query, centre, rotation))
    exact = matrix @ query - float(centre @ query)
    assert np.corrcoef(estimate, exact)[0, 1] > 0.8
    assert set(np.argsort(-estimate)[:2]) == {0, 1}


def test_query_bit_planes_rebuild_the_quantized_query() -> None:
    rng = np.random.default_rng(5)
    code = vectors.query_code(rng.normal(size=384), np.zeros(384), vectorsearch.rotation())
    u = sum((1 << k) * np.unpackbits(np.frombuffer(p, dtype=np.uint8)) for k, p in enumerate(code.planes))
    assert u.max() <= 15 and u.min() >= 0
    assert float((code.low + code.step * u).sum()) == pytest.approx(code.total, rel=1e-6)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL estimate runs on PostgreSQL")
def test_the_sql_estimate_is_the_numpy_one(
    world: dict[str, Any], make_usecase: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    from atlasia.search import services

    rng = np.random.default_rng(11)
    rows = []
    for i in range(12):
        use_case = make_usecase(world["org_a"], title=f"Fiche {i}")
        vector = vectors.normalise_rows(rng.normal(size=(1, 384)).astype(np.float32))[0]
        services._store(use_case.pk, vector, "test", (use_case.organisation_id, "public"))
        rows.append((use_case.pk, vector))
    query = vectors.normalise_rows(rng.normal(size=(1, 384)).astype(np.float32))[0]
    code = vectors.query_code(query, vectorsearch.centre(), vectorsearch.rotation())
    estimate, params = vectorsearch._estimate_sql(code)
    ids = [pk for pk, _ in rows]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.use_case_id, {estimate} FROM search_usecaseembedding p "  # noqa: S608
            "WHERE p.use_case_id = ANY(%s) ORDER BY p.use_case_id",
            [*params, ids],
        )
        from_sql = dict(cursor.fetchall())
    stored = UseCaseEmbedding.objects.filter(use_case_id__in=ids).order_by("use_case_id")
    codes = np.vstack([np.frombuffer(bytes(e.signature), dtype=np.uint8) for e in stored])
    reference = vectors.estimate(
        codes,
        np.array([e.signature_scale for e in stored], dtype=np.float32),
        np.array([e.signature_offset for e in stored], dtype=np.float32),
        code,
    )
    assert [from_sql[e.use_case_id] for e in stored] == pytest.approx(reference.tolist(), abs=1e-5)


def test_the_distance_quantile_keeps_about_the_rows_asked_ties_included() -> None:
    distances = np.array([9, 3, 7, 3, 5, 12, 3, 8], dtype=np.int64)
    assert vectors.distance_quantile(distances, 2.5) == 5  # 3, 3, 3, 5: at least three rows kept
    assert vectors.distance_quantile(distances, 0) == 3
    assert vectors.distance_quantile(distances, 8) is None  # not that many rows: no threshold


def test_the_scope_condition_in_numpy_is_the_sql_one() -> None:
    from atlasia.search.scope import Scope

    orgs = np.array([1, 2, 3, -1], dtype=np.int64)
    levels = np.array(["internal", "public", "network", "public"], dtype=object)
    assert Scope(everything=True).holds(orgs, levels).tolist() == [True] * 4
    member = Scope(organisation_ids=frozenset({1}), publication_levels=frozenset({"public", "network"}))
    assert member.holds(orgs, levels).tolist() == [True, True, True, True]
    assert Scope(organisation_ids=frozenset({3})).holds(orgs, levels).tolist() == [False, False, True, False]
    others = Scope(everything=True, except_organisation=2)
    assert others.holds(orgs, levels).tolist() == [True, False, True, False]  # NULL <> 2 is not true
    assert Scope().holds(orgs, levels).tolist() == [False] * 4


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the threshold is PostgreSQL's scan")
def test_the_hamming_threshold_finds_what_the_full_sort_finds(
    world: dict[str, Any], make_usecase: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the threshold (the rows under it estimated as they are read), without it (every row
    sorted by Hamming distance), and when it lets too few rows through (the scan runs again with the
    full sort): the exact nearest records, and the threshold query serves every query it can."""
    from django.test.utils import CaptureQueriesContext

    from atlasia.registry.models import UseCase
    from atlasia.search import services

    rng = np.random.default_rng(17)
    centres = vectors.normalise_rows(rng.normal(size=(4, 384)).astype(np.float32))
    stored = {}
    for i in range(60):
        use_case = make_usecase(world["org_a"] if i % 2 else world["org_b"], title=f"Fiche {i}")
        vector = centres[i % 4] + rng.normal(0, 0.05, 384).astype(np.float32)
        stored[use_case.pk] = vector / np.linalg.norm(vector)
        services._store(use_case.pk, stored[use_case.pk], "test", (use_case.organisation_id, "public"))
    monkeypatch.setattr(vectorsearch, "_sample", None)
    monkeypatch.setattr(vectorsearch, "preselect_count", lambda candidates: 12)
    # Near a stored record (its own vector moved a little): the nearest record is clear-cut.
    noise = rng.normal(0, 0.01, (6, 384)).astype(np.float32)
    queries = list(vectors.normalise_rows(np.vstack(list(stored.values())[::10]) + noise))
    ids = np.array(list(stored))
    matrix = np.vstack(list(stored.values()))
    exact = [[int(ids[i]) for i in np.argsort(-(matrix @ q))[:1]] for q in queries]

    def ranked(**settings: Any) -> tuple[list[list[int]], list[str]]:
        for name, value in settings.items():
            monkeypatch.setattr(vectorsearch, name, value)
        with CaptureQueriesContext(connection) as captured:
            found = [
                [pk for pk, _ in vectorsearch.nearest(UseCase.objects.all(), q, limit=1, candidates=6)]
                for q in queries
            ]
        return found, [q["sql"] for q in captured.captured_queries]

    full, sql = ranked(THRESHOLD_MIN_ROWS_PER_PRESELECTED=10**9)
    assert not any("OVER ()" in s for s in sql)
    assert full == exact
    with_threshold, sql = ranked(THRESHOLD_MIN_ROWS_PER_PRESELECTED=1, THRESHOLD_MARGIN=2.0)
    assert sum("OVER ()" in s for s in sql) == len(queries)  # the threshold served every query
    assert not any("LIMIT 12" in s for s in sql)  # and no query needed the full sort
    assert with_threshold == exact
    monkeypatch.setattr(vectorsearch, "hamming_threshold", lambda *args: 0)  # far too tight
    too_tight, sql = ranked()
    assert sum("OVER ()" in s for s in sql) == len(queries)
    assert sum("LIMIT 12" in s for s in sql) == len(queries)  # each ran again with the full sort
    assert too_tight == exact


@pytest.mark.django_db(transaction=True)  # autocommit, as a web request: no test transaction around
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the parallel scan is PostgreSQL's")
def test_the_worker_setting_goes_with_the_scan_and_ends_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """``SET LOCAL`` and the scan in one message (client-side binding) or in one transaction: either
    way the rows come back, and a statement sent afterwards has the server's setting again."""
    settings = "current_setting('max_parallel_workers_per_gather') || current_setting('parallel_setup_cost')"
    sql = f"SELECT {settings}, %s"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {settings}")
        server = cursor.fetchone()[0]
    monkeypatch.setattr(vectorsearch, "SCAN_WORKERS", 1)
    assert vectorsearch._fetch_with_workers(sql, ["x"]) == [("10", "x")]
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {"server_side_binding": True})
    assert vectorsearch._fetch_with_workers(sql, ["y"]) == [("10", "y")]
    monkeypatch.setattr(vectorsearch, "SCAN_WORKERS", None)
    assert vectorsearch._fetch_with_workers(sql, ["z"]) == [(server, "z")]


def _scanned_rows(table: str = "search_signature") -> dict[int, tuple[Any, ...]]:
    """What the scan reads of each row with a signature, by record: from the scan's own table, or from the
    embedding table it copies (``table="search_usecaseembedding"``)."""
    with connection.cursor() as cursor:
        columns = (
            "use_case_id, model_name, signature::text, signature_scale, signature_offset, scope_organisation"
        )
        cursor.execute(f"SELECT {columns}, scope_level FROM {table} WHERE signature IS NOT NULL")  # noqa: S608
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _signature_rows() -> dict[int, tuple[Any, ...]]:
    return _scanned_rows()


def _embedding_rows() -> dict[int, tuple[Any, ...]]:
    return _scanned_rows("search_usecaseembedding")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the signature table is PostgreSQL's scan")
def test_the_scans_signature_table_follows_every_write_to_the_embeddings(
    world: dict[str, Any], make_usecase: Callable[..., Any]
) -> None:
    """``search_signature`` (migration 0007) is what the candidate scan reads: whatever writes the
    embedding rows (a service, a queryset update, a delete, a TRUNCATE), it holds the same values."""
    from atlasia.search import services

    rng = np.random.default_rng(23)
    records = [make_usecase(world["org_a"], title=f"Fiche {i}") for i in range(4)]
    for use_case in records:
        vector = vectors.normalise_rows(rng.normal(size=(1, 384)).astype(np.float32))[0]
        services._store(use_case.pk, vector, "test", (use_case.organisation_id, "public"))
    assert len(_signature_rows()) == 4
    assert _signature_rows() == _embedding_rows()
    # A new vector for a record (update_or_create), a bulk update of the copies.
    services._store(
        records[0].pk, rng.normal(size=384).astype(np.float32), "v2", (world["org_b"].pk, "network")
    )
    UseCaseEmbedding.objects.filter(use_case=records[1]).update(scope_level="internal")
    assert _signature_rows()[records[1].pk][-1] == "internal"
    assert _signature_rows()[records[0].pk][-2:] == (world["org_b"].pk, "network")
    assert _signature_rows() == _embedding_rows()
    # A row without a signature is not scanned; a deleted record's row goes with it.
    UseCaseEmbedding.objects.filter(use_case=records[2]).update(signature=None)
    records[3].delete()
    assert set(_signature_rows()) == {records[0].pk, records[1].pk}
    assert _signature_rows() == _embedding_rows()
    with connection.cursor() as cursor:  # as a flush of the tests' database does
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # Django's deferred foreign keys, checked now
        cursor.execute("TRUNCATE search_usecaseembedding")
    assert _signature_rows() == {}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the signature table is PostgreSQL's scan")
def test_the_candidate_scan_reads_the_signature_table_not_the_vectors(
    world: dict[str, Any], make_usecase: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan's plan reads ``search_signature`` only; the float vectors are read for the candidates
    kept, in binary, and are the stored ones exactly."""
    from django.test.utils import CaptureQueriesContext

    from atlasia.registry.models import UseCase
    from atlasia.search import services

    rng = np.random.default_rng(29)
    stored = {}
    for i in range(8):
        use_case = make_usecase(world["org_a"], title=f"Fiche {i}")
        stored[use_case.pk] = vectors.normalise_rows(rng.normal(size=(1, 384)).astype(np.float32))[0]
        services._store(use_case.pk, stored[use_case.pk], "test", (use_case.organisation_id, "public"))
    query = stored[min(stored)]
    with CaptureQueriesContext(connection) as captured:
        found = vectorsearch.nearest(UseCase.objects.all(), query, limit=3)
    assert found[0][0] == min(stored) and found[0][1] == pytest.approx(1.0, abs=1e-6)
    scans = [q["sql"] for q in captured.captured_queries if "bit_count" in q["sql"]]
    assert scans and all("search_signature" in s and "search_usecaseembedding" not in s for s in scans)
    assert any("e.vector" in q["sql"] for q in captured.captured_queries)  # logged like any query
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + scans[-1].split(";")[-1])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_signature" in plan and "search_usecaseembedding" not in plan
    assert dict(vectorsearch._vectors_of(list(stored))).keys() == stored.keys()
    for pk, raw in vectorsearch._vectors_of(list(stored)):
        assert np.frombuffer(bytes(raw), dtype=np.float32).tolist() == stored[pk].tolist()
