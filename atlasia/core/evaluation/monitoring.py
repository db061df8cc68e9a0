"""Post-market monitoring of a model (AI Act Art. 26(5), Art. 72): successive batches of predictions
evaluated against a reference batch, with thresholds that raise alerts.

Only aggregates are kept between batches: the reference batch is reduced to a *profile* — for each
numeric column 1,001 quantiles, for each other column the count of each value — from which the
drift of a later batch is measured:

* PSI over the reference deciles (read from the profile's quantiles) for a numeric column, over the
  values for a categorical one (as :mod:`.drift`);
(date columns are left out: they move with time by nature)
* the two-sample Kolmogorov–Smirnov distance for a numeric column, with the reference distribution
  function interpolated between its 1,001 quantiles (error below 1/1,000 on the distance), and its
  asymptotic p-value; the total variation distance for a categorical column.

A batch is checked before anything is computed: same columns as the reference, the same group values
(a value never seen in the reference is refused: its groups could not be compared), at least one row,
both classes present. :func:`summarise` extracts what the timeline shows and :func:`alerts` compares it
with the thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from . import drift as dr
from .messages import input_error

__all__ = [
    "Thresholds",
    "alerts",
    "check_batch",
    "drift_from_profile",
    "prepare_batch",
    "profile",
    "summarise",
]

N_QUANTILES = 1001
PROFILE_MAX_CATEGORIES = dr.MAX_CATEGORIES
#: A numeric column with at most this many values (a 0/1 decision, a grade) is compared as categories.
MAX_CODES = 20


@dataclass(frozen=True)
class Thresholds:
    """What an organisation tolerates before an alert: a drop of the AUC (or, without scores, of the
    accuracy) from the reference, a gap of recall between groups (equal opportunity), a PSI."""

    max_performance_drop: float = 0.05
    max_recall_gap: float = 0.10
    max_psi: float = 0.25


def _numeric(s: pl.Series) -> bool:
    return s.dtype.is_numeric() and s.dtype != pl.Boolean


def profile(df: pl.DataFrame, columns: Sequence[str]) -> dict[str, Any]:
    """The reference batch reduced to aggregates: quantiles of numeric columns, counts of the others."""
    out: dict[str, Any] = {"n_rows": df.height, "columns": {}}
    qs = np.linspace(0.0, 1.0, N_QUANTILES)
    for name in columns:
        s = df.get_column(name).drop_nulls()
        if _numeric(s) and s.n_unique() > MAX_CODES:
            values = s.cast(pl.Float64).to_numpy()
            if values.size == 0:
                continue
            out["columns"][name] = {
                "kind": "numeric",
                "n": int(values.size),
                "quantiles": [float(x) for x in np.quantile(values, qs)],
            }
        elif s.dtype in (pl.Date, pl.Datetime) or (
            s.dtype == pl.String and s.len() > 0 and s.unique().str.to_date(strict=False).null_count() == 0
        ):
            continue  # dates move with time by nature: not a drift
        else:
            counts = s.value_counts(sort=True)
            if counts.height > PROFILE_MAX_CATEGORIES:
                continue  # an identifier or free text: not a feature to compare
            keys = counts.to_series(0).cast(pl.String).to_list()
            out["columns"][name] = {
                "kind": "categorical",
                "n": int(s.len()),
                "counts": {str(k): int(v) for k, v in zip(keys, counts.get_column("count"), strict=True)},
            }
    return out


def _ref_cdf(quantiles: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Reference distribution function at ``x``, interpolated between the quantiles (right-continuous
    at ties: the largest probability of a tied quantile)."""
    probs = np.linspace(0.0, 1.0, quantiles.size)
    right = np.searchsorted(quantiles, x, side="right")
    out = np.empty(x.size)
    below = right == 0
    above = right >= quantiles.size
    mid = ~(below | above)
    out[below] = 0.0
    out[above] = 1.0
    i = right[mid]
    lo, hi = quantiles[i - 1], quantiles[i]
    frac = np.where(hi > lo, (x[mid] - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)
    out[mid] = probs[i - 1] + frac * (probs[i] - probs[i - 1])
    return out


def _ref_cdf_sorted(quantiles: np.ndarray, x: np.ndarray) -> np.ndarray:
    """:func:`_ref_cdf` for ``x`` sorted ascending (the same arithmetic, hence the same values): the
    number of quantiles at or below each point comes from where each quantile falls among the points
    (``quantiles.size`` binary searches and one cumulative count) instead of one search per point, and
    the interpolation gathers from small tables without boolean masks."""
    m = quantiles.size
    probs = np.linspace(0.0, 1.0, m)
    first_at_or_above = np.searchsorted(x, quantiles, side="left")
    right = np.cumsum(np.bincount(first_at_or_above, minlength=x.size + 1)[: x.size])
    i_hi = np.minimum(right, m - 1)
    i_lo = np.maximum(right - 1, 0)
    lo, hi = quantiles[i_lo], quantiles[i_hi]
    width = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(width > 0, (x - lo) / np.where(width > 0, width, 1.0), 0.0)
    p_lo = probs[i_lo]
    out = p_lo + frac * (probs[i_hi] - p_lo)
    out[right == 0] = 0.0
    out[right >= m] = 1.0
    return out


def _value_counts(s: pl.Series) -> dict[str, int]:
    """Counts of each value, keyed by the value as text (counted first, the few keys cast after)."""
    vc = s.value_counts()
    keys = vc.to_series(0).cast(pl.String).to_list()
    return {str(k): int(v) for k, v in zip(keys, vc.get_column("count").to_list(), strict=True)}


def drift_from_profile(ref: Mapping[str, Any], df: pl.DataFrame) -> list[dict[str, Any]]:
    """PSI and KS (numeric) or PSI and total variation (categorical) of each profiled column."""
    rows: list[dict[str, Any]] = []
    for name, col in ref["columns"].items():
        if name not in df.columns:
            continue
        s = df.get_column(name).drop_nulls()
        if col["kind"] == "numeric":
            q = np.asarray(col["quantiles"], dtype=np.float64)
            cur = s.cast(pl.Float64).sort().to_numpy()  # NaN last, as np.sort
            if cur.size == 0:
                continue
            edges = np.unique(q[100:-1:100])  # reference deciles
            ref_cdf_at_edges = _ref_cdf(q, edges)
            ref_counts = np.diff(np.concatenate(([0.0], ref_cdf_at_edges, [1.0])))
            # rows per decile bin (x in (e[i-1], e[i]]), from the sorted rows: a search per edge
            at_or_below = np.searchsorted(cur, edges, side="right")
            cur_counts = np.diff(np.concatenate(([0], at_or_below, [cur.size])))
            value = dr.psi(ref_counts, cur_counts.astype(np.float64))
            # KS: sup |F_cur − F_ref| over the rows' values and the quantiles. F_cur at a row's value is
            # (index of the last row with that value + 1) / n; at a quantile, a binary search.
            n = cur.size
            last = np.empty(n, dtype=bool)
            last[-1] = True
            np.not_equal(cur[1:], cur[:-1], out=last[:-1])
            idx = np.where(last, np.arange(n), n)
            f_rows = (np.minimum.accumulate(idx[::-1])[::-1] + 1) / n
            d = float(np.max(np.abs(f_rows - _ref_cdf_sorted(q, cur))))
            f_q = np.searchsorted(cur, q, side="right") / n
            d = max(d, float(np.max(np.abs(f_q - _ref_cdf(q, q)))))
            rows.append(
                {
                    "feature": name,
                    "kind": "numeric",
                    "psi": value,
                    "psi_level": dr.psi_level(value),
                    "ks": d,
                    "ks_pvalue": dr.ks_pvalue(d, int(col["n"]), int(cur.size)),
                }
            )
        else:
            cur_counts_map = _value_counts(s)
            cats = sorted(set(col["counts"]) | set(cur_counts_map))
            r = np.array([col["counts"].get(c, 0) for c in cats], dtype=np.float64)
            c = np.array([cur_counts_map.get(k, 0) for k in cats], dtype=np.float64)
            value = dr.psi(r, c)
            tvd = 0.5 * float(np.abs(r / max(r.sum(), 1) - c / max(c.sum(), 1)).sum())
            rows.append(
                {
                    "feature": name,
                    "kind": "categorical",
                    "psi": value,
                    "psi_level": dr.psi_level(value),
                    "tvd": tvd,
                }
            )
    return rows


def check_batch(
    df: pl.DataFrame,
    *,
    reference_columns: Sequence[str],
    reference_groups: Mapping[str, Sequence[str]],
    target: str,
) -> None:
    """Refuse a batch that cannot be compared with the reference (French message naming the cause)."""
    prepare_batch(df, reference_columns=reference_columns, reference_groups=reference_groups, target=target)


def prepare_batch(
    df: pl.DataFrame,
    *,
    reference_columns: Sequence[str],
    reference_groups: Mapping[str, Sequence[str]],
    target: str,
) -> pl.DataFrame:
    """Check a batch like :func:`check_batch` and return it with its text group columns as ``Enum`` of
    the reference's values: one hash lookup per row finds a value never seen in the reference (it
    becomes null), and the evaluation then counts the groups by their codes without sorting or hashing
    strings again (same result as the text column: the categories are the reference's values, sorted
    as the engine sorts labels, and values absent from the batch are left out by the engine)."""
    if df.height == 0:
        raise input_error("eval.batch_empty")
    missing = [c for c in reference_columns if c not in df.columns]
    if missing:
        raise input_error("eval.batch_column_missing", column=missing[0], name=missing[0])
    extra = [c for c in df.columns if c not in reference_columns]
    if extra:
        raise input_error("eval.batch_column_extra", column=extra[0], name=extra[0])
    casts = []
    for name, known in reference_groups.items():
        s = df.get_column(name)
        known_sorted = sorted({str(v) for v in known})
        if s.dtype == pl.String and known_sorted:
            coded = s.cast(pl.Enum(known_sorted), strict=False)
            unknown_rows = coded.is_null() & s.is_not_null()
            if unknown_rows.any():
                values = s.filter(unknown_rows).unique().sort().to_list()
                _unknown_group(name, str(values[0]))
            casts.append(coded)
            continue
        values = s.drop_nulls().unique().cast(pl.String).to_list()
        unknown = sorted(set(values) - set(known_sorted))
        if unknown:
            _unknown_group(name, unknown[0])
    y = df.get_column(target)
    n_pos = int((y.cast(pl.Float64, strict=False) == 1).sum())
    if n_pos == 0 or n_pos == df.height:
        only = "eval.one_class_positive" if n_pos else "eval.one_class_negative"
        raise input_error(only, column=target, name=target)
    return df.with_columns(casts) if casts else df


def _unknown_group(name: str, value: str) -> None:
    raise input_error("eval.group_value_unknown", column=name, name=name, value=value)


def summarise(result: Mapping[str, Any], drift_rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What the timeline shows of an evaluated batch: performance, largest recall gap, largest PSI."""
    om = result.get("overall", {}).get("metrics", {})

    def val(m: str) -> float | None:
        v = om.get(m, {}).get("value")
        return None if v is None or not math.isfinite(v) else float(v)

    recall_gap = None
    gap_where = None
    for g in result.get("groupings", []):
        if g.get("kind") != "marginal":
            continue
        gap = g.get("gaps", {}).get("recall")
        if (
            gap
            and gap.get("difference") is not None
            and (recall_gap is None or gap["difference"] > recall_gap)
        ):
            recall_gap = float(gap["difference"])
            gap_where = {
                "grouping": g["name"],
                "low": " · ".join(gap["low_group"]),
                "high": " · ".join(gap["high_group"]),
            }
    worst = max(drift_rows, key=lambda r: r.get("psi") or 0.0, default=None)
    return {
        "n_rows": int(result.get("data", {}).get("n_rows") or 0),
        "roc_auc": val("roc_auc"),
        "accuracy": val("accuracy"),
        "recall": val("recall"),
        "selection_rate": val("selection_rate"),
        "recall_gap": recall_gap,
        "recall_gap_where": gap_where,
        "max_psi": None if worst is None else float(worst["psi"]),
        "max_psi_feature": None if worst is None else worst["feature"],
    }


def alerts(
    reference: Mapping[str, Any], batch: Mapping[str, Any], thresholds: Thresholds
) -> list[dict[str, Any]]:
    """The thresholds a batch crosses, each with a French sentence."""
    out: list[dict[str, Any]] = []
    metric = (
        "roc_auc" if reference.get("roc_auc") is not None and batch.get("roc_auc") is not None else "accuracy"
    )
    ref_v, cur_v = reference.get(metric), batch.get(metric)
    if ref_v is not None and cur_v is not None and ref_v - cur_v > thresholds.max_performance_drop:
        name = "l'AUC ROC" if metric == "roc_auc" else "l'exactitude"
        out.append(
            {
                "kind": "performance",
                "value": ref_v - cur_v,
                "threshold": thresholds.max_performance_drop,
                "message": f"Baisse de {name} : {_fr(cur_v)} contre {_fr(ref_v)} sur la référence "
                f"(baisse de {_fr(ref_v - cur_v)}, seuil {_fr(thresholds.max_performance_drop)}).",
            }
        )
    gap = batch.get("recall_gap")
    if gap is not None and gap > thresholds.max_recall_gap:
        where = batch.get("recall_gap_where") or {}
        out.append(
            {
                "kind": "fairness",
                "value": gap,
                "threshold": thresholds.max_recall_gap,
                "message": f"Écart de rappel entre groupes de {_fr(100 * gap, 1)} points "
                f"({where.get('grouping', '')} : « {where.get('low', '')} » contre "
                f"« {where.get('high', '')} »), "
                f"au-delà du seuil de {_fr(100 * thresholds.max_recall_gap, 1)} points.",
            }
        )
    psi = batch.get("max_psi")
    if psi is not None and psi > thresholds.max_psi:
        out.append(
            {
                "kind": "drift",
                "value": psi,
                "threshold": thresholds.max_psi,
                "message": f"Dérive des données : PSI de {_fr(psi)} sur « {batch.get('max_psi_feature')} », "
                f"au-delà du seuil de {_fr(thresholds.max_psi)}.",
            }
        )
    return out


def _fr(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}".replace(".", ",").replace("-", "−")
