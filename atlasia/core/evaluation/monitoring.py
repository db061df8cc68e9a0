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
from .io import EvaluationInputError

__all__ = [
    "Thresholds",
    "alerts",
    "check_batch",
    "drift_from_profile",
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
            s.dtype == pl.String and s.len() > 0 and s.str.to_date(strict=False).null_count() == 0
        ):
            continue  # dates move with time by nature: not a drift
        else:
            counts = s.cast(pl.String).value_counts(sort=True)
            if counts.height > PROFILE_MAX_CATEGORIES:
                continue  # an identifier or free text: not a feature to compare
            out["columns"][name] = {
                "kind": "categorical",
                "n": int(s.len()),
                "counts": {str(k): int(v) for k, v in counts.iter_rows()},
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


def drift_from_profile(ref: Mapping[str, Any], df: pl.DataFrame) -> list[dict[str, Any]]:
    """PSI and KS (numeric) or PSI and total variation (categorical) of each profiled column."""
    rows: list[dict[str, Any]] = []
    for name, col in ref["columns"].items():
        if name not in df.columns:
            continue
        s = df.get_column(name).drop_nulls()
        if col["kind"] == "numeric":
            q = np.asarray(col["quantiles"], dtype=np.float64)
            cur = np.sort(s.cast(pl.Float64).to_numpy())
            if cur.size == 0:
                continue
            edges = np.unique(q[100:-1:100])  # reference deciles
            ref_cdf_at_edges = _ref_cdf(q, edges)
            ref_counts = np.diff(np.concatenate(([0.0], ref_cdf_at_edges, [1.0])))
            cur_counts = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=edges.size + 1)
            value = dr.psi(ref_counts, cur_counts.astype(np.float64))
            points = np.concatenate((cur, q))
            f_cur = np.searchsorted(cur, points, side="right") / cur.size
            d = float(np.max(np.abs(f_cur - _ref_cdf(q, points))))
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
            cur_counts_map = {str(k): int(v) for k, v in s.cast(pl.String).value_counts().iter_rows()}
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
    if df.height == 0:
        raise EvaluationInputError("Le lot ne contient aucune ligne de données.")
    missing = [c for c in reference_columns if c not in df.columns]
    if missing:
        raise EvaluationInputError(
            f"La colonne « {missing[0]} » de la référence est absente du lot : un lot doit avoir les mêmes "
            "colonnes que le lot de référence.",
            column=missing[0],
        )
    extra = [c for c in df.columns if c not in reference_columns]
    if extra:
        raise EvaluationInputError(
            f"La colonne « {extra[0]} » du lot n'existe pas dans la référence : un lot doit avoir les mêmes "
            "colonnes que le lot de référence.",
            column=extra[0],
        )
    for name, known in reference_groups.items():
        values = df.get_column(name).drop_nulls().cast(pl.String).unique().to_list()
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise EvaluationInputError(
                f"La colonne de groupe « {name} » contient la valeur « {unknown[0]} », absente du lot de "
                "référence : les groupes ne peuvent pas être comparés.",
                column=name,
            )
    y = df.get_column(target)
    n_pos = int((y.cast(pl.Float64, strict=False) == 1).sum())
    if n_pos == 0 or n_pos == df.height:
        only = "positifs (1)" if n_pos else "négatifs (0)"
        raise EvaluationInputError(
            f"La colonne « {target} » (valeur réelle) ne contient que des cas {only} : la performance et "
            "l'équité ne peuvent pas être mesurées sur une seule classe.",
            column=target,
        )


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
