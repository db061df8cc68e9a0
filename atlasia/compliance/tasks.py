"""Background jobs of the compliance file (django_tasks; database backend in production, immediate
backend in tests): the ZIP of the whole file and the provider's generated documents."""

from __future__ import annotations

from django_tasks import task


@task()
def build_file_job(job_id: int) -> str:
    """Prepare the file of a :class:`~atlasia.compliance.models.FileJob`, recording progress as it goes."""
    from .files import run_file_job

    return run_file_job(job_id)
