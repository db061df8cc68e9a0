"""Compiled loops of the row-level AUC bootstrap (Numba).

Each resample of :func:`.ranking.auc_bootstrap_many` costs O(n) for every grouping: a cumulative sum of
the negatives' weights in (group, score) order, then one multiply-add per positive. NumPy does it in
four to six passes over full-length arrays (a gather, a cumulative sum with a type conversion, a second
gather, a product, a segmented sum), about 3 ms per grouping at 1 M rows; one compiled loop reads each
array once (0.5–0.9 ms). The arithmetic is the same integer arithmetic up to the one final division, so
the AUCs are identical to the last bit (tests compare them with scikit-learn's weighted AUC).

Imported lazily by :mod:`.ranking` (only a bootstrap needs it: Numba's import and the compiled code
stay out of every other evaluation). The machine code is cached on disk after the first call
(``NUMBA_CACHE_DIR``, else beside this file, else in the user's cache directory); where none is writable
it is compiled once per process (about half a second).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numba import njit


def _compiled(fn: Callable[..., Any]) -> Any:
    try:
        return njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # no writable cache location (read-only install, no home directory)
        return njit(nogil=True)(fn)


@_compiled
def count_draws(per_block: np.ndarray, pos_in_block: np.ndarray, block: int, w: np.ndarray) -> None:
    """``w[b · block + pos] += 1`` for the draws of each block in turn (``per_block[b]`` of them, their
    positions read in order from ``pos_in_block``); ``w`` is zeroed first. One block's counts stay in
    the cache while its draws are counted."""
    w[:] = 0
    k = 0
    for b in range(per_block.size):
        base = b * block
        for _ in range(per_block[b]):
            w[base + pos_in_block[k]] += 1
            k += 1


@_compiled
def weighted_auc(
    w_pos: np.ndarray,
    w_neg: np.ndarray,
    pos_perm: np.ndarray,
    neg_perm: np.ndarray,
    below: np.ndarray,
    tie_end: np.ndarray,
    pos_start: np.ndarray,
    neg_start: np.ndarray,
    c: np.ndarray,
    out: np.ndarray,
) -> None:
    """Per-group AUC of one grouping for the row weights ``w_pos`` / ``w_neg`` (see
    :func:`.ranking.auc_from_weights` for the formula). ``pos_perm`` / ``neg_perm`` / ``tie_end`` are
    empty when absent (identity order, no ties between a positive and a negative); ``c`` is scratch
    space of ``w_neg.size + 1`` integers."""
    n_neg = w_neg.size
    c[0] = 0
    acc = 0
    if neg_perm.size:
        for k in range(n_neg):
            acc += w_neg[neg_perm[k]]
            c[k + 1] = acc
    else:
        for k in range(n_neg):
            acc += w_neg[k]
            c[k + 1] = acc
    has_perm = pos_perm.size > 0
    has_ties = tie_end.size > 0
    for g in range(pos_start.size - 1):
        p0 = pos_start[g]
        p1 = pos_start[g + 1]
        if p1 == p0:
            out[g] = np.nan
            continue
        num2 = np.int64(0)
        p = np.int64(0)
        for i in range(p0, p1):
            wi = np.int64(w_pos[pos_perm[i]] if has_perm else w_pos[i])
            if has_ties:
                num2 += wi * (np.int64(c[below[i]]) + np.int64(c[tie_end[i]]))
            else:
                num2 += wi * np.int64(c[below[i]])
            p += wi
        if not has_ties:
            num2 *= 2  # a positive's tie run holds no negative: C[below] counted twice
        base = np.int64(c[neg_start[g]])
        num2 -= 2 * base * p
        den = 2.0 * p * (np.int64(c[neg_start[g + 1]]) - base)  # 2 W⁺_g W⁻_g
        out[g] = num2 / den if den != 0 else np.nan
