"""Background jobs (django_tasks; database backend in production, immediate backend in tests)."""

from __future__ import annotations

from django_tasks import task


@task()
def build_report(run_id: int) -> str:
    """Build the annual report of a :class:`ReportRun`, recording progress as it goes."""
    from .report import run_report

    return run_report(run_id)
