"""Background jobs of search (django_tasks: database backend in production, immediate in tests)."""

from __future__ import annotations

from django_tasks import task


@task()
def embed_usecase(use_case_id: int) -> str:
    """Embed one use case if its text changed since the stored vector."""
    from .services import embedding_compute

    return embedding_compute(use_case_id=use_case_id)
