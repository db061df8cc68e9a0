"""Writes of the evaluation app: upload a predictions file, launch a run, execute it (background job).

Every write that a person causes goes through a service with keyword-only arguments, in a transaction
with its audit row. A rejected file never leaves a result behind: a run that fails carries the
engine's French message (and the column in cause) and no metrics.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from atlasia.accounts import perms
from atlasia.accounts.models import User
from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record
from atlasia.core.evaluation.io import EvaluationInputError
from atlasia.core.evaluation.messages import input_error
from atlasia.core.messages import Message, register
from atlasia.core.roles import Action
from atlasia.lifecycle import selectors as lifecycle_selectors
from atlasia.registry.models import UseCase

from . import files
from .enums import RunStatus
from .models import EvaluationRun

logger = logging.getLogger(__name__)

# The refusals a run stores (``error``, French, and ``error_message``, its code): shown in the reader's
# language whoever launched the run and whatever language the background job ran in.
MESSAGES = {
    "eval.upload_gone": "Le fichier déposé n'est plus disponible : déposez-le à nouveau.",
    "eval.unexpected": (
        "L'évaluation a échoué à cause d'une erreur inattendue ; l'équipe technique a été prévenue."
    ),
}
register(MESSAGES)

#: Minimum delay between two progress writes of a running job (the engine reports often).
PROGRESS_WRITE_INTERVAL = 0.5

#: An uploaded file whose columns are not mapped (evaluation not launched) within this delay is deleted.
UNMAPPED_FILE_TTL = timedelta(hours=24)


def unmapped_file_deadline(run: EvaluationRun) -> datetime:
    """When the uploaded file of a run not launched yet is deleted (shown on the pages)."""
    return run.created_at + UNMAPPED_FILE_TTL


@dataclass(frozen=True)
class Upload:
    """A file handed to the services (a Django ``UploadedFile`` fits: name, size and a binary handle)."""

    name: str
    size: int
    handle: IO[bytes]


def _check_can_run(actor: User, use_case: UseCase) -> None:
    if not perms.can(actor, Action.EVALUATION_RUN, use_case.organisation):
        raise PermissionDenied(gettext("Vous ne pouvez pas lancer d'évaluation pour ce cas d'usage."))


def check_experiment(use_case: UseCase, experiment_id: int | None) -> int | None:
    """``experiment_id`` must be an experiment of ``use_case``."""
    if experiment_id is None:
        return None
    if not lifecycle_selectors.experiment_belongs_to(use_case, experiment_id):
        raise ValidationError(
            {"experiment_id": gettext("Cette expérimentation n'appartient pas à ce cas d'usage.")}
        )
    return experiment_id


def evaluationrun_upload(
    *,
    actor: User,
    use_case: UseCase,
    predictions: Upload,
    reference: Upload | None = None,
    experiment_id: int | None = None,
) -> EvaluationRun:
    """Step 1: check and store the file(s) privately, read the header, create a draft run.

    Raises :class:`EvaluationInputError` (nothing stored) for an empty, too large, unknown or unreadable
    file, ``PermissionDenied`` when the actor may not run evaluations for this use case.
    """
    _check_can_run(actor, use_case)
    experiment_id = check_experiment(use_case, experiment_id)
    files.check_predictions_file(predictions.name, predictions.size, predictions.handle)
    if reference is not None:
        files.check_predictions_file(reference.name, reference.size, reference.handle)
    run_dir = files.new_run_dir()
    try:
        stored = files.store(run_dir, "predictions", predictions.name, predictions.handle)
        columns = files.read_header(stored.path, stored.name)
        ref = None
        if reference is not None:
            ref = files.store(run_dir, "reference", reference.name, reference.handle)
            files.read_header(ref.path, ref.name)
        with transaction.atomic():
            run = EvaluationRun(
                use_case=use_case,
                experiment_id=experiment_id,
                file_name=stored.name,
                file_size=stored.size,
                sha256=stored.sha256,
                reference_name=ref.name if ref else "",
                reference_sha256=ref.sha256 if ref else "",
                columns=columns,
                status=RunStatus.DRAFT,
                step="Fichier déposé : choisissez les colonnes",
                upload_dir=run_dir,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            run.full_clean()
            run.save()
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=run,
                changes={"file_name": run.file_name, "sha256": run.sha256, "reference": run.reference_name},
                use_case_id=use_case.pk,
                organisation_id=use_case.organisation_id,
                message="Dépôt d'un fichier de prédictions pour évaluation",
            )
    except BaseException:
        files.remove(run_dir)
        raise
    _schedule_purge(run)
    return run


def _schedule_purge(run: EvaluationRun) -> None:
    """Queue the deletion of the file for the moment its 24 h expire (backends that can defer a job;
    ``manage.py purge_evaluation_uploads``, run daily, covers the others)."""
    from .tasks import purge_unmapped_uploads

    if purge_unmapped_uploads.get_backend().supports_defer:
        when = unmapped_file_deadline(run) + timedelta(minutes=1)
        transaction.on_commit(lambda: purge_unmapped_uploads.using(run_after=when).enqueue())


def purge_unmapped_uploads(*, now: datetime | None = None) -> dict[str, int]:
    """Delete the prediction files not mapped within 24 h (background task and daily command).

    A draft (file uploaded, columns never submitted) older than 24 h is deleted with its file; a run
    refused at the mapping step keeps its refusal message but loses its file; a directory of the
    private storage that no run refers to any more (a crash between two steps) is removed once 24 h
    old. Each deletion is audited. Returns the counts.
    """
    now = now or timezone.now()
    limit = now - UNMAPPED_FILE_TTL
    out = {"drafts": 0, "refused": 0, "orphans": 0}
    stale = EvaluationRun.objects.filter(
        version__isnull=True, created_at__lt=limit, status__in=[RunStatus.DRAFT, RunStatus.FAILED]
    ).exclude(upload_dir="")
    for run in stale.select_related("use_case"):
        with transaction.atomic():
            audit_record(
                actor=None,
                action=AuditAction.DELETE if run.status == RunStatus.DRAFT else AuditAction.EVENT,
                obj=run,
                changes={"file_name": run.file_name, "sha256": run.sha256},
                use_case_id=run.use_case_id,
                organisation_id=run.use_case.organisation_id,
                message="Fichier de prédictions supprimé : colonnes non indiquées dans les 24 heures",
            )
            if run.status == RunStatus.DRAFT:
                run.delete()  # the file goes with it (post_delete receiver)
                out["drafts"] += 1
            else:
                EvaluationRun.objects.filter(pk=run.pk).update(upload_dir="")
                upload_dir = run.upload_dir
                transaction.on_commit(lambda d=upload_dir: files.remove(d))  # type: ignore[misc]
                out["refused"] += 1
    known = set(EvaluationRun.objects.exclude(upload_dir="").values_list("upload_dir", flat=True))
    out["orphans"] = files.remove_orphans(known, older_than=limit)
    return out


def _engine_kwargs(parameters: dict[str, Any]) -> dict[str, Any]:
    mapping = parameters["mapping"]
    boot = parameters["bootstrap"]
    return {
        "target": mapping["target"],
        "pred": mapping.get("pred") or None,
        "score": mapping.get("score") or None,
        "groups": list(mapping.get("groups") or []),
        "date": mapping.get("date") or None,
        "n_bootstrap": int(boot["n_resamples"]),
        "seed": boot.get("seed"),
        "level": float(boot["level"]),
        "threshold": float(parameters.get("threshold", 0.5)),
        "min_group_size": int(parameters.get("min_group_size", 30)),
    }


def build_parameters(
    *,
    target: str,
    pred: str | None,
    score: str | None,
    groups: list[str],
    date: str | None,
    n_resamples: int,
    seed: int | None,
    level: float,
    threshold: float = 0.5,
    min_group_size: int = 30,
) -> dict[str, Any]:
    return {
        "mapping": {
            "target": target,
            "pred": pred or None,
            "score": score or None,
            "groups": list(groups),
            "date": date or None,
        },
        "bootstrap": {"n_resamples": n_resamples, "seed": seed, "level": level},
        "threshold": threshold,
        "min_group_size": min_group_size,
    }


def validate_input(run: EvaluationRun, parameters: dict[str, Any]) -> None:
    """Read the file and check the mapped columns as the engine will (labels 0/1, scores in [0, 1],
    no missing values, dates…), so that bad input is reported on the form, not after a wait.

    Reading is the cheap part of an evaluation (the bootstrap is the costly one), hence done in the request.
    """
    from atlasia.core.evaluation.io import prepare_table, read_table_with_notes

    kwargs = _engine_kwargs(parameters)
    path = files.stored_path(run.upload_dir, "predictions")
    if path is None:
        raise input_error("eval.upload_gone")
    if not (kwargs["pred"] or kwargs["score"]):
        raise input_error("eval.pred_or_score")
    if len(set(kwargs["groups"])) != len(kwargs["groups"]):
        raise input_error("eval.group_twice")
    parquet = files.is_parquet(path.name)
    wanted = [
        c for c in (kwargs["target"], kwargs["pred"], kwargs["score"], kwargs["date"], *kwargs["groups"]) if c
    ]
    columns = list(dict.fromkeys(wanted)) if parquet and all(c in run.columns for c in wanted) else None
    other_roles = {kwargs["target"], kwargs["pred"], kwargs["score"], kwargs["date"]}
    df, _notes = read_table_with_notes(
        path,
        max_bytes=files.max_evaluation_bytes(),
        columns=columns,
        group_columns=[g for g in kwargs["groups"] if g not in other_roles],  # as the engine reads them
    )
    prepare_table(
        df,
        target=kwargs["target"],
        pred=kwargs["pred"],
        score=kwargs["score"],
        groups=kwargs["groups"],
        date=kwargs["date"],
        source_is_csv=not parquet,
    )
    ref_path = files.stored_path(run.upload_dir, "reference")
    if run.reference_name and ref_path is not None:
        read_table_with_notes(ref_path, max_bytes=files.max_evaluation_bytes())


def evaluationrun_launch(*, actor: User, run: EvaluationRun, parameters: dict[str, Any]) -> EvaluationRun:
    """Step 2: check the mapping against the file, give the run its version and queue the job.

    On bad input the run is stored as failed with the engine's message only (no metrics) and
    :class:`EvaluationInputError` is raised for the form; the file is kept so that the mapping can be
    corrected and submitted again.
    """
    from .tasks import run_evaluation

    _check_can_run(actor, run.use_case)
    if run.status not in {RunStatus.DRAFT, RunStatus.FAILED} or run.result is not None or run.version:
        raise ValidationError(gettext("Cette évaluation est déjà lancée."))
    try:
        validate_input(run, parameters)
    except EvaluationInputError as error:
        with transaction.atomic():
            EvaluationRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED,
                parameters=parameters,
                error=error.message,
                error_column=error.column or "",
                error_message=error_data(error),
                step="Fichier refusé",
                result=None,
                finished_at=timezone.now(),
            )
            run.refresh_from_db()
            audit_record(
                actor=actor,
                action=AuditAction.EVENT,
                obj=run,
                changes={"status": RunStatus.FAILED, "error": error.message},
                use_case_id=run.use_case_id,
                organisation_id=run.use_case.organisation_id,
                message="Évaluation refusée : fichier non conforme",
            )
        raise
    with transaction.atomic():
        # Lock the use case so that two launches at the same time cannot take the same version.
        UseCase.objects.select_for_update().filter(pk=run.use_case_id).first()
        latest = EvaluationRun.objects.filter(use_case_id=run.use_case_id).aggregate(v=Max("version"))["v"]
        run.version = (latest or 0) + 1
        run.parameters = parameters
        run.status = RunStatus.QUEUED
        run.progress = 0
        run.step = "En attente du traitement en arrière-plan"
        run.error = ""
        run.error_column = ""
        run.error_message = None
        run.finished_at = None
        run.full_clean()
        run.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=run,
            changes={"version": run.version, "parameters": parameters, "status": RunStatus.QUEUED},
            use_case_id=run.use_case_id,
            organisation_id=run.use_case.organisation_id,
            message=f"Lancement de l'évaluation v{run.version}",
        )
        run_id = run.pk
        transaction.on_commit(lambda: run_evaluation.enqueue(run_id))
    return run


class _ProgressWriter:
    """The engine's ``progress`` callback: writes at most every ``PROGRESS_WRITE_INTERVAL`` seconds."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = 0.0
        self.last_pct = -1

    def __call__(self, fraction: float, label: str) -> None:
        pct = max(1, min(99, round(100 * fraction)))
        now = time.monotonic()
        if pct == self.last_pct or now - self.last < PROGRESS_WRITE_INTERVAL:
            return
        self.last, self.last_pct = now, pct
        EvaluationRun.objects.filter(pk=self.run_id).update(progress=pct, step=label[:200])


def error_data(error: EvaluationInputError) -> dict[str, Any] | None:
    """The code and parameters of an engine's refusal (None: a message with its French text only)."""
    text = getattr(error, "text", None)
    return text.data() if isinstance(text, Message) else None


def _finish_failed(
    run: EvaluationRun, message: str, column: str = "", data: dict[str, Any] | None = None
) -> None:
    with transaction.atomic():
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=message,
            error_column=column,
            error_message=data,
            result=None,
            progress=100,
            step="Échec",
            finished_at=timezone.now(),
        )
        audit_record(
            actor=None,
            action=AuditAction.EVENT,
            obj=run,
            changes={"status": RunStatus.FAILED, "error": message},
            use_case_id=run.use_case_id,
            organisation_id=run.use_case.organisation_id,
            message=f"Échec de l'évaluation {run.label}",
        )


def evaluationrun_execute(*, run_id: int) -> str:
    """Run the engine on a queued run (called by the background job); returns the final status."""
    from atlasia.core.evaluation import evaluate_file

    run = EvaluationRun.objects.select_related("use_case").get(pk=run_id)
    if run.status != RunStatus.QUEUED:
        return str(run.status)  # already run (a job delivered twice must not run twice)
    EvaluationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=1, step="Démarrage")
    try:
        path = files.stored_path(run.upload_dir, "predictions")
        if path is None:
            raise input_error("eval.upload_gone")
        ref_path = files.stored_path(run.upload_dir, "reference") if run.reference_name else None
        result = evaluate_file(
            str(path),
            reference_path=str(ref_path) if ref_path else None,
            max_bytes=files.max_evaluation_bytes(),
            progress=_ProgressWriter(run.pk),
            **_engine_kwargs(run.parameters),
        )
    except EvaluationInputError as error:
        _finish_failed(run, error.message, error.column or "", error_data(error))
        files.remove(run.upload_dir)
        return RunStatus.FAILED
    except Exception:  # the page must say it failed rather than spin for ever
        logger.exception("evaluation run %s failed", run_id)
        unexpected = Message("eval.unexpected")
        _finish_failed(run, str(unexpected), data=unexpected.data())
        files.remove(run.upload_dir)
        return RunStatus.FAILED
    with transaction.atomic():
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            result=result,
            progress=100,
            step="Terminé",
            upload_dir="",
            finished_at=timezone.now(),
        )
        audit_record(
            actor=None,
            action=AuditAction.EVENT,
            obj=run,
            changes={"status": RunStatus.DONE, "n_rows": result.get("data", {}).get("n_rows")},
            use_case_id=run.use_case_id,
            organisation_id=run.use_case.organisation_id,
            message=f"Évaluation {run.label} terminée",
        )
    files.remove(run.upload_dir)
    return RunStatus.DONE


def evaluationrun_record(
    *,
    actor: User | None,
    use_case: UseCase,
    path: str,
    reference_path: str | None,
    parameters: dict[str, Any],
    experiment_id: int | None = None,
) -> EvaluationRun:
    """Evaluate a file synchronously and store the done run with the next version (demo, commands).

    The engine runs before anything is written, so bad input raises :class:`EvaluationInputError`
    and stores nothing.
    """
    import hashlib
    from pathlib import Path

    from atlasia.core.evaluation import evaluate_file

    experiment_id = check_experiment(use_case, experiment_id)
    result = evaluate_file(
        path,
        reference_path=reference_path,
        max_bytes=files.max_evaluation_bytes(),
        **_engine_kwargs(parameters),
    )

    def digest(p: str) -> str:
        return hashlib.sha256(Path(p).read_bytes()).hexdigest()

    with transaction.atomic():
        UseCase.objects.select_for_update().filter(pk=use_case.pk).first()
        latest = EvaluationRun.objects.filter(use_case=use_case).aggregate(v=Max("version"))["v"]
        run = EvaluationRun(
            use_case=use_case,
            experiment_id=experiment_id,
            version=(latest or 0) + 1,
            file_name=Path(path).name,
            file_size=Path(path).stat().st_size,
            sha256=digest(path),
            reference_name=Path(reference_path).name if reference_path else "",
            reference_sha256=digest(reference_path) if reference_path else "",
            parameters=parameters,
            status=RunStatus.DONE,
            progress=100,
            step="Terminé",
            result=result,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            finished_at=timezone.now(),
        )
        run.full_clean()
        run.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=run,
            changes={"version": run.version, "file_name": run.file_name, "parameters": parameters},
            use_case_id=use_case.pk,
            organisation_id=use_case.organisation_id,
            message=f"Évaluation {run.label} enregistrée",
        )
    return run
