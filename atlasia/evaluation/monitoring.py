"""Writes of post-market monitoring: a series per use case, batches evaluated against its reference,
alerts (inbox, e-mail to the organisation's AI referents) and their review.

Every write checks the permission (``EVALUATION_RUN`` on the use case's organisation), validates, and
writes its audit row in the same transaction. A batch that cannot be compared with the reference
(columns, group values, empty, one class) raises :class:`EvaluationInputError` before anything is
stored. The uploaded files are read from a private temporary directory, removed at once: only
aggregates are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import PurePath
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from atlasia.accounts import perms
from atlasia.accounts.models import User
from atlasia.audit.models import AuditAction
from atlasia.audit.services import audit_record
from atlasia.core.evaluation import monitoring as core
from atlasia.core.evaluation.io import EvaluationInputError
from atlasia.core.roles import Action
from atlasia.registry.models import UseCase

from . import files
from .models import BatchSource, MonitoringBatch, MonitoringSeries
from .services import Upload

logger = logging.getLogger(__name__)


def _check(actor: User, use_case: UseCase) -> None:
    if not perms.can(actor, Action.EVALUATION_RUN, use_case.organisation):
        raise PermissionDenied(gettext("Vous ne pouvez pas suivre le modèle de ce cas d'usage."))


@contextmanager
def _read(upload: Upload) -> Iterator[tuple[pl.DataFrame, str]]:
    """The upload as a frame (checked like any predictions file), its SHA-256; the copy is removed."""
    from atlasia.core.evaluation.io import read_table_with_notes

    files.check_predictions_file(upload.name, upload.size, upload.handle)
    run_dir = files.new_run_dir()
    try:
        stored = files.store(run_dir, "predictions", upload.name, upload.handle)
        df, _notes = read_table_with_notes(stored.path, max_bytes=files.max_evaluation_bytes())
        yield df, stored.sha256
    finally:
        files.remove(run_dir)


def _evaluate(series_like: dict[str, Any], df: pl.DataFrame) -> dict[str, Any]:
    from atlasia.core.evaluation import evaluate

    return evaluate(
        df,
        target=series_like["target"],
        pred=series_like["pred"] or None,
        score=series_like["score"] or None,
        groups=series_like["groups"],
        n_bootstrap=0,
        auc_intervals="none",
        intersections=False,
    )


def _thresholds(series: MonitoringSeries) -> core.Thresholds:
    return core.Thresholds(series.max_performance_drop, series.max_recall_gap, series.max_psi)


def _validate_thresholds(values: dict[str, float]) -> None:
    for name, v in values.items():
        if not 0.0 <= v <= 1.0:
            raise ValidationError({name: gettext("Le seuil doit être compris entre 0 et 1.")})


def series_create(
    *,
    actor: User,
    use_case: UseCase,
    reference: Upload,
    target: str,
    pred: str | None,
    score: str | None,
    groups: list[str],
    thresholds: core.Thresholds | None = None,
) -> MonitoringSeries:
    """Start the monitoring of a use case from a reference batch (nothing stored on bad input)."""
    _check(actor, use_case)
    if MonitoringSeries.objects.filter(use_case=use_case).exists():
        raise ValidationError(gettext("Ce cas d'usage a déjà un suivi après déploiement."))
    th = thresholds or core.Thresholds()
    _validate_thresholds(asdict(th))
    spec = {"target": target, "pred": pred or "", "score": score or "", "groups": list(groups)}
    with _read(reference) as (df, sha256):
        result = _evaluate(spec, df)  # raises EvaluationInputError on bad columns or values
        core.check_batch(df, reference_columns=df.columns, reference_groups={}, target=target)
        group_values = {g: sorted(df.get_column(g).cast(pl.String).unique().to_list()) for g in groups}
        prof = core.profile(df, [c for c in df.columns if c != target])
        summary = core.summarise(result, [])
        columns = list(df.columns)
    with transaction.atomic():
        series = MonitoringSeries(
            use_case=use_case,
            target=target,
            pred=pred or "",
            score=score or "",
            groups=list(groups),
            max_performance_drop=th.max_performance_drop,
            max_recall_gap=th.max_recall_gap,
            max_psi=th.max_psi,
            reference_name=PurePath(reference.name).name,
            reference_sha256=sha256,
            reference_columns=columns,
            reference_groups=group_values,
            reference_profile=prof,
            reference_summary=summary,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        series.full_clean()
        series.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=series,
            changes={"reference": series.reference_name, "sha256": sha256, "thresholds": asdict(th)},
            use_case_id=use_case.pk,
            organisation_id=use_case.organisation_id,
            message="Début du suivi après déploiement (lot de référence)",
        )
    return series


def series_set_thresholds(
    *, actor: User, series: MonitoringSeries, thresholds: core.Thresholds
) -> MonitoringSeries:
    _check(actor, series.use_case)
    values = asdict(thresholds)
    _validate_thresholds(values)
    with transaction.atomic():
        before = asdict(_thresholds(series))
        MonitoringSeries.objects.filter(pk=series.pk).update(**values)
        series.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=series,
            changes={"avant": before, "après": values},
            use_case_id=series.use_case_id,
            organisation_id=series.use_case.organisation_id,
            message="Seuils d'alerte du suivi modifiés",
        )
    return series


def batch_add(
    *,
    actor: User,
    series: MonitoringSeries,
    upload: Upload,
    label: str = "",
    source: str = BatchSource.UPLOAD,
) -> MonitoringBatch:
    """Evaluate a batch against the reference; store its figures and alerts; notify on an alert."""
    _check(actor, series.use_case)
    spec = {"target": series.target, "pred": series.pred, "score": series.score, "groups": series.groups}
    with _read(upload) as (df, sha256):
        df = _prepare_batch(series, df)
        result = _evaluate(spec, df)
        drift_rows = core.drift_from_profile(series.reference_profile, df)
        summary = core.summarise(result, drift_rows)
    del df
    raised = core.alerts(series.reference_summary, summary, _thresholds(series))
    return _store_batch(
        actor=actor,
        series=series,
        file_name=PurePath(upload.name).name,
        sha256=sha256,
        summary=summary,
        drift_rows=drift_rows,
        raised=raised,
        label=label,
        source=source,
    )


def _prepare_batch(series: MonitoringSeries, df: pl.DataFrame) -> pl.DataFrame:
    """Refuse a batch that cannot be compared with the reference; its text group columns come back as
    ``Enum`` of the reference's values (see :func:`core.prepare_batch`)."""
    return core.prepare_batch(
        df,
        reference_columns=series.reference_columns,
        reference_groups=series.reference_groups,
        target=series.target,
    )


def _store_batch(
    *,
    actor: User,
    series: MonitoringSeries,
    file_name: str,
    sha256: str,
    summary: dict[str, Any],
    drift_rows: list[dict[str, Any]],
    raised: list[dict[str, Any]],
    label: str,
    source: str,
) -> MonitoringBatch:
    """The batch's figures and alerts, numbered after the last one, with the audit row (one transaction);
    the referents are e-mailed after the commit when a threshold is crossed."""
    with transaction.atomic():
        MonitoringSeries.objects.select_for_update().filter(pk=series.pk).first()
        number = (series.batches.aggregate(m=Max("number"))["m"] or 0) + 1
        batch = MonitoringBatch(
            series=series,
            number=number,
            label=label[:120],
            file_name=file_name,
            sha256=sha256,
            n_rows=summary["n_rows"],
            source=source,
            summary=summary,
            drift=drift_rows,
            alerts=raised,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        batch.full_clean()
        batch.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=batch,
            changes={"lot": number, "lignes": batch.n_rows, "alertes": [a["kind"] for a in raised]},
            use_case_id=series.use_case_id,
            organisation_id=series.use_case.organisation_id,
            message=f"Lot de suivi n° {number} évalué" + (" : alerte" if raised else ""),
        )
        if raised:
            batch_id = batch.pk
            transaction.on_commit(lambda: notify_alert(batch_id))
    return batch


def referent_emails(use_case: UseCase) -> list[str]:
    from atlasia.accounts.models import User

    return list(
        User.objects.filter(
            memberships__organisation_id=use_case.organisation_id,
            memberships__role="referent",
            is_active=True,
        )
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )


def notify_alert(batch_id: int) -> None:
    """E-mail the organisation's AI referents about a batch's alerts (after the commit)."""
    batch = MonitoringBatch.objects.select_related("series__use_case").get(pk=batch_id)
    use_case = batch.series.use_case
    recipients = referent_emails(use_case)
    if not recipients:
        return
    base = str(getattr(settings, "ATLASIA_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")
    lines = [
        f"Le lot n° {batch.number}{f' ({batch.label})' if batch.label else ''} du suivi de "
        f"« {use_case.title} » dépasse un seuil d'alerte :",
        "",
        *(f"- {a['message']}" for a in batch.alerts),
        "",
        f"Voir le suivi : {base}{reverse('evaluation_monitoring', args=[use_case.pk])}",
        "Déclarer un incident : "
        f"{base}{reverse('monitoring_incident_create', args=[use_case.pk])}?lot={batch.pk}",
    ]
    send_mail(f"Atlas IA — alerte de suivi : {use_case.title}", "\n".join(lines), None, recipients)


def batch_review_alert(*, actor: User, batch: MonitoringBatch) -> MonitoringBatch:
    """Mark a batch's alert as examined: it leaves the "À faire" inbox."""
    _check(actor, batch.series.use_case)
    if not batch.alerts or batch.alert_reviewed_at is not None:
        raise ValidationError(gettext("Ce lot n'a pas d'alerte à examiner."))
    with transaction.atomic():
        now = timezone.now()
        MonitoringBatch.objects.filter(pk=batch.pk).update(
            alert_reviewed_at=now,
            alert_reviewed_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        batch.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=batch,
            changes={"alerte examinée le": now.isoformat()},
            use_case_id=batch.series.use_case_id,
            organisation_id=batch.series.use_case.organisation_id,
            message=f"Alerte du lot de suivi n° {batch.number} examinée",
        )
    return batch


def incident_prefill(batch: MonitoringBatch) -> dict[str, Any]:
    """Initial values of the incident form proposed from a batch's alerts (in the interface language)."""
    from django.utils.translation import gettext as _

    from .labels import alert_sentence

    reference = batch.series.reference_summary or {}
    sentences = [alert_sentence(a, batch.summary or {}, reference) for a in batch.alerts]
    name = _("lot n° %(n)s") % {"n": batch.number} + (f" ({batch.label})" if batch.label else "")
    return {
        "title": (_("Alerte du suivi : %(batch)s") % {"batch": name})[:200],
        "occurred_on": timezone.localdate(batch.created_at),
        "aware_on": timezone.localdate(batch.created_at),
        "description": "\n".join(
            [
                _(
                    "Alerte levée par le suivi après déploiement sur le lot n° %(n)s "
                    "(%(rows)s prédictions, fichier « %(file)s »)."
                )
                % {"n": batch.number, "rows": batch.n_rows, "file": batch.file_name},
                *sentences,
            ]
        ),
    }


__all__ = [
    "EvaluationInputError",
    "batch_add",
    "batch_review_alert",
    "incident_prefill",
    "notify_alert",
    "referent_emails",
    "series_create",
    "series_set_thresholds",
]
