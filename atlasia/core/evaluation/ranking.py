"""Full-length ranking per group for the row-level AUC bootstrap (``auc_intervals="bootstrap"``).

The point estimates, DeLong intervals and ROC curves come from the bounded-memory pass of :mod:`.auc`;
this module keeps what only the bootstrap needs (and the month-by-month AUC reuses :mod:`.auc` too).

The rows are sorted by ``(group, score)`` — one argsort of the scores shared by every grouping, then a
stable (radix) sort on the small group codes. Within a group, rows with equal scores form a *tie run*.
The AUC of group *g* is the Mann–Whitney statistic

    AUC_g = Σ_runs pos_run · (neg_below_run + ½ neg_run) / (P_g · N_g),

which equals scikit-learn's trapezoidal ``roc_auc_score`` (ties count one half). A group with only one
class has no AUC (``NaN``), where scikit-learn raises.

The bootstrap draws multinomial row weights (the exact distribution of resampling rows with
replacement) and evaluates the same formula with weighted cumulative sums: O(n) per resample, no
re-sorting, exact AUC for each resample. One draw of weights serves every grouping (the groupings of a
resample are computed on the same resampled table), and the weights are drawn in two stages — blocks of
256 rows, then a position inside the block (see :func:`multinomial_weights`) — which keeps the counting
pass cache-local. The per-resample loops (counting the draws, the weighted sums of each grouping) are
compiled (:mod:`.kernels`, Numba): one pass over each array instead of NumPy's four to six.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "AucBootLayout",
    "RankedGroups",
    "auc_bootstrap",
    "auc_bootstrap_many",
    "auc_from_weights",
    "multinomial_weights",
    "rank_groups",
    "score_order",
]


def score_order(score: np.ndarray) -> np.ndarray:
    """The one argsort of the scores (ascending, stable), shared by all groupings.

    Non-negative scores (probabilities) are sorted by their IEEE bit patterns as int64, which order
    exactly like the values (``+ 0.0`` turns ``-0.0`` into ``0.0``): the same permutation as a stable
    float argsort, about a third faster.
    """
    if score.dtype == np.float64 and score.size and not np.isnan(score).any():
        key = score + 0.0
        if key.min() >= 0.0:
            return np.argsort(key.view(np.int64), kind="stable")
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
    pos_below: np.ndarray  # index into the negatives array where the positive's tie run starts
    pos_tie_end: np.ndarray | None  # index where its tie run ends (None when no ties pos/neg)
    neg_group_start: np.ndarray  # (n_groups + 1,) start of each group in the negatives array
    pos_perm: np.ndarray | None  # (group, score) order of positives -> their rank in score order
    neg_perm: np.ndarray | None  # same for negatives; None when there is one group (identity)

    def boot_layout(self) -> AucBootLayout:
        """The part of this ranking the bootstrap needs (the rest can be freed)."""
        # the compiled loops read int32 indices as fast as int64 ones: half the memory
        n = self.pos_below.size + int(self.neg_group_start[-1])
        itype = np.int32 if n < 2**31 else np.int64

        def idx(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a.astype(itype, copy=False)

        return AucBootLayout(
            n_groups=self.n_groups,
            pos_perm=idx(self.pos_perm),
            neg_perm=idx(self.neg_perm),
            pos_start=np.concatenate(([0], np.cumsum(self.pos))),
            neg_start=self.neg_group_start,
            below=self.pos_below.astype(itype, copy=False),
            tie_end=idx(self.pos_tie_end),
        )


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
    pos_perm = neg_perm = None
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
        # bootstrap layout: where each positive / negative of the (group, score) order sits among the
        # positives / negatives in score order (stable sorts, so the same relative order as ``sub``)
        y_glob_b = y_glob.astype(bool, copy=False)
        pos_perm = np.argsort(g_in_order[y_glob_b], kind="stable")
        neg_perm = np.argsort(g_in_order[~y_glob_b], kind="stable")
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
        pos_below=pos_below,
        pos_tie_end=pos_tie_end,
        neg_group_start=neg_group_start,
        pos_perm=pos_perm,
        neg_perm=neg_perm,
    )


@dataclass
class AucBootLayout:
    """One grouping's view of the bootstrap layout [positives in score order, negatives in score order].

    ``pos_perm`` / ``neg_perm`` reorder that layout's positives / negatives into (group, score) order
    (``None``: already in that order, one group); ``below`` / ``tie_end`` index the grouping's negative
    cumulative weights (with a leading 0) at the start / end of each positive's tie run.
    """

    n_groups: int
    pos_perm: np.ndarray | None
    neg_perm: np.ndarray | None
    pos_start: np.ndarray  # (n_groups + 1,)
    neg_start: np.ndarray  # (n_groups + 1,)
    below: np.ndarray
    tie_end: np.ndarray | None


WEIGHT_BLOCK = 256


def _kernels() -> Any:
    """The compiled loops (:mod:`.kernels`), imported on a bootstrap's first use only."""
    from . import kernels

    return kernels


def multinomial_weights(n: int, rng: np.random.Generator) -> np.ndarray:
    """How many times each of *n* rows is drawn when drawing *n* rows uniformly with replacement.

    Exactly Multinomial(n; 1/n, …, 1/n), drawn in two stages: the number of draws falling in each block
    of 256 consecutive rows is multinomial with probabilities ``block size / n`` (one cheap
    ``rng.multinomial`` over n / 256 cells), then each draw picks a row uniformly inside its block
    (one random byte). Block then position-in-block is a uniform row, independently for every draw, so
    the counts have exactly the distribution of ``bincount(rng.integers(0, n, n))`` — but the counting
    pass only touches one 2 KiB block at a time instead of scattering over the whole array.

    Returned as ``uint8``: a row drawn 256 times or more has probability below 1e-500 (and
    ``n < 256`` rows cannot be).
    """
    if n < 4 * WEIGHT_BLOCK:
        return np.bincount(rng.integers(0, n, n), minlength=n).astype(np.uint8)
    n_full, rem = divmod(n, WEIGHT_BLOCK)
    sizes = np.full(n_full + (rem > 0), WEIGHT_BLOCK, dtype=np.float64)
    if rem:
        sizes[-1] = rem
    per_block = rng.multinomial(n, sizes / n)
    # uniform bytes = uniform positions in a block of 256 (raw 64-bit outputs of the generator, split)
    k = int(per_block[:n_full].sum())
    pos_in_block = rng.bit_generator.random_raw((k + 7) // 8).view(np.uint8)[:k]
    w = np.empty(n, dtype=np.uint8)
    _kernels().count_draws(per_block[:n_full], pos_in_block, WEIGHT_BLOCK, w[: n_full * WEIGHT_BLOCK])
    if rem:
        w[n_full * WEIGHT_BLOCK :] = np.bincount(rng.integers(0, rem, per_block[-1]), minlength=rem)
    return w


def auc_from_weights(
    layout: AucBootLayout, w_pos: np.ndarray, w_neg: np.ndarray, scratch: np.ndarray | None = None
) -> np.ndarray:
    """Per-group AUC of one grouping for row weights given in the bootstrap layout.

    Exact integer arithmetic up to the final division: with C the cumulative negative weight in
    (group, score) order, 2·num_g = Σ_{positives i of g} w_i (C[below_i] + C[tie_end_i]) − 2 C[g] W⁺_g
    (a tied negative counts one half), and AUC_g = num_g / (W⁺_g W⁻_g); NaN where a group has no
    positive or no negative drawn. ``scratch``: ``w_neg.size + 1`` integers reused between calls (int32
    while the total weight fits: it is the row count).
    """
    if scratch is None:
        scratch = _scratch(w_neg.size)
    out = np.empty(layout.n_groups)
    _kernels().weighted_auc(
        w_pos,
        w_neg,
        _NONE if layout.pos_perm is None else layout.pos_perm,
        _NONE if layout.neg_perm is None else layout.neg_perm,
        layout.below,
        _NONE if layout.tie_end is None else layout.tie_end,
        layout.pos_start,
        layout.neg_start,
        scratch,
        out,
    )
    return out


_NONE = np.empty(0, dtype=np.int32)  # an absent index array, for the compiled loop


def _scratch(n_neg: int) -> np.ndarray:
    return np.empty(n_neg + 1, dtype=np.int32 if n_neg < 2**31 - 1 else np.int64)


#: Resamples per block: each block has its own generator (seeded from ``rng``), so the samples do not
#: depend on how many processes share the blocks.
BOOT_BLOCK = 25

_SHARED_LAYOUTS: list[AucBootLayout] = []


def _boot_blocks(layouts: list[AucBootLayout], seeds: list[int], sizes: list[int]) -> list[list[np.ndarray]]:
    n_pos = int(layouts[0].pos_start[-1])
    n = n_pos + int(layouts[0].neg_start[-1])
    scratch = _scratch(n - n_pos)
    outs = []
    for seed, size in zip(seeds, sizes, strict=True):
        rng = np.random.default_rng(seed)
        block = [np.empty((size, lay.n_groups)) for lay in layouts]
        for b in range(size):
            w = multinomial_weights(n, rng)
            w_pos, w_neg = w[:n_pos], w[n_pos:]
            for lay, out in zip(layouts, block, strict=True):
                out[b] = auc_from_weights(lay, w_pos, w_neg, scratch)
        outs.append(block)
    return outs


def _boot_worker(args: tuple[list[int], list[int]]) -> list[list[np.ndarray]]:
    # runs in a forked process: the layouts are inherited (copy-on-write), not pickled
    return _boot_blocks(_SHARED_LAYOUTS, *args)


def auc_bootstrap_many(
    layouts: list[AucBootLayout], n_resamples: int, rng: np.random.Generator, *, n_jobs: int = 1
) -> list[np.ndarray]:
    """Row-level bootstrap of the AUC of several groupings of the same rows, one resample at a time.

    Each resample draws multinomial weights over all rows once (:func:`multinomial_weights`), laid out
    as [positives in score order, negatives in score order] — rows are exchangeable, so any fixed
    layout gives the same distribution as resampling the original table — and every grouping's AUCs
    are computed from those weights. Returns one ``(n_resamples, n_groups)`` array per layout.

    The resamples are drawn in blocks of ``BOOT_BLOCK``, each from its own generator seeded from
    ``rng``; with ``n_jobs > 1`` the blocks are shared among forked processes (same samples).
    """
    if not layouts:
        return []
    sizes = [min(BOOT_BLOCK, n_resamples - i) for i in range(0, n_resamples, BOOT_BLOCK)]
    seeds = [int(x) for x in rng.integers(0, 2**63 - 1, len(sizes))]
    jobs = max(1, min(n_jobs, len(sizes)))
    if jobs == 1:
        blocks = _boot_blocks(layouts, seeds, sizes)
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        global _SHARED_LAYOUTS
        # compile (or load) the loops for these arrays' types here, once, not in every forked process
        _boot_blocks(layouts, seeds[:1], [1])
        _SHARED_LAYOUTS = layouts
        try:
            parts = [(seeds[j::jobs], sizes[j::jobs]) for j in range(jobs)]
            with ProcessPoolExecutor(jobs, mp_context=mp.get_context("fork")) as pool:
                done = list(pool.map(_boot_worker, parts))
        finally:
            _SHARED_LAYOUTS = []
        blocks = [None] * len(sizes)  # type: ignore[list-item]
        for j, res in enumerate(done):
            for i, block in zip(range(j, len(sizes), jobs), res, strict=True):
                blocks[i] = block
    return [np.concatenate([blk[k] for blk in blocks]) for k in range(len(layouts))]


def auc_bootstrap(rg: RankedGroups, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """AUC per group for ``n_resamples`` row-level bootstrap resamples: array ``(n_resamples, n_groups)``."""
    return auc_bootstrap_many([rg.boot_layout()], n_resamples, rng)[0]
