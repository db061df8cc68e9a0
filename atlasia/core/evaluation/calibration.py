"""Brier score, expected calibration error (ECE) and reliability curve, per cell then aggregated.

Bins are the ``n_bins`` uniform bins of scikit-learn's ``calibration_curve(strategy="uniform")``
(``np.searchsorted`` on the inner edges: a score equal to an inner edge falls in the lower bin).
Sums per (cell, bin) are computed once with ``np.bincount``; any grouping (marginal or intersection)
is a sum over cells, so calibration for every grouping costs nothing more.

ECE = Σ_b (n_b / n) · |mean(y)_b − mean(score)_b| over non-empty bins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CalibrationSums", "calibration_sums", "summarise"]

N_BINS = 10


@dataclass
class CalibrationSums:
    """Per cell and bin: count, Σ score, Σ y; per cell: Σ (score − y)²."""

    count: np.ndarray  # (cells, n_bins)
    sum_score: np.ndarray
    sum_true: np.ndarray
    sq_err: np.ndarray  # (cells,)

    def reduce(self, dims: tuple[int, ...], keep: tuple[int, ...]) -> CalibrationSums:
        """Aggregate over the cell axes not in ``keep`` (cells laid out as the product ``dims``)."""
        drop = tuple(i for i in range(len(dims)) if i not in keep)
        kdims = tuple(dims[i] for i in keep)
        nb = self.count.shape[-1]

        def red(a: np.ndarray, extra: tuple[int, ...]) -> np.ndarray:
            return (
                a.reshape(dims + extra).sum(axis=drop).reshape((int(np.prod(kdims, dtype=np.int64)), *extra))
            )

        return CalibrationSums(
            red(self.count, (nb,)),
            red(self.sum_score, (nb,)),
            red(self.sum_true, (nb,)),
            red(self.sq_err, ()),
        )

    def total(self) -> CalibrationSums:
        return CalibrationSums(
            self.count.sum(axis=0, keepdims=True),
            self.sum_score.sum(axis=0, keepdims=True),
            self.sum_true.sum(axis=0, keepdims=True),
            self.sq_err.sum(axis=0, keepdims=True),
        )


def bin_ids(score: np.ndarray, n_bins: int = N_BINS) -> np.ndarray:
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    return np.searchsorted(edges[1:-1], score).astype(np.int32)


def calibration_sums(
    cell: np.ndarray, n_cells: int, score: np.ndarray, y_true: np.ndarray, n_bins: int = N_BINS
) -> CalibrationSums:
    code = cell.astype(np.int64 if n_cells * n_bins >= 2**31 else np.int32) * n_bins + bin_ids(score, n_bins)
    size = n_cells * n_bins
    count = np.bincount(code, minlength=size).reshape(n_cells, n_bins)
    sum_score = np.bincount(code, weights=score, minlength=size).reshape(n_cells, n_bins)
    sum_true = np.bincount(code, weights=y_true, minlength=size).reshape(n_cells, n_bins)
    err = score - y_true
    sq = np.bincount(cell, weights=err * err, minlength=n_cells)
    return CalibrationSums(count, sum_score, sum_true, sq)


def summarise(
    cs: CalibrationSums, n_bins: int = N_BINS
) -> tuple[np.ndarray, np.ndarray, list[list[dict[str, float]]]]:
    """Brier, ECE (NaN for empty groups) and the reliability curve (non-empty bins) per group."""
    n = cs.count.sum(axis=1).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        brier = np.where(n > 0, cs.sq_err / n, np.nan)
        nb = cs.count.astype(np.float64)
        gap = np.abs(cs.sum_true - cs.sum_score)  # = n_b · |mean(y) − mean(score)|
        ece = np.where(n > 0, gap.sum(axis=1) / n, np.nan)
        frac = cs.sum_true / nb
        conf = cs.sum_score / nb
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    curves: list[list[dict[str, float]]] = []
    for g in range(cs.count.shape[0]):
        pts = []
        for b in np.flatnonzero(cs.count[g] > 0):
            pts.append(
                {
                    "bin_low": float(edges[b]),
                    "bin_high": float(edges[b + 1]),
                    "mean_score": float(conf[g, b]),
                    "fraction_positive": float(frac[g, b]),
                    "count": int(cs.count[g, b]),
                }
            )
        curves.append(pts)
    return brier, ece, curves
