"""Generate the demo prediction files (seeded, synthetic): ``python data/demo/make_predictions.py``.

A fictitious triage / fraud-detection style model: ``y_true`` (case to review), ``y_score`` (model
probability), ``y_pred`` (score ≥ 0.5), with ``sex``, ``age_band``, ``region`` and a ``date`` over six
months. The model is built to be slightly unfair (worse recall for the 75+ band and overseas regions)
and to drift in the last months, so that the demo report has something to say.

* ``predictions_demo.csv``: 5,000 rows, January to June 2025;
* ``predictions_reference.csv``: 3,000 rows, July to December 2024, slightly different population.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEXES = ["F", "M"]
AGE_BANDS = ["18-29", "30-44", "45-59", "60-74", "75+"]
REGIONS = ["Île-de-France", "Hauts-de-France", "Occitanie", "Bretagne", "Guadeloupe"]


def generate(n: int, seed: int, start: dt.date, shift: float) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    sex = rng.choice(SEXES, n, p=[0.52, 0.48])
    age_p = np.array([0.16, 0.26, 0.25, 0.2, 0.13]) + shift * np.array([-0.03, -0.02, 0, 0.02, 0.03])
    age = rng.choice(AGE_BANDS, n, p=age_p / age_p.sum())
    region = rng.choice(REGIONS, n, p=[0.34, 0.22, 0.22, 0.17, 0.05])
    days = rng.integers(0, 181, n)
    date = np.array([start + dt.timedelta(days=int(d)) for d in days])
    month = (days // 30.5).astype(int)
    latent = rng.normal(0, 1, n) + 0.3 * (age == "75+") - 0.2 * (sex == "F")
    prevalence_logit = -1.1 + 0.9 * latent
    y_true = (rng.random(n) < 1 / (1 + np.exp(-prevalence_logit))).astype(int)
    # the model sees a noisy latent; noisier for 75+ and overseas (less training data) → lower recall
    noise_sd = 0.6 + 0.5 * (age == "75+") + 0.6 * (region == "Guadeloupe")
    seen = latent + rng.normal(0, noise_sd) - 0.35 * (age == "75+")
    drift = 0.45 * np.clip(month - 3, 0, None) if shift == 0 else 0.0  # scores creep up from April
    logit = -1.0 + 1.1 * seen + drift + shift * 0.3
    score = np.round(1 / (1 + np.exp(-logit)), 4)
    y_pred = (score >= 0.5).astype(int)
    order = np.argsort(date, kind="stable")
    return [
        {
            "id": f"D{seed % 100:02d}-{i:05d}",
            "date": date[k].isoformat(),
            "sex": sex[k],
            "age_band": age[k],
            "region": region[k],
            "y_true": int(y_true[k]),
            "y_score": f"{score[k]:.4f}",
            "y_pred": int(y_pred[k]),
        }
        for i, k in enumerate(order)
    ]


def write(rows: list[dict[str, object]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def main() -> None:
    write(generate(5000, 2025, dt.date(2025, 1, 1), 0.0), HERE / "predictions_demo.csv")
    write(generate(3000, 2024, dt.date(2024, 7, 1), 0.4), HERE / "predictions_reference.csv")


if __name__ == "__main__":
    main()
