"""Writes of the search app: keep the text document (and the SQLite FTS row) in step with a use case,
and compute its embedding. Called by the registry's save/delete receivers (``receivers.py``) and by the
background task; the registry itself knows nothing of search."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from atlasia.accounts.models import User
from atlasia.core.search import vectors
from atlasia.registry.models import UseCase

from . import embeddings, fulltext, vectorsearch
from .models import EmbeddingJob, UseCaseDocument, UseCaseEmbedding, UseCaseNeighbour
from .scope import Scope

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


def _scope_of(use_case: UseCase) -> tuple[int | None, str]:
    return use_case.organisation_id, str(use_case.publication_level or "")


def document_sync(use_case: UseCase) -> bool:
    """Write the search document of ``use_case`` (and the copies of its organisation and publication
    level that the scans filter on, ``atlasia.search.scope``); True when the embedded text changed (or
    is new)."""
    title, summary, body = document_fields(use_case)
    new_hash = embeddings.text_hash(embeddings.usecase_text(use_case))
    old = (
        UseCaseDocument.objects.filter(pk=use_case.pk)
        .values_list("text_hash", "scope_organisation", "scope_level")
        .first()
    )
    organisation_id, level = _scope_of(use_case)
    UseCaseDocument.objects.update_or_create(
        use_case_id=use_case.pk,
        defaults={
            "title": title,
            "summary": summary,
            "body": body,
            "text_hash": new_hash,
            "scope_organisation": organisation_id,
            "scope_level": level,
        },
    )
    if old is None or tuple(old[1:]) != (organisation_id, level):
        UseCaseEmbedding.objects.filter(use_case_id=use_case.pk).update(
            scope_organisation=organisation_id, scope_level=level
        )
    if connection.vendor == "sqlite":
        fulltext.sync_sqlite_row(use_case.pk, title, summary, body)
    return old is None or old[0] != new_hash


def scopes_refresh(use_case_ids: list[int] | None = None) -> None:
    """Copy the organisation and publication level of ``use_case_ids`` (every record with ``None``)
    into their document and embedding rows, one statement per table (after a write that bypassed
    :func:`document_sync`; the embedding task after storing vectors)."""
    for model, key in ((UseCaseDocument, "pk"), (UseCaseEmbedding, "use_case_id")):
        source = UseCase.objects.filter(pk=OuterRef(key))
        qs = (
            model.objects.all()
            if use_case_ids is None
            else model.objects.filter(**{f"{key}__in": use_case_ids})
        )
        qs.update(
            scope_organisation=Subquery(source.values("organisation_id")[:1]),
            scope_level=Subquery(source.values("publication_level")[:1]),
        )


def documents_sync_many(use_case_ids: list[int], *, use_cases: list[UseCase] | None = None) -> list[int]:
    """:func:`document_sync` for many use cases in a few statements (bulk imports); returns the ids
    whose embedded text changed (or is new). ``use_cases``: the saved instances, when the caller has
    them (not read again)."""
    if use_cases is None:
        use_cases = list(UseCase.objects.filter(pk__in=use_case_ids).select_related("theme", "ai_technique"))
    old = {
        pk: (digest, (org, level))
        for pk, digest, org, level in UseCaseDocument.objects.filter(pk__in=use_case_ids).values_list(
            "pk", "text_hash", "scope_organisation", "scope_level"
        )
    }
    now = timezone.now()
    moved: list[int] = []
    created: list[UseCaseDocument] = []
    updated: list[UseCaseDocument] = []
    changed: list[int] = []
    for use_case in use_cases:
        title, summary, body = document_fields(use_case)
        digest = embeddings.text_hash(embeddings.usecase_text(use_case))
        organisation_id, level = _scope_of(use_case)
        document = UseCaseDocument(
            use_case_id=use_case.pk,
            title=title,
            summary=summary,
            body=body,
            text_hash=digest,
            updated_at=now,
            scope_organisation=organisation_id,
            scope_level=level,
        )
        (updated if use_case.pk in old else created).append(document)
        previous = old.get(use_case.pk)
        if previous is None or previous[0] != digest:
            changed.append(use_case.pk)
        if previous is not None and previous[1] != (organisation_id, level):
            moved.append(use_case.pk)
    UseCaseDocument.objects.bulk_create(created, batch_size=500)
    UseCaseDocument.objects.bulk_update(
        updated,
        ["title", "summary", "body", "text_hash", "updated_at", "scope_organisation", "scope_level"],
        batch_size=500,
    )
    if moved:  # published, unpublished or moved to another organisation: the embedding rows follow
        UseCaseEmbedding.objects.filter(use_case_id__in=moved).update(
            scope_organisation=Subquery(
                UseCase.objects.filter(pk=OuterRef("use_case_id")).values("organisation_id")[:1]
            ),
            scope_level=Subquery(
                UseCase.objects.filter(pk=OuterRef("use_case_id")).values("publication_level")[:1]
            ),
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
    _store(use_case_id, vector, digest, _scope_of(use_case))
    neighbours_refresh([use_case_id])
    return "computed"


def _store(use_case_id: int, vector: Any, digest: str, scope: tuple[int | None, str]) -> None:
    signature, scale, offset = vectorsearch.signature_rows(vector)[0]
    UseCaseEmbedding.objects.update_or_create(
        use_case_id=use_case_id,
        model_name=embeddings.MODEL_NAME,
        defaults={
            "dim": embeddings.DIM,
            "vector": vectors.to_bytes(vector),
            "signature": signature,
            "signature_scale": scale,
            "signature_offset": offset,
            "scope_organisation": scope[0],
            "scope_level": scope[1],
            "text_hash": digest,
        },
    )


# --- precomputed neighbours ---------------------------------------------------------------------------

NEIGHBOURS_PER_RECORD = 20  # stored per record; the page shows 5 of those the reader may see
NEIGHBOUR_MIN_SCORE = 0.80  # below every threshold the screens use (similar, duplicates)


def neighbours_refresh(use_case_ids: Iterable[int]) -> int:
    """Recompute the stored neighbours of ``use_case_ids`` (records of other organisations, cosine at
    least ``NEIGHBOUR_MIN_SCORE``, best ``NEIGHBOURS_PER_RECORD``) and put each record in the lists of
    its own neighbours (the relation is symmetric), trimming those lists to the same length.
    Returns the number of rows written."""
    ids = list(dict.fromkeys(use_case_ids))
    if not ids:
        return 0
    rows = UseCaseEmbedding.objects.filter(model_name=embeddings.MODEL_NAME, use_case_id__in=ids).values_list(
        "use_case_id", "use_case__organisation_id", "vector"
    )
    written = 0
    for use_case_id, organisation_id, raw in rows:
        vector = vectors.normalise_rows(np.frombuffer(bytes(raw), dtype=np.float32).reshape(1, -1))[0]
        others = UseCase.objects.exclude(organisation_id=organisation_id)
        scope = Scope(everything=True, except_organisation=organisation_id)
        found = [
            (pk, score)
            for pk, score in vectorsearch.nearest(others, vector, limit=NEIGHBOURS_PER_RECORD, scope=scope)
            if score >= NEIGHBOUR_MIN_SCORE
        ]
        with transaction.atomic():
            # Old scores of this record are stale in both directions (its text, so its vector, changed).
            UseCaseNeighbour.objects.filter(source_id=use_case_id).delete()
            UseCaseNeighbour.objects.filter(target_id=use_case_id).delete()
            pairs = [(use_case_id, pk, s) for pk, s in found] + [(pk, use_case_id, s) for pk, s in found]
            UseCaseNeighbour.objects.bulk_create(
                [UseCaseNeighbour(source_id=a, target_id=b, score=float(s)) for a, b, s in pairs],
                update_conflicts=True,
                unique_fields=["source", "target"],
                update_fields=["score"],
            )
            _neighbours_trim([pk for pk, _ in found])
        written += 2 * len(found)
    return written


def _neighbours_trim(source_ids: list[int]) -> None:
    """Keep the best ``NEIGHBOURS_PER_RECORD`` rows of each source (one statement, both databases)."""
    if not source_ids:
        return
    table = UseCaseNeighbour._meta.db_table
    marks = ", ".join(["%s"] * len(source_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""DELETE FROM {table} WHERE id IN (
                SELECT id FROM (
                    SELECT id, ROW_NUMBER() OVER (PARTITION BY source_id ORDER BY score DESC, target_id) AS rn
                    FROM {table} WHERE source_id IN ({marks})
                ) ranked WHERE rn > %s
            )""",  # noqa: S608 - our own table name; values are parameters
            [*source_ids, NEIGHBOURS_PER_RECORD],
        )


Progress = Callable[[int, int, float], None]  # (done, total, seconds elapsed)


Stale = tuple[int, str, str, tuple[int | None, str]]


def _stale(use_case_ids: Iterable[int] | None = None, *, force: bool = False) -> list[Stale]:
    """(pk, text, digest, scope) of the use cases whose stored embedding is missing or stale."""
    stored = dict(
        UseCaseEmbedding.objects.filter(model_name=embeddings.MODEL_NAME).values_list(
            "use_case_id", "text_hash"
        )
    )
    qs = UseCase.objects.order_by("pk")
    if use_case_ids is not None:
        qs = qs.filter(pk__in=list(use_case_ids))
    todo: list[Stale] = []
    fields = (
        "pk",
        "title",
        "summary",
        "problem",
        "expected_benefits",
        "tags",
        "organisation_id",
        "publication_level",
    )
    for use_case in qs.only(*fields).iterator():
        text = embeddings.usecase_text(use_case)
        digest = embeddings.text_hash(text)
        if force or stored.get(use_case.pk) != digest:
            todo.append((use_case.pk, text, digest, _scope_of(use_case)))
    return todo


def embeddings_compute_missing(
    *,
    batch_size: int = 32,
    use_case_ids: Iterable[int] | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> int:
    """Embed every use case whose embedding is missing or stale (every one with ``force``), in
    batches of ``batch_size`` texts (one model call each). Returns how many were embedded."""
    todo = _stale(use_case_ids, force=force)
    started = time.perf_counter()
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        matrix = embeddings.embed_passages([t for _, t, _, _ in batch])
        with transaction.atomic():
            for (pk, _, digest, scope), vector in zip(batch, matrix, strict=True):
                _store(pk, vector, digest, scope)
        neighbours_refresh([pk for pk, _, _, _ in batch])
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


# --- (re-)embedding job -------------------------------------------------------------------------------


def embeddings_stale_ids() -> list[int]:
    """Use cases whose embedding for the current model is missing or older than their text."""
    return [pk for pk, _, _, _ in _stale()]


def reembedding_start(*, actor: User) -> EmbeddingJob:
    """Queue the background embedding of every record whose vector is missing or stale for the current
    model (after a model change: all of them). Platform admins only; audited. One job at a time: an
    unfinished job is resumed rather than duplicated."""
    from atlasia.accounts import perms
    from atlasia.audit.models import AuditAction
    from atlasia.audit.services import audit_record

    from .tasks import reembed_all

    if not perms.is_platform_admin(actor):
        raise PermissionDenied(
            gettext("Seul un administrateur de la plateforme peut relancer le calcul des plongements.")
        )
    with transaction.atomic():
        job = (
            EmbeddingJob.objects.select_for_update()
            .filter(status__in=[EmbeddingJob.Status.QUEUED, EmbeddingJob.Status.RUNNING])
            .first()
        )
        if job is None:
            job = EmbeddingJob.objects.create(
                model_name=embeddings.MODEL_NAME, total=len(embeddings_stale_ids()), created_by=actor
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=job,
                changes={"model_name": [None, job.model_name], "total": [None, job.total]},
                message="Calcul des plongements lancé",
            )
        else:
            audit_record(
                actor=actor, action=AuditAction.EVENT, obj=job, message="Calcul des plongements repris"
            )
        job_id = job.pk
        transaction.on_commit(lambda: reembed_all.enqueue(job_id))
    return job


def reembedding_run(job_id: int, *, batch_size: int = 32) -> EmbeddingJob:
    """Body of the background job: embed what is still stale, saving the progress after each batch.
    Resumable: run again after an interruption, it embeds only what is left."""
    job = EmbeddingJob.objects.get(pk=job_id)
    if job.status == EmbeddingJob.Status.DONE:
        return job
    remaining = len(embeddings_stale_ids())
    job.total = max(job.total, job.done + remaining)
    job.done = job.total - remaining
    job.status = EmbeddingJob.Status.RUNNING
    job.save(update_fields=["total", "done", "status", "updated_at"])
    start_done = job.done

    def progress(done: int, total: int, elapsed: float) -> None:
        EmbeddingJob.objects.filter(pk=job_id).update(done=start_done + done)

    try:
        embeddings_compute_missing(batch_size=batch_size, progress=progress)
    except Exception as error:  # the job records why it stopped; the worker logs the traceback
        EmbeddingJob.objects.filter(pk=job_id).update(
            status=EmbeddingJob.Status.FAILED, error=str(error)[:2000]
        )
        raise
    # Vectors of an older model can no longer be compared with the current one's.
    UseCaseEmbedding.objects.exclude(model_name=embeddings.MODEL_NAME).delete()
    EmbeddingJob.objects.filter(pk=job_id).update(status=EmbeddingJob.Status.DONE, done=job.total)
    job.refresh_from_db()
    return job
