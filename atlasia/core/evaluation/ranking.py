"""ROC AUC and ROC curves per group, from one sort of the scores, and exact AUC bootstrap.

The rows are sorted by ``(group, score)`` — one argsort of the scores shared by every grouping, then a
stable (radix) sort on the small group codes. Within a group, rows with equal scores form a *tie run*.
The AUC of group *g* is the Mann–Whitney statistic

    AUC_g = Σ_runs pos_run · (neg_below_run + ½ neg_run) / (P_g · N_g),

which equals scikit-learn's trapezoidal ``roc_auc_score`` (ties count one half). A group with only one
class has no AUC (``NaN``), where scikit-learn raises.

The bootstrap draws multinomial row weights (the exact distribution of resampling rows with
replacement) and evaluates the same formula with weighted cumulative sums: O(n) per resample, no
re-sorting, exact AUC for each resample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["RankedGroups", "auc_bootstrap", "rank_groups", "score_order"]

ROC_MAX_POINTS = 101


def score_order(score: np.ndarray) -> np.ndarray:
    """The one argsort of the scores (ascending), shared by all groupings."""
    return np.argsort(score, kind="stable")


@dataclass
class RankedGroups:
    n_groups: int
    pos: np.ndarray  # positives per group
    neg: np.ndarray  # negatives per group
    auc: np.ndarray  # NaN where undefined
    # tie runs in (group, score) order
    run_group: np.ndarray
    run_score: np.ndarray
    run_pos: np.ndarray
    run_neg: np.ndarray
    # for the bootstrap: positives and negatives laid out in (group, score) order
    pos_group: np.ndarray  # group of each positive row
    pos_below: np.ndarray  # index into the negatives array where the positive's tie run starts
    pos_tie_end: np.ndarray | None  # index where its tie run ends (None when no ties pos/neg)
    neg_group_start: np.ndarray  # (n_groups + 1,) start of each group in the negatives array

    def roc_curve(self, g: int, max_points: int = ROC_MAX_POINTS) -> dict[str, list[float]] | None:
        """ROC points (FPR, TPR, threshold) of group *g*, thinned to at most ``max_points``."""
        p, q = int(self.pos[g]), int(self.neg[g])
        if p == 0 or q == 0:
            return None
        sel = np.flatnonzero(self.run_group == g)
        rp, rn = self.run_pos[sel][::-1], self.run_neg[sel][::-1]  # descending thresholds
        tpr = np.concatenate(([0.0], np.cumsum(rp) / p))
        fpr = np.concatenate(([0.0], np.cumsum(rn) / q))
        thr = np.concatenate(([np.inf], self.run_score[sel][::-1]))
        if tpr.size > max_points:
            keep = np.unique(np.linspace(0, tpr.size - 1, max_points).round().astype(np.intp))
            tpr, fpr, thr = tpr[keep], fpr[keep], thr[keep]
        return {
            "fpr": [round(float(x), 6) for x in fpr],
            "tpr": [round(float(x), 6) for x in tpr],
            "threshold": [None if not np.isfinite(t) else round(float(t), 6) for t in thr],  # type: ignore[misc]
        }


def rank_groups(
    order: np.ndarray,
    score: np.ndarray,
    y_true: np.ndarray,
    group: np.ndarray | None,
    n_groups: int,
    *,
    presorted: bool = False,
) -> RankedGroups:
    """Sort by ``(group, score)`` from the shared score order and compute per-group AUC.

    With ``presorted=True``, ``score``, ``y_true`` and ``group`` are already in score order (``order``
    is then ignored): the engine gathers them once and reuses them for every grouping, so each grouping
    only costs a radix sort of small codes and streaming gathers.
    """
    if presorted:
        s_glob, y_glob, g_glob = score, y_true, group
    else:
        s_glob, y_glob = score[order], y_true[order]
        g_glob = None if group is None else group[order]
    if g_glob is None or n_groups == 1:
        s_sorted, y_sorted = s_glob, y_glob.astype(bool, copy=False)
        g_sorted: np.ndarray = np.zeros(s_glob.size, dtype=np.int16)
        n_groups = 1
    else:
        gdtype = np.int16 if n_groups < 2**15 else np.int32
        g_in_order = g_glob.astype(gdtype, copy=False)
        sub = np.argsort(g_in_order, kind="stable")  # radix sort on small ints
        g_sorted = g_in_order[sub]
        s_sorted = s_glob[sub]
        y_sorted = y_glob[sub].astype(bool, copy=False)
    n = s_sorted.size
    new_run = np.empty(n, dtype=bool)
    new_run[:1] = True
    np.not_equal(s_sorted[1:], s_sorted[:-1], out=new_run[1:])
    new_run[1:] |= g_sorted[1:] != g_sorted[:-1]
    run_start = np.flatnonzero(new_run)
    n_runs = run_start.size
    pos_cum = np.concatenate(([0], np.cumsum(y_sorted, dtype=np.int64)))
    run_end = np.append(run_start[1:], n)
    run_pos = pos_cum[run_end] - pos_cum[run_start]
    run_neg = (run_end - run_start) - run_pos
    run_group = g_sorted[run_start].astype(np.intp)
    run_score = s_sorted[run_start]
    pos = np.bincount(run_group, weights=run_pos, minlength=n_groups).astype(np.int64)
    neg = np.bincount(run_group, weights=run_neg, minlength=n_groups).astype(np.int64)
    neg_group_start = np.concatenate(([0], np.cumsum(neg)))
    neg_before_run = np.cumsum(run_neg) - run_neg  # global, exclusive
    below = neg_before_run - neg_group_start[run_group]
    num = np.bincount(run_group, weights=run_pos * (below + 0.5 * run_neg), minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = np.where((pos > 0) & (neg > 0), num / (pos.astype(np.float64) * neg), np.nan)
    # layout for the bootstrap: run of each positive row
    pos_rows_run = np.flatnonzero(y_sorted) if n_runs == n else (np.cumsum(new_run) - 1)[y_sorted]
    pos_group = run_group[pos_rows_run].astype(np.int32)
    pos_below = neg_before_run[pos_rows_run]
    ties = run_neg[pos_rows_run]
    pos_tie_end = (pos_below + ties) if bool(ties.any()) else None
    return RankedGroups(
        n_groups=n_groups,
        pos=pos,
        neg=neg,
        auc=auc,
        run_group=run_group,
        run_score=run_score,
        run_pos=run_pos,
        run_neg=run_neg,
        pos_group=pos_group,
        pos_below=pos_below,
        pos_tie_end=pos_tie_end,
        neg_group_start=neg_group_start,
    )


def auc_bootstrap(rg: RankedGroups, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """AUC per group for ``n_resamples`` row-level bootstrap resamples: array ``(n_resamples, n_groups)``.

    Each resample draws multinomial weights over all rows (``bincount`` of *n* uniform row indices),
    laid out as [positives in (group, score) order, negatives in (group, score) order] — rows are
    exchangeable, so any fixed layout gives the same distribution as resampling the original table.
    """
    n_pos = rg.pos_group.size
    n_neg = int(rg.neg_group_start[-1])
    n = n_pos + n_neg
    out = np.empty((n_resamples, rg.n_groups))
    gstart = rg.neg_group_start
    g_of_pos = rg.pos_group
    c = np.zeros(n_neg + 1, dtype=np.int64)
    itype = np.int32 if n < 2**31 else np.int64
    pstart = np.concatenate(([0], np.cumsum(rg.pos)))  # positives are laid out by group
    for b in range(n_resamples):
        w = np.bincount(rng.integers(0, n, n, dtype=itype), minlength=n)
        wp = w[:n_pos]
        np.cumsum(w[n_pos:], out=c[1:])
        cg = c[gstart]
        term = (c[rg.pos_below] - cg[g_of_pos]).astype(np.float64)
        if rg.pos_tie_end is not None:
            term += 0.5 * (c[rg.pos_tie_end] - c[rg.pos_below])
        num = np.diff(np.concatenate(([0.0], np.cumsum(wp * term)))[pstart])
        p = np.diff(np.concatenate(([0], np.cumsum(wp)))[pstart]).astype(np.float64)
        q = np.diff(cg).astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[b] = np.where((p > 0) & (q > 0), num / (p * q), np.nan)
    return out
