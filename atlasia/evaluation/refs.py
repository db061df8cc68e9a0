"""Typed reads of evaluation runs for other domains (the compliance file cites runs as evidence and
prefills the Annex IV documentation from the latest result). Frozen records, no model leaves this app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .enums import RunStatus
from .models import EvaluationRun


@dataclass(frozen=True)
class RunRef:
    id: int
    use_case_id: int
    version: int | None
    label: str
    file_name: str
    finished_at: dt.datetime | None
    result: dict[str, Any] | None
    status: str = RunStatus.DONE
    created_at: dt.datetime | None = None


def _ref(run: EvaluationRun) -> RunRef:
    version = f"v{run.version}" if run.version else "brouillon"
    when = run.finished_at.strftime("%d/%m/%Y") if run.finished_at else ""
    label = f"Évaluation {version} — {run.file_name}" + (f" ({when})" if when else "")
    return RunRef(
        run.pk,
        run.use_case_id,
        run.version,
        label,
        run.file_name,
        run.finished_at,
        run.result,
        status=run.status,
        created_at=run.created_at,
    )


def finished_runs_of(use_case_id: int) -> list[RunRef]:
    """Finished runs of a use case, latest version first."""
    runs = EvaluationRun.objects.filter(use_case_id=use_case_id, status=RunStatus.DONE).order_by(
        "-version", "-finished_at", "-id"
    )
    return [_ref(run) for run in runs]


def finished_run(use_case_id: int, run_id: int) -> RunRef | None:
    """One finished run of that use case, or ``None`` (another use case's run is not found)."""
    run = EvaluationRun.objects.filter(use_case_id=use_case_id, status=RunStatus.DONE, pk=run_id).first()
    return _ref(run) if run else None


def runs_of(use_case_id: int) -> list[RunRef]:
    """Every run of a use case (drafts and failures included), in the order they were created."""
    return [_ref(run) for run in EvaluationRun.objects.filter(use_case_id=use_case_id).order_by("pk")]
