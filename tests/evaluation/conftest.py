"""Fixtures of the evaluation tests: small prediction files, a private upload directory, helpers to
upload and map a file through the screens."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.urls import reverse

HEADER = "id,date,sex,age_band,y_true,y_score,y_pred"


def predictions_csv(n: int = 240, seed: int = 3) -> str:
    """A small, deterministic predictions table: sex × age band, with a small "75+" group."""
    rng = np.random.default_rng(seed)
    rows = [HEADER]
    for i in range(n):
        sex = "F" if i % 2 else "M"
        age = "75+" if i % 20 == 0 else ("18-44" if i % 3 else "45-74")
        y = int(rng.random() < (0.35 if sex == "F" else 0.25))
        score = min(0.99, max(0.01, 0.3 * y + 0.55 * rng.random() + (0.05 if sex == "M" else 0.0)))
        pred = int(score >= 0.5)
        month = 1 + (i * 3) // n
        rows.append(f"D{i:04d},2025-{month:02d}-15,{sex},{age},{y},{score:.4f},{pred}")
    return "\n".join(rows) + "\n"


@pytest.fixture(autouse=True)
def private_uploads(settings: Any, tmp_path: Path) -> Path:
    settings.ATLASIA_EVALUATION_UPLOAD_DIR = tmp_path / "uploads"
    return Path(settings.ATLASIA_EVALUATION_UPLOAD_DIR)


def as_upload(text: str | bytes, name: str = "predictions.csv") -> io.BytesIO:
    f = io.BytesIO(text.encode("utf-8") if isinstance(text, str) else text)
    f.name = name
    return f


MAPPING = {
    "target": "y_true",
    "pred": "y_pred",
    "score": "y_score",
    "groups": ["sex", "age_band"],
    "date": "date",
    "threshold": "0.5",
    "n_resamples": "40",
    "seed": "0",
    "level": "0.95",
    "min_group_size": "30",
}


def upload(client: Any, use_case: Any, text: str | bytes, name: str = "predictions.csv", **extra: Any) -> Any:
    data = {"predictions": as_upload(text, name), **extra}
    return client.post(reverse("evaluation_upload", args=[use_case.pk]), data)


def run_through(client: Any, use_case: Any, capture: Any, text: str | None = None, **mapping: Any) -> Any:
    """Upload → mapping → run (the immediate backend runs the job when the transaction commits)."""
    from atlasia.evaluation.models import EvaluationRun

    response = upload(client, use_case, text or predictions_csv())
    assert response.status_code == 302, response.content.decode()[:3000]
    run = EvaluationRun.objects.latest("id")
    with capture(execute=True):
        response = client.post(reverse("evaluation_mapping", args=[run.pk]), {**MAPPING, **mapping})
    run.refresh_from_db()
    return run, response
