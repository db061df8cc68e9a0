"""Full-text search, one API over two engines.

- PostgreSQL: ``to_tsquery('french_unaccent', …)`` against the generated weighted ``search_vector``
  (GIN index), ranked by ``ts_rank`` (weights A=1.0 title, B=0.4 summary, C=0.2 the rest), excerpts by
  ``ts_headline`` computed only for the rows kept.
- SQLite: an FTS5 ``MATCH`` on the terms normalised by :mod:`atlasia.core.search.text`, ranked by
  ``bm25`` with column weights 10 / 4 / 1. FTS5's ``snippet()`` would show the stored *normalised*
  terms ("hopital fraud"), because Python's sqlite3 cannot register a custom FTS5 tokenizer; so the
  excerpt is cut and highlighted in Python from the original text, with the same normaliser the index
  uses, so exactly the matched words are marked.

Queries OR their words: a record holding more of them ranks higher (recall first; ranking does the
rest). Each hit also reports its *coverage*, the share of the query's content words it holds, counted on
the index itself (one ``@@ plainto_tsquery`` per word on PostgreSQL, the stored FTS5 terms on SQLite):
the hybrid fusion gives the full-text list a say only where it matched most of the question. Every
query is scoped by a queryset of visible records, passed down as a SQL subquery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from atlasia.core.search import text

from .scope import Scope, sees_everything
from .sql import fetch_with_settings

HEADLINE_OPTIONS = (
    f"StartSel={text.MARK_START}, StopSel={text.MARK_END}, MaxWords=32, MinWords=14, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
SQLITE_WEIGHTS = (10.0, 4.0, 1.0)


@dataclass(frozen=True)
class TextHit:
    use_case_id: int
    score: float
    marked_excerpt: str  # with text.MARK_START/MARK_END around matched words; "" if not asked
    coverage: float = 1.0  # share of the query's content words the record holds (0-1)


def _subquery(visible: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = visible.order_by().values("pk").query.sql_with_params()
    return sql, tuple(params)


def search(
    visible: QuerySet[Any],
    query: str,
    *,
    limit: int,
    excerpts: bool = True,
    prefix_last: bool = False,
    scope: Scope | None = None,
    verify: bool = True,
) -> list[TextHit]:
    """Records of ``visible`` matching ``query``, best first. ``scope`` (optional, PostgreSQL): a
    condition on the documents' copies of organisation and level holding every record of ``visible``
    (``atlasia.search.scope``): the candidate scans filter on the document row they read instead of
    joining ``visible``, and the hits kept are checked against ``visible`` (one small query); if one of
    them is not visible (a copy out of step), the search runs again with the join. ``verify=False``: the
    caller checks the hits against ``visible`` itself (``selectors._rank``: one query for both engines'
    lists) and must not show them before it has."""
    if connection.vendor == "postgresql":
        if sees_everything(visible):
            return _search_postgresql(query, limit=limit, excerpts=excerpts, condition=("TRUE", []))
        if scope is not None:
            hits = _search_postgresql(query, limit=limit, excerpts=excerpts, condition=scope.sql("d"))
            if not verify:
                return hits
            ids = [h.use_case_id for h in hits]
            if not ids or len(visible.filter(pk__in=ids).order_by().values_list("pk", flat=True)) == len(ids):
                return hits
        sub_sql, sub_params = _subquery(visible)
        condition = (f"d.use_case_id IN ({sub_sql})", list(sub_params))
        return _search_postgresql(query, limit=limit, excerpts=excerpts, condition=condition)
    return _search_sqlite(visible, query, limit=limit, excerpts=excerpts, prefix_last=prefix_last)


# Full-text ranking runs on a bounded candidate set: at national scale a query's words (ORed) can
# match half of 100,000 documents, and ``ts_rank`` on every match cost ~1 s. When more than
# ``RANK_CANDIDATES`` visible documents match, the candidates are, in this order, the documents whose
# *title* holds every query word, those holding every word anywhere, then other matches, up to
# ``RANK_CANDIDATES``; only they are ranked (at most three index scans reading at most that many rows
# in all). Under the bound (every record set but the largest), every match is ranked as before.
RANK_CANDIDATES = 1000


Condition = tuple[str, list[Any]]  # SQL on the document row ``d`` and its parameters


# A large table is read by a sequential scan that, by default, starts where another scan of the same table
# is (``synchronize_seqscans``): a query whose matches exceed the LIMIT then kept different rows from one
# run to the next (13 of 40 queries at 100,000 records). Off for these statements, every scan starts at the
# table's first page: the same query keeps the same rows.
SAME_ROWS_EVERY_TIME = ["SET LOCAL synchronize_seqscans = off"]


def _matching_ids(condition: Condition, tsquery: str, limit: int, skip: list[int]) -> list[int]:
    where, where_params = condition
    sql = f"""
        SELECT d.use_case_id FROM search_usecasedocument d
        WHERE d.search_vector @@ to_tsquery('french_unaccent', %s) AND {where}
          AND NOT (d.use_case_id = ANY(%s::bigint[]))
        LIMIT %s
    """  # noqa: S608 - the interpolated parts are our own SQL; values are parameters
    rows = fetch_with_settings(SAME_ROWS_EVERY_TIME, sql, (tsquery, *where_params, skip, limit))
    return [int(r[0]) for r in rows]


def _candidates_postgresql(condition: Condition, qwords: list[str], tsquery: str) -> list[int]:
    """The visible documents to rank (see ``RANK_CANDIDATES``): at most that many rows are read."""
    tiers = list(dict.fromkeys([" & ".join(f"{w}:A" for w in qwords), " & ".join(qwords), tsquery]))
    chosen: list[int] = []
    for tier in tiers:
        chosen += _matching_ids(condition, tier, RANK_CANDIDATES - len(chosen), chosen)
        if len(chosen) >= RANK_CANDIDATES:
            break
    return chosen


def _search_postgresql(query: str, *, limit: int, excerpts: bool, condition: Condition) -> list[TextHit]:
    tsquery = text.tsquery_text(query)
    if not tsquery:
        return []
    qwords = text.query_words(query)
    candidates = _candidates_postgresql(condition, qwords, tsquery)
    if not candidates:
        return []
    headline = "ts_headline('french_unaccent', h.summary || E'\\n' || h.body, q.q, %s)" if excerpts else "''"
    # Coverage: how many of the query's words the record holds, one cheap @@ per word on the kept rows.
    held = " + ".join(["(h.search_vector @@ plainto_tsquery('french_unaccent', %s))::int"] * len(qwords))
    sql = f"""
        WITH q AS (SELECT to_tsquery('french_unaccent', %s) AS q)
        SELECT h.use_case_id, h.score, {headline}, {held}
        FROM (
            SELECT d.use_case_id, d.summary, d.body, d.search_vector, ts_rank(d.search_vector, q.q) AS score
            FROM unnest(%s::bigint[]) AS c(id)
            JOIN search_usecasedocument d ON d.use_case_id = c.id, q
            ORDER BY score DESC, d.use_case_id
            LIMIT %s
        ) h, q
        ORDER BY h.score DESC, h.use_case_id
    """  # noqa: S608 - the interpolated parts are our own SQL; values are parameters
    params: tuple[Any, ...] = (tsquery,)
    if excerpts:
        params += (HEADLINE_OPTIONS,)
    params += (*qwords, candidates, limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    n = max(1, len(qwords))
    return [TextHit(int(pk), float(score), marked or "", held / n) for pk, score, marked, held in rows]


def _search_sqlite(
    visible: QuerySet[Any], query: str, *, limit: int, excerpts: bool, prefix_last: bool
) -> list[TextHit]:
    match = text.fts5_match(query, prefix_last=prefix_last)
    if not match:
        return []
    sub_sql, sub_params = _subquery(visible)
    w = ", ".join(str(x) for x in SQLITE_WEIGHTS)
    columns = ", d.title, d.summary, d.body" if excerpts else ""
    join = "JOIN search_usecasedocument d ON d.use_case_id = f.rowid" if excerpts else ""
    # The stored (normalised) terms come back too: coverage is counted on exactly what was indexed.
    sql = f"""
        SELECT f.rowid, -bm25(search_usecase_fts, {w}) AS score,
               f.title || ' ' || f.summary || ' ' || f.body{columns}
        FROM search_usecase_fts f {join}
        WHERE search_usecase_fts MATCH %s AND +f.rowid IN ({sub_sql})
        ORDER BY score DESC, f.rowid
        LIMIT %s
    """  # noqa: S608 - the interpolated parts are our own SQL; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, (match, *sub_params, limit))
        rows = cursor.fetchall()
    wanted = set(text.query_stems(query))
    hits = []
    for row in rows:
        marked = text.best_excerpt([row[4], row[5], row[3]], query) if excerpts else ""
        held = len(wanted & set(row[2].split())) / max(1, len(wanted))
        hits.append(TextHit(int(row[0]), float(row[1]), marked, held))
    return hits


def excerpts(use_cases: list[Any], query: str) -> dict[int, str]:
    """Marked excerpts for the records actually shown (not for every candidate): ``ts_headline`` on
    PostgreSQL (one query), the Python highlighter on SQLite (no query: the fields are loaded)."""
    if not use_cases:
        return {}
    if connection.vendor == "postgresql":
        tsquery = text.tsquery_text(query)
        if not tsquery:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.use_case_id, ts_headline('french_unaccent', d.summary || E'\\n' || d.body, "
                "to_tsquery('french_unaccent', %s), %s) FROM search_usecasedocument d "
                "WHERE d.use_case_id = ANY(%s) AND d.search_vector @@ to_tsquery('french_unaccent', %s)",
                [tsquery, HEADLINE_OPTIONS, [u.pk for u in use_cases], tsquery],
            )
            return {int(pk): marked for pk, marked in cursor.fetchall()}
    return {
        u.pk: text.best_excerpt([u.summary, u.problem, u.expected_benefits, u.title], query)
        for u in use_cases
    }


def sync_sqlite_row(use_case_id: int, title: str, summary: str, body: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_usecase_fts WHERE rowid = %s", [use_case_id])
        cursor.execute(
            "INSERT INTO search_usecase_fts (rowid, title, summary, body) VALUES (%s, %s, %s, %s)",
            [use_case_id, text.index_text(title), text.index_text(summary), text.index_text(body)],
        )


def sync_sqlite_rows(rows: list[tuple[int, str, str, str]]) -> None:
    """:func:`sync_sqlite_row` for many rows (bulk imports), in two statements."""
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM search_usecase_fts WHERE rowid = %s", [[r[0]] for r in rows])
        cursor.executemany(
            "INSERT INTO search_usecase_fts (rowid, title, summary, body) VALUES (%s, %s, %s, %s)",
            [[pk, text.index_text(t), text.index_text(s), text.index_text(b)] for pk, t, s, b in rows],
        )


def delete_sqlite_row(use_case_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_usecase_fts WHERE rowid = %s", [use_case_id])
