"""Regression (forecast) metrics per cell: MAE, RMSE and bias = mean(pred − true).

Per-cell sums (count, Σe, Σ|e|, Σe²) come from ``np.bincount``; every grouping is a sum over cells.
The bootstrap uses multinomial row weights (exact row resampling), O(n) per resample.
"""

from __future__ import annotations

import numpy as np

__all__ = ["REGRESSION_METRICS", "regression_bootstrap", "regression_metrics", "regression_sums"]

REGRESSION_METRICS: tuple[str, ...] = ("count", "mae", "rmse", "bias")


def regression_sums(cell: np.ndarray, n_cells: int, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Array ``(n_cells, 4)``: count, Σ e, Σ |e|, Σ e² with e = pred − true."""
    e = y_pred - y_true
    out = np.empty((n_cells, 4))
    out[:, 0] = np.bincount(cell, minlength=n_cells)
    out[:, 1] = np.bincount(cell, weights=e, minlength=n_cells)
    out[:, 2] = np.bincount(cell, weights=np.abs(e), minlength=n_cells)
    out[:, 3] = np.bincount(cell, weights=e * e, minlength=n_cells)
    return out


def regression_metrics(sums: np.ndarray) -> dict[str, np.ndarray]:
    n = sums[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        safe = np.where(n > 0, n, np.nan)
        return {
            "count": n,
            "mae": sums[..., 2] / safe,
            "rmse": np.sqrt(sums[..., 3] / safe),
            "bias": sums[..., 1] / safe,
        }


def regression_bootstrap(
    cell: np.ndarray,
    n_cells: int,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    n_resamples: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Resampled per-cell sums, shape ``(n_resamples, n_cells, 4)``."""
    e = y_pred - y_true
    ae = np.abs(e)
    e2 = e * e
    n = e.size
    out = np.empty((n_resamples, n_cells, 4))
    for b in range(n_resamples):
        w = np.bincount(rng.integers(0, n, n), minlength=n).astype(np.float64)
        out[b, :, 0] = np.bincount(cell, weights=w, minlength=n_cells)
        out[b, :, 1] = np.bincount(cell, weights=w * e, minlength=n_cells)
        out[b, :, 2] = np.bincount(cell, weights=w * ae, minlength=n_cells)
        out[b, :, 3] = np.bincount(cell, weights=w * e2, minlength=n_cells)
    return out
