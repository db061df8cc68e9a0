"""Background jobs of the exchange app (django_tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import_job(job_id: int) -> str:
    from .services import import_execute

    return import_execute(job_id=job_id)


@task()
def analyse_import_job(job_id: int) -> str:
    from .services import import_analyse

    return import_analyse(job_id=job_id)
