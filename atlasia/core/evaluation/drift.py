"""Data drift between a reference table and the current one: PSI and Kolmogorov–Smirnov per feature.

* Numeric feature: PSI over the reference deciles (bins ``(-inf, q10], (q10, q20], …``; proportions
  floored at ``EPS`` to keep the logarithm finite), and the two-sample KS statistic
  D = sup |F_ref − F_cur| (same computation as ``scipy.stats.ks_2samp``) with the asymptotic
  Kolmogorov p-value (Stephens' small-sample correction) — no SciPy needed.
* Categorical feature: PSI over categories (union of both tables) and the total variation distance
  ½ Σ |p − q|, the largest difference in probability of any set of categories — the categorical
  counterpart of the KS distance (a KS statistic would depend on an arbitrary order of categories).

PSI levels: < 0.1 stable, 0.1–0.25 moderate, > 0.25 major. Text columns with more than
``MAX_CATEGORIES`` values (or more distinct values than half the rows) are identifiers: skipped.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl

__all__ = ["EPS", "drift_table", "ks_2samp", "ks_pvalue", "psi", "psi_level"]

EPS = 1e-4
PSI_MODERATE = 0.1
PSI_MAJOR = 0.25
KS_ALPHA = 0.05
N_QUANTILE_BINS = 10
MAX_CATEGORIES = 200  # more distinct values: an identifier or free text, not a feature to compare


def psi_level(value: float | None) -> str | None:
    if value is None or not math.isfinite(value):
        return None
    if value < PSI_MODERATE:
        return "stable"
    if value <= PSI_MAJOR:
        return "moderate"
    return "major"


def psi(ref_counts: np.ndarray, cur_counts: np.ndarray) -> float:
    """Population stability index Σ (c − r) · ln(c / r) over bins (proportions floored at EPS)."""
    r = ref_counts / max(ref_counts.sum(), 1)
    c = cur_counts / max(cur_counts.sum(), 1)
    r = np.maximum(r, EPS)
    c = np.maximum(c, EPS)
    return float(np.sum((c - r) * np.log(c / r)))


def ks_pvalue(d: float, n1: int, n2: int) -> float:
    """Asymptotic two-sided p-value of the two-sample KS statistic (Kolmogorov distribution)."""
    if n1 == 0 or n2 == 0:
        return float("nan")
    en = math.sqrt(n1 * n2 / (n1 + n2))
    lam = (en + 0.12 + 0.11 / en) * d
    if lam < 1e-3:
        return 1.0
    if lam < 1.18:
        # 1 − CDF via the Jacobi theta form, accurate for small lambda
        s = sum(math.exp(-((2 * k - 1) ** 2) * math.pi**2 / (8 * lam * lam)) for k in range(1, 20))
        return float(min(1.0, max(0.0, 1.0 - math.sqrt(2 * math.pi) / lam * s)))
    s = sum((-1) ** (k - 1) * math.exp(-2.0 * k * k * lam * lam) for k in range(1, 101))
    return float(min(1.0, max(0.0, 2.0 * s)))


def ks_2samp(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """KS statistic (exactly as scipy computes it) and asymptotic p-value."""
    a = np.sort(a)
    b = np.sort(b)
    allv = np.concatenate([a, b])
    cdf1 = np.searchsorted(a, allv, side="right") / a.size
    cdf2 = np.searchsorted(b, allv, side="right") / b.size
    d = float(np.max(np.abs(cdf1 - cdf2)))
    return d, ks_pvalue(d, a.size, b.size)


def _is_numeric(s: pl.Series) -> bool:
    return s.dtype.is_numeric() and s.dtype != pl.Boolean


def _numeric_edges(ref: np.ndarray) -> np.ndarray:
    qs = np.quantile(ref, np.linspace(0, 1, N_QUANTILE_BINS + 1)[1:-1])
    return np.unique(qs)


def _categorical_counts(ref: pl.Series, cur: pl.Series) -> tuple[list[str], np.ndarray, np.ndarray]:
    r = ref.cast(pl.String).value_counts()
    c = cur.cast(pl.String).value_counts()
    rd = dict(zip(r.to_series(0).to_list(), r.get_column("count").to_list(), strict=True))
    cd = dict(zip(c.to_series(0).to_list(), c.get_column("count").to_list(), strict=True))
    cats = sorted(set(rd) | set(cd), key=str)
    return (
        [str(x) for x in cats],
        np.array([rd.get(k, 0) for k in cats], dtype=np.float64),
        np.array([cd.get(k, 0) for k in cats], dtype=np.float64),
    )


def _feature_drift(name: str, ref: pl.Series, cur: pl.Series) -> dict[str, Any]:
    ref_nn, cur_nn = ref.drop_nulls(), cur.drop_nulls()
    if ref_nn.dtype.is_float():
        ref_nn = ref_nn.filter(ref_nn.is_not_nan())
    if cur_nn.dtype.is_float():
        cur_nn = cur_nn.filter(cur_nn.is_not_nan())
    row: dict[str, Any] = {
        "feature": name,
        "reference_count": ref_nn.len(),
        "current_count": cur_nn.len(),
        "missing_reference": ref.len() - ref_nn.len(),
        "missing_current": cur.len() - cur_nn.len(),
    }
    if ref_nn.len() == 0 or cur_nn.len() == 0:
        row.update(kind="empty", psi=None, psi_level=None)
        return row
    if _is_numeric(ref) and _is_numeric(cur):
        a = ref_nn.cast(pl.Float64).to_numpy()
        b = cur_nn.cast(pl.Float64).to_numpy()
        edges = _numeric_edges(a)
        nb = edges.size + 1
        rc = np.bincount(np.searchsorted(edges, a, side="left"), minlength=nb).astype(np.float64)
        cc = np.bincount(np.searchsorted(edges, b, side="left"), minlength=nb).astype(np.float64)
        value = psi(rc, cc)
        d, p = ks_2samp(a, b)
        row.update(
            kind="numeric",
            psi=value,
            psi_level=psi_level(value),
            ks_statistic=d,
            ks_pvalue=p,
            ks_significant=bool(p < KS_ALPHA),
            bin_edges=[float(x) for x in edges],
            reference_mean=float(a.mean()),
            current_mean=float(b.mean()),
        )
    else:
        n_distinct = max(ref_nn.n_unique(), cur_nn.n_unique())
        if n_distinct > MAX_CATEGORIES or n_distinct > 0.5 * max(ref_nn.len(), cur_nn.len(), 1) > 10:
            row.update(kind="identifier", psi=None, psi_level=None, n_distinct=n_distinct)
            return row
        cats, rc, cc = _categorical_counts(ref_nn, cur_nn)
        value = psi(rc, cc)
        tvd = float(0.5 * np.abs(rc / rc.sum() - cc / cc.sum()).sum())
        row.update(
            kind="categorical",
            psi=value,
            psi_level=psi_level(value),
            tvd=tvd,
            categories=cats[:50],
            reference_share=[float(x) for x in (rc / rc.sum())[:50]],
            current_share=[float(x) for x in (cc / cc.sum())[:50]],
        )
    return row


def drift_table(reference: pl.DataFrame, current: pl.DataFrame, features: list[str]) -> list[dict[str, Any]]:
    """One row per feature (column present in both tables)."""
    return [_feature_drift(f, reference.get_column(f), current.get_column(f)) for f in features]


def psi_by_period(
    reference: pl.Series, current: pl.Series, period: np.ndarray, n_periods: int
) -> list[float | None]:
    """PSI of each period of the current table against the reference (one bincount pass)."""
    out: list[float | None] = []
    if _is_numeric(reference) and _is_numeric(current):
        a = reference.cast(pl.Float64).to_numpy()
        b = current.cast(pl.Float64).to_numpy()
        ok_a = ~np.isnan(a)
        a = a[ok_a]
        edges = _numeric_edges(a)
        nb = edges.size + 1
        rc = np.bincount(np.searchsorted(edges, a, side="left"), minlength=nb).astype(np.float64)
        ok = ~np.isnan(b)
        bins = np.searchsorted(edges, b[ok], side="left")
        per = np.bincount(period[ok].astype(np.int64) * nb + bins, minlength=n_periods * nb).reshape(
            n_periods, nb
        )
    else:
        ref_s = reference.cast(pl.String)
        cur_s = current.cast(pl.String)
        cats = sorted(set(ref_s.drop_nulls().unique().to_list()) | set(cur_s.drop_nulls().unique().to_list()))
        nb = len(cats)
        enum = pl.Enum(cats)
        ra = ref_s.drop_nulls().cast(enum).to_physical().to_numpy().astype(np.int64)
        rc = np.bincount(ra, minlength=nb).astype(np.float64)
        cn = cur_s.cast(enum).to_physical()
        ok = cn.is_not_null().to_numpy()
        ca = cn.drop_nulls().to_numpy().astype(np.int64)
        per = np.bincount(period[ok].astype(np.int64) * nb + ca, minlength=n_periods * nb).reshape(
            n_periods, nb
        )
    for k in range(n_periods):
        out.append(psi(rc, per[k].astype(np.float64)) if per[k].sum() > 0 else None)
    return out
