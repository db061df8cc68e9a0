"""Background jobs of search (django_tasks: database backend in production, immediate in tests)."""

from __future__ import annotations

from django_tasks import task


@task()
def embed_usecases(use_case_ids: list[int]) -> int:
    """Embed the use cases whose text changed since their stored vector, in batches (one task per
    committed transaction, whatever the number of records saved in it). Returns how many."""
    from .services import embeddings_compute_missing

    return embeddings_compute_missing(use_case_ids=use_case_ids)


@task()
def embed_usecase(use_case_id: int) -> str:
    """Embed one use case if its text changed (kept for the jobs queued before ``embed_usecases``)."""
    from .services import embedding_compute

    return embedding_compute(use_case_id=use_case_id)


@task()
def reembed_all(job_id: int) -> str:
    """Embed every record whose vector is missing or stale (after a model change), with progress."""
    from .services import reembedding_run

    return reembedding_run(job_id).status
