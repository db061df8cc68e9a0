"""Demonstration evaluations: two versions on the Cnaf data-mining record, so that the result page and
the comparison page have content right after ``make demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from atlasia.registry.models import UseCase

from . import services
from .models import EvaluationRun, MonitoringSeries

DEMO_SLUG = "cnaf-datamining-donnees-entrantes"


def load_evaluation_demo(data_dir: Path | None = None) -> list[EvaluationRun]:
    """Evaluate ``data/demo/predictions_demo.csv`` (with its reference) twice, with different settings.

    Idempotent: nothing is added when the use case already has evaluations, or is absent.
    """
    data_dir = data_dir or Path(settings.ATLASIA_DATA_DIR)
    use_case = UseCase.objects.filter(catalogue_slug=DEMO_SLUG).select_related("organisation").first()
    if use_case is None or EvaluationRun.objects.filter(use_case=use_case).exists():
        return []
    predictions = str(data_dir / "demo" / "predictions_demo.csv")
    reference = str(data_dir / "demo" / "predictions_reference.csv")
    common: dict[str, Any] = {
        "target": "y_true",
        "score": "y_score",
        "groups": ["sex", "age_band", "region"],
        "date": "date",
    }
    v1 = services.build_parameters(pred="y_pred", n_resamples=300, seed=0, level=0.95, **common)
    # v2: decisions recomputed from the score at a stricter threshold, 90 % intervals, another seed.
    v2 = services.build_parameters(pred=None, threshold=0.6, n_resamples=500, seed=42, level=0.9, **common)
    return [
        services.evaluationrun_record(
            actor=None, use_case=use_case, path=predictions, reference_path=reference, parameters=params
        )
        for params in (v1, v2)
    ]


MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre")


def load_monitoring_demo(data_dir: Path | None = None) -> MonitoringSeries | None:
    """A monitoring series on the same record: ``predictions_reference.csv`` (second half of 2024) as the
    reference, then the six months of ``predictions_demo.csv`` (January–June 2025) as six batches, with
    the thresholds an organisation could set (AUC drop 0.08, recall gap between sexes 0.25, PSI 0.20).
    The June batch's scores drift (PSI ≈ 0.24): one drift alert, waiting in the referents' inbox.

    Idempotent: nothing is added when the use case already has a series, or is absent.
    """
    import io
    from datetime import datetime

    import polars as pl
    from django.utils import timezone

    from atlasia.accounts.models import User
    from atlasia.core.evaluation.monitoring import Thresholds

    from . import monitoring
    from .models import BatchSource, MonitoringBatch

    data_dir = data_dir or Path(settings.ATLASIA_DATA_DIR)
    use_case = UseCase.objects.filter(catalogue_slug=DEMO_SLUG).select_related("organisation").first()
    actor = User.objects.filter(is_platform_admin=True, is_active=True).order_by("pk").first()
    if use_case is None or actor is None or MonitoringSeries.objects.filter(use_case=use_case).exists():
        return None

    def as_upload(df: pl.DataFrame, name: str) -> services.Upload:
        buf = io.BytesIO()
        df.write_csv(buf)
        return services.Upload(name, buf.tell(), buf)

    reference = pl.read_csv(data_dir / "demo" / "predictions_reference.csv")
    series = monitoring.series_create(
        actor=actor,
        use_case=use_case,
        reference=as_upload(reference, "predictions_reference.csv"),
        target="y_true",
        pred="y_pred",
        score="y_score",
        groups=["sex"],
        thresholds=Thresholds(max_performance_drop=0.08, max_recall_gap=0.25, max_psi=0.20),
    )
    # the reference was set when the model went into service, before the first monthly batch
    MonitoringSeries.objects.filter(pk=series.pk).update(
        created_at=timezone.make_aware(datetime(2025, 1, 6, 9, 0))
    )
    series.refresh_from_db()
    current = pl.read_csv(data_dir / "demo" / "predictions_demo.csv")
    months = sorted(current.get_column("date").str.slice(0, 7).unique().to_list())
    for ym in months:
        part = current.filter(pl.col("date").str.starts_with(ym))
        year, month = (int(x) for x in ym.split("-"))
        batch = monitoring.batch_add(
            actor=actor,
            series=series,
            upload=as_upload(part, f"predictions_{ym}.csv"),
            label=f"{MONTHS_FR[month - 1]} {year}",
            source=BatchSource.DEMO,
        )
        # received at the start of the following month, as a monthly export would be
        received = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 3, 9, 0))
        MonitoringBatch.objects.filter(pk=batch.pk).update(created_at=received)
    return series
