"""Background jobs (django_tasks: database backend with ``manage.py db_worker``, immediate in tests)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_evaluation(run_id: int) -> str:
    """Evaluate the predictions of an :class:`~atlasia.evaluation.models.EvaluationRun`."""
    from .services import evaluationrun_execute

    return evaluationrun_execute(run_id=run_id)


@task()
def purge_unmapped_uploads() -> dict[str, int]:
    """Delete the prediction files whose columns were not mapped within 24 h."""
    from .services import purge_unmapped_uploads as purge

    return purge()
