"""Writes of the search app: keep the text document (and the SQLite FTS row) in step with a use case,
and compute its embedding. Called by the registry's save/delete receivers (``receivers.py``) and by the
background task; the registry itself knows nothing of search."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from atlasia.core.search import vectors
from atlasia.registry.models import UseCase

from . import embeddings, fulltext
from .models import UseCaseDocument, UseCaseEmbedding

logger = logging.getLogger(__name__)


def document_fields(use_case: UseCase) -> tuple[str, str, str]:
    """Title (weight A), summary (B) and the rest (C): problem, benefits, keywords, theme, technique,
    population."""
    rest = [
        use_case.problem,
        use_case.expected_benefits,
        " ".join(str(t) for t in use_case.tags or []),
        use_case.theme.label_fr if use_case.theme_id else "",
        use_case.ai_technique.label_fr if use_case.ai_technique_id else "",
        use_case.target_population,
    ]
    return use_case.title, use_case.summary, "\n".join(p for p in rest if p)


def document_sync(use_case: UseCase) -> bool:
    """Write the search document of ``use_case``; True when the embedded text changed (or is new)."""
    title, summary, body = document_fields(use_case)
    new_hash = embeddings.text_hash(embeddings.usecase_text(use_case))
    old_hash = UseCaseDocument.objects.filter(pk=use_case.pk).values_list("text_hash", flat=True).first()
    UseCaseDocument.objects.update_or_create(
        use_case_id=use_case.pk,
        defaults={"title": title, "summary": summary, "body": body, "text_hash": new_hash},
    )
    if connection.vendor == "sqlite":
        fulltext.sync_sqlite_row(use_case.pk, title, summary, body)
    return old_hash != new_hash


def documents_sync_many(use_case_ids: list[int], *, use_cases: list[UseCase] | None = None) -> list[int]:
    """:func:`document_sync` for many use cases in a few statements (bulk imports); returns the ids
    whose embedded text changed (or is new). ``use_cases``: the saved instances, when the caller has
    them (not read again)."""
    if use_cases is None:
        use_cases = list(UseCase.objects.filter(pk__in=use_case_ids).select_related("theme", "ai_technique"))
    old = dict(UseCaseDocument.objects.filter(pk__in=use_case_ids).values_list("pk", "text_hash"))
    now = timezone.now()
    created: list[UseCaseDocument] = []
    updated: list[UseCaseDocument] = []
    changed: list[int] = []
    for use_case in use_cases:
        title, summary, body = document_fields(use_case)
        digest = embeddings.text_hash(embeddings.usecase_text(use_case))
        document = UseCaseDocument(
            use_case_id=use_case.pk, title=title, summary=summary, body=body, text_hash=digest, updated_at=now
        )
        (updated if use_case.pk in old else created).append(document)
        if old.get(use_case.pk) != digest:
            changed.append(use_case.pk)
    UseCaseDocument.objects.bulk_create(created, batch_size=500)
    UseCaseDocument.objects.bulk_update(
        updated, ["title", "summary", "body", "text_hash", "updated_at"], batch_size=500
    )
    if connection.vendor == "sqlite":
        fulltext.sync_sqlite_rows([(d.use_case_id, d.title, d.summary, d.body) for d in created + updated])
    return changed


def document_remove(use_case_id: int) -> None:
    # The document row goes with the use case (cascade); the FTS5 table has no foreign key.
    if connection.vendor == "sqlite":
        fulltext.delete_sqlite_row(use_case_id)


def embedding_schedule(use_case_ids: int | list[int]) -> None:
    """Enqueue the embedding of one or several use cases: one task, embedded in batches."""
    from .tasks import embed_usecases

    ids = [use_case_ids] if isinstance(use_case_ids, int) else list(dict.fromkeys(use_case_ids))
    if ids:
        embed_usecases.enqueue(ids)


class _PendingEmbeddings:
    """Use cases saved in the current transaction, embedded by one task once it commits."""

    def __init__(self, ids: list[int], savepoints: set[str]) -> None:
        self.ids = ids
        self.savepoints = savepoints
        self.done = False

    def flush(self) -> None:
        self.done = True
        ids, self.ids = self.ids, []
        embedding_schedule(ids)


def embedding_schedule_on_commit(use_case_id: int | list[int]) -> None:
    """Schedule the embedding of ``use_case_id`` when the transaction commits. Every record saved in
    the same transaction (an import, a bulk edit) ends in the same task, which embeds in batches.

    Each save registers a fresh callback holding the ids gathered so far and empties the previous
    one, so only the last callback does the work. Ids are carried over only at the same savepoint
    level: a savepoint rollback discards the callbacks registered inside it, ids included.
    """
    new_ids = [use_case_id] if isinstance(use_case_id, int) else list(use_case_id)
    conn = transaction.get_connection()
    if not conn.in_atomic_block:  # autocommit: the write is already committed
        embedding_schedule(new_ids)
        return
    savepoints = set(conn.savepoint_ids)
    previous: _PendingEmbeddings | None = getattr(conn, "_search_pending_embeddings", None)
    ids: list[int] = []
    if previous is not None and not previous.done and previous.savepoints == savepoints:
        ids, previous.ids = previous.ids, []
    pending = _PendingEmbeddings([*ids, *new_ids], savepoints)
    conn._search_pending_embeddings = pending  # type: ignore[attr-defined]
    transaction.on_commit(pending.flush)


def embedding_compute(*, use_case_id: int, force: bool = False) -> str:
    """Compute and store the embedding of one use case, unless its text is unchanged."""
    use_case = UseCase.objects.filter(pk=use_case_id).first()
    if use_case is None:
        return "absent"
    text = embeddings.usecase_text(use_case)
    digest = embeddings.text_hash(text)
    current = UseCaseEmbedding.objects.filter(
        use_case_id=use_case_id, model_name=embeddings.MODEL_NAME
    ).first()
    if current is not None and current.text_hash == digest and not force:
        return "unchanged"
    vector = embeddings.embed_passages([text])[0]
    _store(use_case_id, vector, digest)
    return "computed"


def _store(use_case_id: int, vector: Any, digest: str) -> None:
    UseCaseEmbedding.objects.update_or_create(
        use_case_id=use_case_id,
        model_name=embeddings.MODEL_NAME,
        defaults={"dim": embeddings.DIM, "vector": vectors.to_bytes(vector), "text_hash": digest},
    )


Progress = Callable[[int, int, float], None]  # (done, total, seconds elapsed)


def embeddings_compute_missing(
    *,
    batch_size: int = 32,
    use_case_ids: Iterable[int] | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> int:
    """Embed every use case whose embedding is missing or stale (every one with ``force``), in
    batches of ``batch_size`` texts (one model call each). Returns how many were embedded."""
    stored = dict(
        UseCaseEmbedding.objects.filter(model_name=embeddings.MODEL_NAME).values_list(
            "use_case_id", "text_hash"
        )
    )
    qs = UseCase.objects.order_by("pk")
    if use_case_ids is not None:
        qs = qs.filter(pk__in=list(use_case_ids))
    todo: list[tuple[int, str, str]] = []
    for use_case in qs.only("pk", "title", "summary", "problem", "expected_benefits", "tags").iterator():
        text = embeddings.usecase_text(use_case)
        digest = embeddings.text_hash(text)
        if force or stored.get(use_case.pk) != digest:
            todo.append((use_case.pk, text, digest))
    started = time.perf_counter()
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        matrix = embeddings.embed_passages([t for _, t, _ in batch])
        with transaction.atomic():
            for (pk, _, digest), vector in zip(batch, matrix, strict=True):
                _store(pk, vector, digest)
        if progress is not None:
            progress(start + len(batch), len(todo), time.perf_counter() - started)
    return len(todo)


def documents_rebuild() -> int:
    """Rewrite every search document (after a bulk import that bypassed the save receivers)."""
    n = 0
    with transaction.atomic():
        for use_case in UseCase.objects.select_related("theme", "ai_technique").iterator():
            document_sync(use_case)
            n += 1
    return n
