"""AUC, DeLong variance and ROC curve of every group of every grouping, in one pass over the rows in
score order, block by block, in bounded memory.

**Ranking without full-length copies.** The rows are cut into *blocks* of consecutive score ranges
(bucket edges are quantiles of a small sample of the scores; a score equal to an edge goes to the
upper bucket, so rows with equal scores are always in the same block). Each block is gathered and
sorted on its own (``argsort`` of a few hundred thousand scores), so the only full-length arrays
besides the columns are one byte (or two) of bucket number per row: no ``argsort`` of all the rows
(8 bytes per row), no sorted float64 copy of the scores.

**Per group, per tie run.** Inside a block, each grouping sorts the block's rows by group (a radix
sort of small codes, stable, so score order is kept inside a group). Rows of the same group with the
same score form a *tie run*. With ``below`` the negatives of the group with a lower score (in earlier
blocks, carried, plus earlier in this block) and ``P``/``N`` the group's positives and negatives:

* every positive of a run has the placement ``V10 = (below + ½ neg_run) / N`` and every negative has
  ``V01 = (pos_above + ½ pos_run) / P`` (DeLong et al. 1988; ``delongPlacements`` in pROC);
* ``AUC = mean(V10) = mean(V01)`` — the Mann–Whitney statistic, equal to scikit-learn's
  ``roc_auc_score`` (ties count one half);
* ``var(AUC) = S10 / P + S01 / N`` with ``S10``, ``S01`` the sample variances (denominator ``P − 1``,
  ``N − 1``) of the placements — pROC's ``ci_auc_delong``. The interval is
  ``AUC ± z · sqrt(var)``, clipped to [0, 1] as pROC does.

The sums are kept in integers scaled by ``2N`` (``2P``) — ``A = 2·below + neg_run`` is exact — so a
group's sums are exact up to the final floating-point combination.

**No-ties fast path.** When a block's scores are all distinct, every run is one row: the run
detection (two comparisons and a cumulative sum per row) is skipped.

**ROC curves** are thinned while streaming: a point is kept where the rows at or above the threshold
cross a multiple of 1 % of the group's rows (at most 101 points plus the origin), which needs only the
group's size, known from the confusion counts before the pass.

Calibration sums per (cell, bin) are accumulated from the same blocks (see :mod:`.calibration`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import calibration as cal

__all__ = [
    "GroupingAuc",
    "GroupingSpec",
    "delong_ci",
    "delong_difference",
    "score_blocks",
    "stream_auc",
]

#: Rows per block (about): the per-block arrays stay a few MiB.
BLOCK_ROWS = 1 << 18
#: Rows of the sample from which the bucket edges are taken.
SAMPLE_ROWS = 1 << 16
ROC_STEPS = 100


def _sort_index(s: np.ndarray) -> np.ndarray:
    """Stable ascending argsort of float scores; non-negative float64 sort as their bit patterns."""
    if s.dtype == np.float64 and s.size and float(s.min()) >= 0.0:
        return np.argsort((s + 0.0).view(np.int64), kind="stable")
    return np.argsort(s, kind="stable")


def score_blocks(
    score: np.ndarray,
    *others: np.ndarray | Callable[[np.ndarray], np.ndarray],
    block_rows: int | None = None,
) -> Iterator[tuple[np.ndarray, ...]]:
    """Yield ``(score, *others)`` gathered block by block in ascending ``(score, row)`` order.

    An element of ``others`` may be a function of the block's row indices (values computed per block
    rather than gathered from a full-length array).

    Every row is yielded once; the concatenation of the blocks is the stable sort of the rows by
    score; two rows with the same score are in the same block. ``score`` must hold no NaN.
    """
    n = score.size
    k = max(1, math.ceil(n / (block_rows or BLOCK_ROWS)))
    if k == 1:
        o = _sort_index(score)
        yield (score[o], *_gather(others, o))
        return
    step = max(1, n // SAMPLE_ROWS)
    sample = np.sort(score[::step])
    edges = np.unique(sample[(np.arange(1, k) * sample.size) // k])
    n_buckets = edges.size + 1
    btype = np.uint8 if n_buckets <= 256 else np.uint16
    bucket = np.empty(n, dtype=btype)
    chunk = 1 << 20
    for c0 in range(0, n, chunk):
        bucket[c0 : c0 + chunk] = np.searchsorted(edges, score[c0 : c0 + chunk], side="right")
    for b in range(n_buckets):
        # the block's rows, found chunk by chunk (no full-length mask)
        parts = [np.flatnonzero(bucket[c0 : c0 + chunk] == b) + c0 for c0 in range(0, n, chunk)]
        rows = np.concatenate(parts) if len(parts) > 1 else parts[0]
        del parts
        if rows.size == 0:
            continue
        s = score[rows]
        o = _sort_index(s)
        rows = rows[o]
        block = (s[o], *_gather(others, rows))
        del rows, s, o  # not held by the generator while the block is processed
        yield block
        del block


def _gather(
    others: Sequence[np.ndarray | Callable[[np.ndarray], np.ndarray]], rows: np.ndarray
) -> list[np.ndarray]:
    """Each array's values at ``rows`` (a function is called with ``rows``: values computed per block)."""
    return [a(rows) if callable(a) else a[rows] for a in others]


@dataclass
class GroupingSpec:
    """One grouping to rank: ``lut`` maps a cell code to the group code (``None``: one group, all rows);
    ``pos`` / ``neg``: positives and negatives of each group (from the confusion counts); ``roc``:
    whether to keep the ROC curve of each group."""

    lut: np.ndarray | None
    pos: np.ndarray
    neg: np.ndarray
    roc: bool = False

    @property
    def n_groups(self) -> int:
        return int(self.pos.size)


@dataclass
class GroupingAuc:
    """Per group: AUC (NaN without both classes), DeLong variance (NaN with fewer than 2 of a class),
    and, when asked, the thinned ROC curve."""

    pos: np.ndarray
    neg: np.ndarray
    auc: np.ndarray
    var: np.ndarray
    rocs: list[dict[str, list[float | None]] | None] | None = None

    def roc_curve(self, g: int) -> dict[str, list[float | None]] | None:
        return None if self.rocs is None else self.rocs[g]


@dataclass
class _Acc:
    spec: GroupingSpec
    neg_seen: np.ndarray  # negatives of each group already passed (lower scores)
    pos_seen: np.ndarray
    sum_a: np.ndarray  # Σ over positives of A = 2·below + neg_run  (= 2N · V10)
    sum_a2: np.ndarray
    sum_b: np.ndarray  # Σ over negatives of B = 2·pos_above + pos_run  (= 2P · V01)
    sum_b2: np.ndarray
    roc_pts: list[list[np.ndarray]] = field(default_factory=list)  # per block: group, score, fp, tp


def _new_acc(spec: GroupingSpec) -> _Acc:
    k = spec.n_groups
    return _Acc(
        spec,
        np.zeros(k, np.int64),
        np.zeros(k, np.int64),
        np.zeros(k),
        np.zeros(k),
        np.zeros(k),
        np.zeros(k),
    )


def _seg_sum(values: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Sum of each segment ``values[starts[g] : starts[g] + counts[g]]`` (0 for an empty segment)."""
    out = np.zeros(counts.size, dtype=values.dtype)
    nz = np.flatnonzero(counts)
    if nz.size:
        out[nz] = np.add.reduceat(values, starts[nz])
    return out


def _add_block_no_ties(acc: _Acc, s: np.ndarray, y: np.ndarray, cell: np.ndarray) -> None:
    """The block's scores are all distinct: every run is one row. With the rows in (group, score)
    order and ``d`` the negatives before a positive in the block (its position minus the positives
    before it), the positive's ``A = 2·(d + offset_g)``; the sums of ``A`` and ``A²`` per group follow
    from the segment sums of ``d`` and ``d²`` (exact integers), likewise for the negatives."""
    spec = acc.spec
    k = spec.n_groups
    if spec.lut is None or k == 1:
        ys = y
        sub = None
        cnt = np.array([y.size], dtype=np.int64)
    else:
        g = spec.lut[cell]
        cnt = np.bincount(g, minlength=k).astype(np.int64)
        sub = np.argsort(g, kind="stable")  # radix sort of small codes: score order kept in a group
        del g
        ys = y[sub]
    start = np.cumsum(cnt) - cnt
    pos_idx = np.flatnonzero(ys)
    neg_idx = np.flatnonzero(~ys)
    pos_blk = np.searchsorted(pos_idx, start + cnt) - np.searchsorted(pos_idx, start)
    neg_blk = cnt - pos_blk
    grp_pos0 = np.cumsum(pos_blk) - pos_blk
    grp_neg0 = np.cumsum(neg_blk) - neg_blk
    # positives: d = negatives before it in the block; below = d − grp_neg0 + neg_seen
    d = pos_idx - np.arange(pos_idx.size)
    d1 = _seg_sum(d, grp_pos0, pos_blk).astype(np.float64)
    d2 = _seg_sum(d * d, grp_pos0, pos_blk).astype(np.float64)
    off = (acc.neg_seen - grp_neg0).astype(np.float64)
    m = pos_blk.astype(np.float64)
    acc.sum_a += 2.0 * (d1 + m * off)
    acc.sum_a2 += 4.0 * (d2 + 2.0 * off * d1 + m * off * off)
    # negatives: e = positives before it in the block; B = 2·(P − below) = 2·(c − e)
    e = neg_idx - np.arange(neg_idx.size)
    e1 = _seg_sum(e, grp_neg0, neg_blk).astype(np.float64)
    e2 = _seg_sum(e * e, grp_neg0, neg_blk).astype(np.float64)
    c = (spec.pos - acc.pos_seen + grp_pos0).astype(np.float64)
    q = neg_blk.astype(np.float64)
    acc.sum_b += 2.0 * (q * c - e1)
    acc.sum_b2 += 4.0 * (q * c * c - 2.0 * c * e1 + e2)
    if spec.roc:
        # the kept points are the rows where u (rows at or above) = ceil(j·T/100), j = 1…100
        total = spec.pos + spec.neg
        seen = acc.pos_seen + acc.neg_seen
        groups, rows, fps, tps = [], [], [], []
        for gi in np.flatnonzero(cnt):
            t = int(total[gi])
            u = np.unique(-((-np.arange(1, ROC_STEPS + 1) * t) // ROC_STEPS))
            r = (t - u - int(seen[gi]))[::-1]  # ascending rank inside this block's part of the group
            r = r[(r >= 0) & (r < cnt[gi])]
            if r.size == 0:
                continue
            i = start[gi] + r
            pos_before = np.searchsorted(pos_idx, i) - grp_pos0[gi] + acc.pos_seen[gi]
            neg_before = (i - start[gi]) - (pos_before - acc.pos_seen[gi]) + acc.neg_seen[gi]
            groups.append(np.full(i.size, gi, dtype=np.intp))
            rows.append(i if sub is None else sub[i])
            tps.append(spec.pos[gi] - pos_before)
            fps.append(spec.neg[gi] - neg_before)
        if groups:
            acc.roc_pts.append(
                [np.concatenate(groups), s[np.concatenate(rows)], np.concatenate(fps), np.concatenate(tps)]
            )
    acc.neg_seen += neg_blk
    acc.pos_seen += pos_blk


def _add_block(acc: _Acc, s: np.ndarray, y: np.ndarray, cell: np.ndarray, no_ties: bool) -> None:
    if no_ties:
        _add_block_no_ties(acc, s, y, cell)
        return
    spec = acc.spec
    k = spec.n_groups
    if spec.lut is None or k == 1:
        gs = None
        ss, ys = s, y
    else:
        g = spec.lut[cell]
        sub = np.argsort(g, kind="stable")  # radix sort of small codes: score order kept in a group
        gs, ss, ys = g[sub], s[sub], y[sub]
        del sub, g
    n = ss.size
    if no_ties:
        run_pos = ys.astype(np.int64)
        run_neg = 1 - run_pos
        run_group = np.zeros(n, np.intp) if gs is None else gs.astype(np.intp)
        run_score = ss
    else:
        new_run = np.empty(n, dtype=bool)
        new_run[:1] = True
        np.not_equal(ss[1:], ss[:-1], out=new_run[1:])
        if gs is not None:
            new_run[1:] |= gs[1:] != gs[:-1]
        run_start = np.flatnonzero(new_run)
        del new_run
        pos_cum = np.empty(n + 1, np.int64)
        pos_cum[0] = 0
        np.cumsum(ys, dtype=np.int64, out=pos_cum[1:])
        run_end = np.empty_like(run_start)
        run_end[:-1] = run_start[1:]
        run_end[-1:] = n
        run_pos = pos_cum[run_end] - pos_cum[run_start]
        run_neg = (run_end - run_start) - run_pos
        del pos_cum, run_end
        run_group = np.zeros(run_start.size, np.intp) if gs is None else gs[run_start].astype(np.intp)
        run_score = ss[run_start]
        del run_start
    # negatives / positives below each run inside its group: exclusive cumulative sums restarted at
    # each group (runs are in group order)
    neg_blk = np.bincount(run_group, weights=run_neg, minlength=k).astype(np.int64)
    pos_blk = np.bincount(run_group, weights=run_pos, minlength=k).astype(np.int64)
    grp_neg0 = np.cumsum(neg_blk) - neg_blk
    grp_pos0 = np.cumsum(pos_blk) - pos_blk
    neg_below = np.cumsum(run_neg) - run_neg - grp_neg0[run_group] + acc.neg_seen[run_group]
    pos_below = np.cumsum(run_pos) - run_pos - grp_pos0[run_group] + acc.pos_seen[run_group]
    a = 2 * neg_below + run_neg
    b = 2 * (spec.pos[run_group] - pos_below - run_pos) + run_pos
    fa, fb = a.astype(np.float64), b.astype(np.float64)
    acc.sum_a += np.bincount(run_group, weights=run_pos * fa, minlength=k)
    acc.sum_a2 += np.bincount(run_group, weights=run_pos * fa * fa, minlength=k)
    acc.sum_b += np.bincount(run_group, weights=run_neg * fb, minlength=k)
    acc.sum_b2 += np.bincount(run_group, weights=run_neg * fb * fb, minlength=k)
    if spec.roc:
        # rows at or above the run's score: u = T − below; keep the run when [u − size, u) holds a
        # multiple of T / 100 (or u = T: the last point)
        total = (spec.pos + spec.neg)[run_group]
        u = total - neg_below - pos_below
        size = run_pos + run_neg
        keep = (u * ROC_STEPS) // total != ((u - size) * ROC_STEPS) // total
        sel = np.flatnonzero(keep)
        tp = spec.pos[run_group[sel]] - pos_below[sel]
        fp = spec.neg[run_group[sel]] - neg_below[sel]
        acc.roc_pts.append([run_group[sel], run_score[sel], fp, tp])
    acc.neg_seen += neg_blk
    acc.pos_seen += pos_blk


def _finish(acc: _Acc) -> GroupingAuc:
    spec = acc.spec
    p = spec.pos.astype(np.float64)
    q = spec.neg.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = np.where((p > 0) & (q > 0), acc.sum_a / (2.0 * p * q), np.nan)
        # Σ (A − mean A)² = Σ A² − (Σ A)² / P, then scaled back by (2N)²
        ss_a = np.maximum(acc.sum_a2 - acc.sum_a * acc.sum_a / p, 0.0)
        ss_b = np.maximum(acc.sum_b2 - acc.sum_b * acc.sum_b / q, 0.0)
        s10 = ss_a / ((p - 1.0) * (2.0 * q) ** 2)
        s01 = ss_b / ((q - 1.0) * (2.0 * p) ** 2)
        var = np.where((p > 1) & (q > 1), s10 / p + s01 / q, np.nan)
    rocs: list[dict[str, list[float | None]] | None] | None = None
    if spec.roc:
        rocs = []
        parts = acc.roc_pts
        for g in range(spec.n_groups):
            if spec.pos[g] == 0 or spec.neg[g] == 0:
                rocs.append(None)
                continue
            sel = [np.flatnonzero(x[0] == g) for x in parts]
            thr = np.concatenate([x[1][i] for x, i in zip(parts, sel, strict=True)])[::-1]
            fp = np.concatenate([x[2][i] for x, i in zip(parts, sel, strict=True)])[::-1]
            tp = np.concatenate([x[3][i] for x, i in zip(parts, sel, strict=True)])[::-1]
            fpr: list[float | None] = [0.0, *(round(float(x), 6) for x in (fp / q[g]).tolist())]
            tpr: list[float | None] = [0.0, *(round(float(x), 6) for x in (tp / p[g]).tolist())]
            thresholds: list[float | None] = [None, *(round(float(x), 6) for x in thr.tolist())]
            rocs.append({"fpr": fpr, "tpr": tpr, "threshold": thresholds})
    return GroupingAuc(spec.pos, spec.neg, auc, var, rocs)


def stream_auc(
    score: np.ndarray,
    y_true: np.ndarray,
    cell: np.ndarray | Callable[[np.ndarray], np.ndarray],
    specs: Sequence[GroupingSpec],
    *,
    calibration: tuple[int, int] | None = None,
    block_rows: int | None = None,
) -> tuple[list[GroupingAuc], cal.CalibrationSums | None]:
    """Rank the rows once (block by block) and compute every grouping's AUC, DeLong variance and ROC.

    ``cell``: the row's cell code (``spec.lut`` maps it to a group), or a function giving the codes of
    the row indices it is called with (a block); ``y_true``: 0/1.
    ``calibration=(n_cells, n_bins)`` also accumulates the calibration sums per cell from the blocks.
    """
    accs = [_new_acc(sp) for sp in specs]
    cs: cal.CalibrationSums | None = None
    if calibration is not None:
        n_cells, n_bins = calibration
        cs = cal.CalibrationSums(
            np.zeros((n_cells, n_bins), np.int64),
            np.zeros((n_cells, n_bins)),
            np.zeros((n_cells, n_bins)),
            np.zeros(n_cells),
        )
    for s, y, c in score_blocks(score, y_true, cell, block_rows=block_rows):
        yb = y.astype(bool, copy=False)
        no_ties = s.size < 2 or bool((s[1:] != s[:-1]).all())
        for acc in accs:
            _add_block(acc, s, yb, c, no_ties)
        if cs is not None:
            part = cal.calibration_sums(c, cs.count.shape[0], s, yb.astype(np.float64), cs.count.shape[1])
            cs.count += part.count
            cs.sum_score += part.sum_score
            cs.sum_true += part.sum_true
            cs.sq_err += part.sq_err
    return [_finish(a) for a in accs], cs


def _z(level: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(1.0 - (1.0 - level) / 2.0)


def delong_ci(auc: np.ndarray, var: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """pROC's ``ci_auc_delong``: ``auc ± z·sqrt(var)`` clipped to [0, 1]; NaN where undefined."""
    sd = np.sqrt(var)
    z = _z(level)
    return np.clip(auc - z * sd, 0.0, 1.0), np.clip(auc + z * sd, 0.0, 1.0)


def delong_difference(
    auc_hi: float, var_hi: float, auc_lo: float, var_lo: float, level: float
) -> tuple[float, float, float, float]:
    """Difference of the AUCs of two disjoint groups (independent samples, pROC's unpaired DeLong):
    ``(difference, low, high, two-sided p-value)``; NaN when a variance is undefined."""
    from statistics import NormalDist

    d = auc_hi - auc_lo
    v = var_hi + var_lo
    if not (math.isfinite(d) and math.isfinite(v)):
        return d, math.nan, math.nan, math.nan
    sd = math.sqrt(v)
    z = _z(level)
    p = (1.0 if d == 0 else 0.0) if sd == 0.0 else 2.0 * (1.0 - NormalDist().cdf(abs(d) / sd))
    return d, d - z * sd, d + z * sd, p
