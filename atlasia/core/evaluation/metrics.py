"""Count-based classification metrics and fairlearn-compatible disparities.

Everything is computed from confusion counts laid out on the last axis as ``[tn, fp, fn, tp]``
(index ``y_true * 2 + y_pred``). Leading axes are free: groups, bootstrap resamples, or both.

Conventions follow scikit-learn / fairlearn exactly, so that figures can be compared with theirs:

* a rate whose denominator is zero in a non-empty group is ``0.0`` (scikit-learn's ``zero_division``
  default and fairlearn's ``normalize="true"`` confusion matrix); :func:`undefined_mask` tells which
  values are such conventions rather than measurements;
* an empty group (possible for intersections) has ``NaN`` everywhere except its count, and is ignored
  by disparities, like fairlearn's ``MetricFrame`` (which reindexes on the full product and skips NaN).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "COUNT_METRICS",
    "METRIC_LABELS_FR",
    "confusion_counts",
    "count_metrics",
    "difference_between",
    "difference_to_overall",
    "disparities",
    "fairness_measures",
    "ratio_between",
    "ratio_to_overall",
    "undefined_mask",
]

TN, FP, FN, TP = 0, 1, 2, 3

COUNT_METRICS: tuple[str, ...] = (
    "count",
    "accuracy",
    "precision",
    "recall",
    "false_positive_rate",
    "false_negative_rate",
    "true_negative_rate",
    "selection_rate",
    "f1",
    "base_rate",
)

METRIC_LABELS_FR: dict[str, str] = {
    "count": "effectif",
    "accuracy": "exactitude",
    "precision": "précision",
    "recall": "rappel",
    "false_positive_rate": "taux de faux positifs",
    "false_negative_rate": "taux de faux négatifs",
    "true_negative_rate": "spécificité",
    "selection_rate": "taux de sélection",
    "f1": "score F1",
    "base_rate": "taux de cas positifs réels",
    "roc_auc": "AUC ROC",
    "brier": "score de Brier",
    "ece": "erreur de calibration (ECE)",
    "mae": "erreur absolue moyenne",
    "rmse": "racine de l'erreur quadratique moyenne",
    "bias": "biais moyen (prévision − réel)",
}


def confusion_counts(
    cell_code: np.ndarray, n_cells: int, y_true: np.ndarray, y_pred: np.ndarray
) -> np.ndarray:
    """One ``np.bincount`` over ``cell * 4 + y_true * 2 + y_pred``: an ``(n_cells, 4)`` int64 array."""
    if n_cells * 4 < np.iinfo(np.int32).max:
        code = cell_code.astype(np.int32, copy=False) << 2
    else:
        code = cell_code.astype(np.int64) << 2
    code |= y_true.astype(code.dtype, copy=False) << 1
    code |= y_pred.astype(code.dtype, copy=False)
    return np.bincount(code, minlength=n_cells * 4).reshape(n_cells, 4)


def _div(num: np.ndarray, den: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """``num / den`` with 0 where ``den == 0`` (scikit-learn convention) and NaN for empty groups."""
    ok = den > 0
    out = np.where(ok, num / np.where(ok, den, 1), 0.0)  # never divides by zero: no errstate needed
    out[empty] = np.nan
    return out


def count_metrics(counts: np.ndarray) -> dict[str, np.ndarray]:
    """All count-based metrics from counts ``(..., 4)``; each value has shape ``counts.shape[:-1]``."""
    c = counts.astype(np.float64, copy=False)
    tn, fp, fn, tp = c[..., TN], c[..., FP], c[..., FN], c[..., TP]
    n = tn + fp + fn + tp
    empty = n == 0
    pos = tp + fn
    neg = tn + fp
    pred_pos = tp + fp
    return {
        "count": n,
        "accuracy": _div(tp + tn, n, empty),
        "precision": _div(tp, pred_pos, empty),
        "recall": _div(tp, pos, empty),
        "false_positive_rate": _div(fp, neg, empty),
        "false_negative_rate": _div(fn, pos, empty),
        "true_negative_rate": _div(tn, neg, empty),
        "selection_rate": _div(pred_pos, n, empty),
        "f1": _div(2 * tp, 2 * tp + fp + fn, empty),
        "base_rate": _div(pos, n, empty),
    }


def undefined_mask(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Which values of :func:`count_metrics` are a zero-denominator convention (non-empty group)."""
    tn, fp, fn, tp = (counts[..., i] for i in range(4))
    n = tn + fp + fn + tp
    ne = n > 0
    pos, neg, pp = tp + fn, tn + fp, tp + fp
    return {
        "precision": ne & (pp == 0),
        "recall": ne & (pos == 0),
        "false_negative_rate": ne & (pos == 0),
        "false_positive_rate": ne & (neg == 0),
        "true_negative_rate": ne & (neg == 0),
        "f1": ne & (2 * tp + fp + fn == 0),
    }


# ------------------------------------------------------------------------------------------ disparities
# ``values`` has groups on the last axis; NaN marks groups to ignore (empty, or metric undefined such as
# AUC on a single-class group), exactly like pandas' skipna min/max used by fairlearn.


def _nanmax(values: np.ndarray) -> np.ndarray:
    # ``fmax`` ignores NaN, and gives NaN when every value is NaN: pandas' skipna max, in one pass
    return np.fmax.reduce(values, axis=-1)


def _nanmin(values: np.ndarray) -> np.ndarray:
    return np.fmin.reduce(values, axis=-1)


def difference_between(values: np.ndarray) -> np.ndarray:
    """fairlearn ``MetricFrame.difference(method="between_groups")``: max − min over groups."""
    return _nanmax(values) - _nanmin(values)


def difference_to_overall(values: np.ndarray, overall: np.ndarray) -> np.ndarray:
    """fairlearn ``MetricFrame.difference(method="to_overall")``: max |group − overall|."""
    return _nanmax(np.abs(values - np.asarray(overall)[..., None]))


def ratio_between(values: np.ndarray) -> np.ndarray:
    """fairlearn ``MetricFrame.ratio(method="between_groups")``: min / max (0/0 → NaN)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return _nanmin(values) / _nanmax(values)


def ratio_to_overall(values: np.ndarray, overall: np.ndarray) -> np.ndarray:
    """fairlearn ``MetricFrame.ratio(method="to_overall")``: min over groups of the ratio forced ≤ 1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        r = values / np.asarray(overall)[..., None]
        r = np.where(r > 1, 1.0 / r, r)
    return _nanmin(r)


def disparities(values: np.ndarray, overall: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "difference_between_groups": difference_between(values),
        "difference_to_overall": difference_to_overall(values, overall),
        "ratio_between_groups": ratio_between(values),
        "ratio_to_overall": ratio_to_overall(values, overall),
    }


def _builtin_max(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # Python's ``max([a, b])`` (used by fairlearn's equalized odds): keeps ``a`` unless ``b > a``.
    return np.where(b > a, b, a)


def _builtin_min(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.where(b < a, b, a)


def fairness_measures(
    metrics: dict[str, np.ndarray],
    overall: dict[str, np.ndarray],
    methods: Sequence[str] = ("between_groups", "to_overall"),
) -> dict[str, np.ndarray]:
    """Demographic parity and equalized odds (agg ``worst_case``), as ``fairlearn.metrics`` defines them."""
    out: dict[str, np.ndarray] = {}
    # selection rate, TPR and FPR stacked on axis -2: each disparity is computed once for the three
    names = ("selection_rate", "recall", "false_positive_rate")
    vals = np.stack([np.asarray(metrics[k]) for k in names], axis=-2)
    for m in methods:
        if m == "between_groups":
            diff, ratio = difference_between(vals), ratio_between(vals)
        else:
            ov = np.stack([np.asarray(overall[k]) for k in names], axis=-1)
            diff, ratio = difference_to_overall(vals, ov), ratio_to_overall(vals, ov)
        out[f"demographic_parity_difference_{m}"] = diff[..., 0]
        out[f"demographic_parity_ratio_{m}"] = ratio[..., 0]
        out[f"equalized_odds_difference_{m}"] = _builtin_max(diff[..., 1], diff[..., 2])
        out[f"equalized_odds_ratio_{m}"] = _builtin_min(ratio[..., 1], ratio[..., 2])
    return out
