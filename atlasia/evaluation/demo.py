"""Demonstration evaluations: two versions on the Cnaf data-mining record, so that the result page and
the comparison page have content right after ``make demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from atlasia.registry.models import UseCase

from . import services
from .models import EvaluationRun

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
