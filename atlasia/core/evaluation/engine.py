"""The evaluation engine: one pass of counting, then everything derives from small arrays.

1. Each group column is encoded once to integer codes; the codes are combined into one *cell* code
   (the intersection of all group columns, laid out as their Cartesian product).
2. One ``np.bincount`` over ``cell * 4 + y_true * 2 + y_pred`` gives the confusion counts of every
   cell. Overall, per-column (marginal) and intersection figures are sums over cell axes.
3. Scores: one argsort shared by every grouping (AUC, ROC), and per (cell, bin) sums for calibration.
4. Bootstrap: counts drawn from a multinomial (count-based metrics), multinomial row weights (AUC).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from . import SCHEMA_VERSION, memory
from . import auc as auc_mod
from . import bootstrap as bs
from . import calibration as cal
from . import metrics as mt
from . import ranking as rk
from . import regression as rg
from .io import (
    PreparedTable,
    RawGroup,
    _check_group_cardinality,
    prepare_table,
    present_order,
)
from .messages import input_error, n

__all__ = ["SCHEMA_VERSION", "evaluate", "evaluate_file"]


GAP_METRICS: tuple[str, ...] = (
    "accuracy",
    "precision",
    "recall",
    "false_positive_rate",
    "false_negative_rate",
    "selection_rate",
    "f1",
)
DISPARITY_METRICS: tuple[str, ...] = (
    "count",
    "accuracy",
    "precision",
    "recall",
    "false_positive_rate",
    "false_negative_rate",
    "true_negative_rate",
    "selection_rate",
    "f1",
)

Progress = Callable[[float, str], None]

AUC_INTERVAL_METHODS = ("delong", "bootstrap", "all", "none")
BOOTSTRAP_AUC = ("bootstrap", "all")


def _f(x: Any) -> float | None:
    """JSON-safe float: NaN and infinities become ``None``."""
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def _noop(_fraction: float, _label: str) -> None:
    return None


def _as_frame(data: pl.DataFrame | Mapping[str, Any]) -> pl.DataFrame:
    if isinstance(data, pl.DataFrame):
        return data
    if isinstance(data, Mapping):
        return pl.DataFrame(
            {k: (np.asarray(v) if not isinstance(v, pl.Series) else v) for k, v in data.items()}
        )
    raise input_error("eval.not_a_table")


class _Grouping:
    def __init__(
        self, names: list[str], axes: tuple[int, ...], labels: list[list[str]], dims: tuple[int, ...]
    ):
        self.names = names
        self.axes = axes
        self.dims = dims
        self.labels = labels  # one list of values per group, e.g. ["F", "18-25"]
        self.kind = "marginal" if len(axes) == 1 else "intersection"
        self.name = " × ".join(names)
        self.n_groups = len(labels)

    def reduce(self, cell_array: np.ndarray, lead: int = 0) -> np.ndarray:
        """Sum a per-cell array (cells on axis ``lead``) to this grouping's groups."""
        shape = cell_array.shape
        full = shape[:lead] + self.dims + shape[lead + 1 :]
        drop = tuple(lead + i for i in range(len(self.dims)) if i not in self.axes)
        red = cell_array.reshape(full).sum(axis=drop) if drop else cell_array.reshape(full)
        return red.reshape((*shape[:lead], self.n_groups, *shape[lead + 1 :]))

    def lut(self) -> np.ndarray:
        """Group code of each cell code (a small table, in the smallest integer type)."""
        idx = np.unravel_index(np.arange(int(np.prod(self.dims))), self.dims)
        lut = np.zeros(idx[0].size, dtype=np.int32)
        for a in self.axes:
            lut = lut * self.dims[a] + idx[a].astype(np.int32)
        return lut.astype(_uint_for(self.n_groups), copy=False)

    def codes(self, cell: np.ndarray) -> np.ndarray:
        """Group code of each row, from its cell code."""
        if len(self.axes) == len(self.dims):
            return cell
        return self.lut()[cell]  # small lookup table: one streaming gather


def _groupings(
    names: list[str], values: list[list[str]], intersections: bool
) -> tuple[list[_Grouping], tuple[int, ...]]:
    """Marginals (one column each) then intersections; ``values``: sorted labels of each column."""
    dims = tuple(len(v) for v in values)
    k = len(dims)
    subsets: list[tuple[int, ...]] = [(i,) for i in range(k)]
    if intersections and k >= 2:
        if k <= 4:
            for size in range(2, k + 1):
                subsets.extend(itertools.combinations(range(k), size))
        else:
            subsets.append(tuple(range(k)))
    out = []
    for axes in subsets:
        labels = [list(t) for t in itertools.product(*(values[a] for a in axes))]
        out.append(_Grouping([names[a] for a in axes], axes, labels, dims))
    return out, dims


MAX_CELLS = 5_000_000
RAW_CELLS_MIN_LIMIT = 1 << 16
#: Rows coded and counted at a time (bounded transient memory).
ROW_CHUNK = 1 << 20
#: Elements (resamples × groups) of the bootstrap's metric samples derived at a time.
BOOT_STEP_ELEMENTS = 1 << 14


def _uint_for(k: int) -> type[np.unsignedinteger[Any]] | type[np.signedinteger[Any]]:
    """Smallest integer type holding codes ``0..k-1`` that ``np.bincount`` accepts."""
    for t in (np.uint8, np.uint16, np.uint32):
        if k <= np.iinfo(t).max + 1:
            return t
    return np.intp


class _CellIndex:
    """The group columns combined into one *cell* code, and (for classification) the confusion counts.

    Rows are counted once by (raw cell, y_true, y_pred) — raw cells combine the columns' raw codes
    (see :class:`~.io.RawGroup`), so the only passes over the rows are building that code (in place,
    in the smallest integer type that holds it) and one ``np.bincount``. The values present in each
    column, their sorted order and the counts per cell in that order are derived from the small count
    array. The row-level cell code in sorted order is only needed with scores or in regression: it is
    computed for the rows asked for (:meth:`cell_at`, a block of the score order) from the columns'
    raw codes when these are views of the frame (an ``Enum``'s codes: no full-length array is built),
    otherwise built once while counting (``cell``, 1 byte per row for < 256 cells).
    """

    def __init__(
        self,
        raw_groups: Sequence[RawGroup],
        n: int,
        y_true: np.ndarray | None,
        y_pred: np.ndarray | None,
        want_cell: bool,
    ) -> None:
        groups = list(raw_groups)
        raw_dims = [len(g.raw_labels) for g in groups]
        if math.prod(raw_dims) > max(RAW_CELLS_MIN_LIMIT, n // 8):
            # many unused raw combinations (sparse codes, large Enum): encode each column first
            groups = [_exact(g) for g in groups]
            raw_dims = [len(g.raw_labels) for g in groups]
            _check_cells(math.prod(raw_dims))
        n_raw = math.prod(raw_dims)
        with_labels = y_true is not None and y_pred is not None
        k = n_raw * 4 if with_labels else n_raw
        ctype = _uint_for(k)
        # rows are coded and counted by chunks: the transient arrays (the code, and the conversion to
        # ``intp`` inside ``np.bincount``) stay a few MiB whatever the number of rows
        # raw codes that are views of the frame's columns cost nothing to keep: cells are then computed
        # for the rows asked for; raw codes made here (shifted integers, encoded text) are not kept
        lazy = want_cell and all(not g.raw.flags.owndata for g in groups)
        raw_cell: np.ndarray | None = (
            np.empty(n, _uint_for(n_raw)) if want_cell and groups and not lazy else None
        )
        counted = np.zeros(k, dtype=np.int64)
        for c0 in range(0, n, ROW_CHUNK):
            c1 = min(n, c0 + ROW_CHUNK)
            if groups:
                code = groups[0].raw[c0:c1].astype(ctype)
                for g, d in zip(groups[1:], raw_dims[1:], strict=True):
                    code *= d
                    np.add(code, g.raw[c0:c1], out=code, casting="unsafe")
                if raw_cell is not None:
                    raw_cell[c0:c1] = code
            elif with_labels:
                assert y_true is not None
                code = y_true[c0:c1].astype(ctype)
            else:
                code = np.zeros(c1 - c0, dtype=ctype)
            if with_labels:
                assert y_true is not None and y_pred is not None
                if groups:
                    code <<= 1
                    np.bitwise_or(code, y_true[c0:c1], out=code, casting="unsafe")
                code <<= 1
                np.bitwise_or(code, y_pred[c0:c1], out=code, casting="unsafe")
            counted += np.bincount(code, minlength=k)
            del code
        if with_labels:
            flat = counted.reshape(n_raw, 4)
            per_raw_cell = flat.sum(axis=1)
        else:
            flat = None
            per_raw_cell = counted
        # values present in each column, in sorted label order
        per_raw_cell = per_raw_cell.reshape(raw_dims)
        sels: list[np.ndarray] = []
        self.names = [g.name for g in groups]
        self.values: list[list[str]] = []
        for i, g in enumerate(groups):
            other = tuple(j for j in range(len(groups)) if j != i)
            present = (per_raw_cell.sum(axis=other) if other else per_raw_cell) > 0
            sel, labels = present_order(g.raw_labels, present, g.ordered)
            _check_group_cardinality(g.name, len(labels))
            sels.append(sel)
            self.values.append(labels)
        self.dims = tuple(len(v) for v in self.values)
        self.n_cells = _check_cells(math.prod(self.dims))
        self.counts: np.ndarray | None = None
        if flat is not None:
            cube = flat.reshape(*raw_dims, 4)
            self.counts = (cube[np.ix_(*sels)] if sels else cube).reshape(self.n_cells, 4)
        self.n = n
        self.cell: np.ndarray | None = None
        # int32 at most, in the smallest type that holds the cell codes (one byte for < 256 cells)
        self.cell_type = _uint_for(self.n_cells)
        self._raw: list[np.ndarray] = []  # the columns' raw codes (views of the frame), if lazy
        self._raw_dims = raw_dims
        self._raw_type = _uint_for(n_raw)
        self._lut: np.ndarray | None = None  # raw cell code -> cell code
        if want_cell and groups:
            lut = np.zeros(raw_dims, dtype=self.cell_type)
            lut[np.ix_(*sels)] = np.arange(self.n_cells, dtype=self.cell_type).reshape(self.dims)
            self._lut = lut.ravel()
            if raw_cell is None:
                self._raw = [g.raw for g in groups]
            else:
                self.cell = np.empty(n, dtype=self.cell_type)
                for c0 in range(0, n, ROW_CHUNK):
                    np.take(self._lut, raw_cell[c0 : c0 + ROW_CHUNK], out=self.cell[c0 : c0 + ROW_CHUNK])
                del raw_cell

    def cell_at(self, rows: np.ndarray | slice) -> np.ndarray:
        """Cell codes of these rows (indices, or a slice with explicit bounds)."""
        if self.cell is not None:
            return self.cell[rows]
        if not self._raw:  # no group column: one cell
            size = rows.stop - rows.start if isinstance(rows, slice) else rows.size
            return np.zeros(size, dtype=self.cell_type)
        assert self._lut is not None
        code = self._raw[0][rows].astype(self._raw_type)
        for raw, d in zip(self._raw[1:], self._raw_dims[1:], strict=True):
            code *= d
            np.add(code, raw[rows], out=code, casting="unsafe")
        return self._lut[code]

    def full_cell(self) -> np.ndarray:
        """The cell code of every row (built, chunk by chunk, if only computed per block so far)."""
        if self.cell is None:
            cell = np.empty(self.n, dtype=self.cell_type)
            for c0 in range(0, self.n, ROW_CHUNK):
                c1 = min(self.n, c0 + ROW_CHUNK)
                cell[c0:c1] = self.cell_at(slice(c0, c1))
            self.cell = cell
        return self.cell

    def drop_cells(self) -> None:
        """Free the row-level cell codes (and let go of the columns' raw codes)."""
        self.cell = None
        self._raw = []


def _exact(g: RawGroup) -> RawGroup:
    e = g.encode()
    return RawGroup(e.name, e.codes, e.labels, ordered=True, exact=True)


def _check_cells(n_cells: int) -> int:
    if n_cells > MAX_CELLS:
        raise input_error("eval.too_many_cells", count=n(n_cells))
    return n_cells


def _metric_entry(value: Any, lo: Any = None, hi: Any = None) -> dict[str, Any]:
    return {"value": _f(value), "ci": None if lo is None or _f(lo) is None else [_f(lo), _f(hi)]}


def _flist(a: np.ndarray) -> list[float | None]:
    """JSON-safe floats of an array (NaN and infinities become ``None``), converted once."""
    return [x if math.isfinite(x) else None for x in np.asarray(a, dtype=np.float64).tolist()]


def _metric_entries(
    values: np.ndarray, ci: tuple[np.ndarray, np.ndarray] | None = None
) -> list[dict[str, Any]]:
    """``_metric_entry`` for every group of an array of values (and interval bounds)."""
    vals = _flist(values)
    if ci is None:
        return [{"value": v, "ci": None} for v in vals]
    los, his = _flist(ci[0]), _flist(ci[1])
    return [
        {"value": v, "ci": None if lo is None else [lo, hi]} for v, lo, hi in zip(vals, los, his, strict=True)
    ]


def evaluate(
    data: pl.DataFrame | Mapping[str, Any],
    *,
    target: str = "y_true",
    pred: str | None = None,
    score: str | None = None,
    groups: Sequence[str] = (),
    date: str | None = None,
    reference: pl.DataFrame | Mapping[str, Any] | None = None,
    task: str = "classification",
    threshold: float = 0.5,
    n_bootstrap: int = 1000,
    seed: int | None = 0,
    level: float = 0.95,
    min_group_size: int = 30,
    n_bins: int = cal.N_BINS,
    intersections: bool = True,
    auc_intervals: str = "delong",
    n_jobs: int = 1,
    drift_features: Sequence[str] | None = None,
    progress: Progress | None = None,
    source_is_csv: bool = False,
    notes: Sequence[str] = (),
) -> dict[str, Any]:
    """Evaluate a table of predictions; return a JSON-serialisable dict (see ``SCHEMA_VERSION``).

    ``task`` is ``"classification"`` (binary ``target``; ``pred`` 0/1 and/or ``score`` in [0, 1]; without
    ``pred``, decisions are ``score >= threshold``) or ``"regression"`` (numeric ``target`` and ``pred``).
    ``auc_intervals``: ``"delong"`` (default, as pROC: every group of every grouping, and the difference
    between groups), ``"bootstrap"`` (row-level bootstrap of overall and one column at a time; ``"all"``:
    every grouping) or ``"none"``. ``n_jobs``: processes for the AUC bootstrap (results do not depend on it).
    ``progress(fraction, label_fr)`` is called as steps complete.
    """
    t0 = time.perf_counter()
    report = progress or _noop
    if task not in {"classification", "regression"}:
        raise input_error("eval.task_unknown", task=task)
    if min_group_size < 1:
        raise input_error("eval.min_group_size")
    cfg = bs.BootstrapConfig(n_bootstrap, seed, level)
    if auc_intervals == "marginal":  # name used before DeLong became the default
        auc_intervals = "bootstrap"
    if auc_intervals not in AUC_INTERVAL_METHODS:
        raise input_error("eval.auc_method_unknown", method=auc_intervals)
    if n_jobs < 1:
        raise input_error("eval.jobs")
    report(0.0, "Lecture et vérification des colonnes")
    df = _as_frame(data)
    groups = list(groups)
    if len(set(groups)) != len(groups):
        raise input_error("eval.group_twice")
    table = prepare_table(
        df,
        target=target,
        pred=pred,
        score=score,
        groups=groups,
        date=date,
        task=task,
        source_is_csv=source_is_csv,
        raw_groups=True,
    )
    all_notes = list(notes)
    if task == "classification" and table.y_pred is None:
        assert table.y_score is not None
        table.y_pred = (table.y_score >= threshold).astype(np.int8)
        all_notes.append(f"Décisions calculées à partir du score avec le seuil {threshold:g}.")
    classification = task == "classification"
    cells = _CellIndex(
        table.raw_groups,
        table.n,
        table.y_true if classification else None,
        table.y_pred if classification else None,
        want_cell=not classification or table.y_score is not None,
    )
    table.raw_groups = []  # the cell index holds what is needed
    memory.release()  # the chunks counted (see memory.py: the next step starts from the live arrays)
    groupings, _dims = _groupings(cells.names, cells.values, intersections)
    rng_counts, rng_auc, rng_reg = bs.rngs(seed, 3)
    report(0.1, "Comptage par groupe")

    result: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "task": task,
        "parameters": {
            "target": target,
            "pred": pred,
            "score": score,
            "groups": groups,
            "date": date,
            "threshold": threshold if (task == "classification" and pred is None) else None,
            "bootstrap": cfg.as_dict(),
            "min_group_size": min_group_size,
            "n_bins": n_bins,
            "intersections": intersections,
            "auc_intervals": auc_intervals,
            "auc_interval_method": (
                None
                if auc_intervals == "none" or (auc_intervals != "delong" and n_bootstrap == 0)
                else ("delong" if auc_intervals == "delong" else "bootstrap")
            ),
        },
        "data": {"n_rows": table.n, "reference_rows": None},
        "notes": all_notes,
    }
    if task == "regression":
        _evaluate_regression(
            result, table, groupings, cells.full_cell(), cells.n_cells, cfg, rng_reg, min_group_size, report
        )
    else:
        assert cells.counts is not None
        _evaluate_classification(
            result,
            table,
            groupings,
            cells,
            cfg,
            rng_counts,
            rng_auc,
            min_group_size,
            n_bins,
            auc_intervals,
            report,
            n_jobs,
        )
    if table.month is not None:
        report(0.85, "Évolution par mois")
        result["time"] = _time_section(table, df, reference, score, task)
    else:
        result["time"] = None
    if reference is not None:
        report(0.9, "Dérive par rapport à la référence")
        ref = _as_frame(reference)
        result["data"]["reference_rows"] = ref.height
        result["drift"] = _drift_section(ref, df, drift_features, date, target, pred, score, groups)
    else:
        result["drift"] = None
    result["timing_seconds"] = round(time.perf_counter() - t0, 4)
    report(1.0, "Terminé")
    return result


# ------------------------------------------------------------------------------------------ classification


def _evaluate_classification(
    result: dict[str, Any],
    table: PreparedTable,
    groupings: list[_Grouping],
    cells: _CellIndex,
    cfg: bs.BootstrapConfig,
    rng_counts: np.random.Generator,
    rng_auc: np.random.Generator,
    min_group_size: int,
    n_bins: int,
    auc_intervals: str,
    report: Progress,
    n_jobs: int = 1,
) -> None:
    assert table.y_true is not None and table.y_pred is not None
    delong = auc_intervals == "delong"
    # counts: (cells, 4) confusion counts; ``cells``: row-level cell codes (only with scores), computed
    # block by block while the scores are ranked
    assert cells.counts is not None
    counts, n_cells = cells.counts, cells.n_cells
    total = counts.sum(axis=0)
    result["data"].update(n_positive=int(total[2] + total[3]), prevalence=_f((total[2] + total[3]) / table.n))
    g_counts = [g.reduce(counts) for g in groupings]
    overall_m = mt.count_metrics(total)
    g_metrics = [mt.count_metrics(c) for c in g_counts]

    # ---- bootstrap of count-based metrics (multinomial counts)
    B = cfg.n_resamples
    boot_overall: dict[str, np.ndarray] = {}
    boot_batches: list[np.ndarray] = []
    if B > 0:
        report(0.2, "Intervalles de confiance (rééchantillonnage des effectifs)")
        # the resampled counts per cell are kept (B × cells × 4 small integers); each grouping's
        # metric samples are derived from them when that grouping is written, then freed
        ctype = np.int32 if table.n < 2**31 else np.int64
        boot_batches = [b.astype(ctype) for b in bs.multinomial_counts(counts, B, rng_counts)]
        parts_o: dict[str, list[np.ndarray]] = {m: [] for m in mt.COUNT_METRICS}
        for batch in boot_batches:
            om = mt.count_metrics(batch.sum(axis=1))
            for m in mt.COUNT_METRICS:
                parts_o[m].append(om[m])
        boot_overall = {m: np.concatenate(v) for m, v in parts_o.items()}

    def boot_grouping(g: _Grouping) -> dict[str, np.ndarray]:
        if not boot_batches:
            return {}
        # each metric's (resamples × groups) samples are written in place, a few resamples at a time:
        # the temporaries of ``count_metrics`` stay small and no list of parts is concatenated
        out = {m: np.empty((B, g.n_groups)) for m in mt.COUNT_METRICS}
        step = max(1, BOOT_STEP_ELEMENTS // max(1, g.n_groups))
        done = 0
        for batch in boot_batches:
            for j in range(0, batch.shape[0], step):
                gm_b = mt.count_metrics(g.reduce(batch[j : j + step], lead=1))
                rows = slice(done, done + gm_b["count"].shape[0])
                for m in mt.COUNT_METRICS:
                    out[m][rows] = gm_b[m]
                done = rows.stop
        return out

    # ---- scores: AUC, DeLong variance, ROC and calibration of every grouping in one bounded-memory
    # pass over the rows in score order (see auc.py); the row-level bootstrap only when asked.
    ranked: list[auc_mod.GroupingAuc | None] = [None] * len(groupings)
    ranked_overall: auc_mod.GroupingAuc | None = None
    calib_cells: cal.CalibrationSums | None = None
    boot_auc: list[np.ndarray | None] = [None] * len(groupings)
    boot_auc_overall: np.ndarray | None = None
    if table.y_score is not None:
        report(0.3, "AUC et courbes ROC")
        pos_cell = counts[:, 2] + counts[:, 3]
        neg_cell = counts[:, 0] + counts[:, 1]
        specs = [auc_mod.GroupingSpec(None, pos_cell.sum(keepdims=True), neg_cell.sum(keepdims=True), True)]
        for g in groupings:
            specs.append(
                auc_mod.GroupingSpec(g.lut(), g.reduce(pos_cell), g.reduce(neg_cell), g.kind == "marginal")
            )
        results, calib_cells = auc_mod.stream_auc(
            table.y_score, table.y_true, cells.cell_at, specs, calibration=(n_cells, n_bins)
        )
        ranked_overall, ranked = results[0], list(results[1:])
        if auc_intervals in BOOTSTRAP_AUC and B > 0:
            report(0.5, "Intervalles de confiance des AUC (rééchantillonnage des lignes)")
            boot_auc_overall, boot_auc = _auc_bootstrap(
                table, cells, groupings, B, rng_auc, all_groupings=auc_intervals == "all", n_jobs=n_jobs
            )
        cells.drop_cells()  # a row-level cell array (if one was built) is not needed by the results
        memory.release()  # the blocks ranked
        report(0.75, "Calibration")

    report(0.8, "Mise en forme des résultats")
    level = cfg.level
    # ---- overall
    overall: dict[str, Any] = {"confusion": _confusion_dict(total), "metrics": {}}
    for m in mt.COUNT_METRICS:
        lo, hi = bs.percentile_interval(boot_overall[m], level) if B > 0 else (None, None)
        overall["metrics"][m] = _metric_entry(overall_m[m], lo, hi)
    if ranked_overall is not None and calib_cells is not None:
        lo = hi = None
        if boot_auc_overall is not None:
            lo, hi = bs.percentile_interval(boot_auc_overall[:, 0], level)
        elif delong:
            lo, hi = auc_mod.delong_ci(ranked_overall.auc, ranked_overall.var, level)
            lo, hi = lo[0], hi[0]
        overall["metrics"]["roc_auc"] = _metric_entry(ranked_overall.auc[0], lo, hi)
        o_brier, o_ece, o_curves = cal.summarise(calib_cells.total(), n_bins)
        overall["metrics"]["brier"] = _metric_entry(o_brier[0])
        overall["metrics"]["ece"] = _metric_entry(o_ece[0])
        overall["reliability"] = o_curves[0]
        overall["roc"] = ranked_overall.roc_curve(0)
    result["overall"] = overall

    # ---- groupings
    out_groupings = []
    dims = groupings[0].dims if groupings else ()
    boot_g: dict[str, np.ndarray] = {}
    for gi, g in enumerate(groupings):
        c = g_counts[gi]
        gm = g_metrics[gi]
        boot_g = {}  # the previous grouping's samples are freed before this one's are derived
        memory.release()
        boot_g = boot_grouping(g)
        und = mt.undefined_mask(c)
        n_g = c.sum(axis=1)
        empty = n_g == 0
        # per-group values are converted to Python once per metric (``.tolist()``), not per element
        n_l, empty_l, small_l = n_g.tolist(), empty.tolist(), (n_g < min_group_size).tolist()
        c_l = c.tolist()
        und_l = {m: mask.tolist() for m, mask in und.items()}
        entries: dict[str, list[dict[str, Any]]] = {}
        for m in mt.COUNT_METRICS:
            ci_m = bs.percentile_interval(boot_g[m], level) if B > 0 else None
            entries[m] = _metric_entries(gm[m], ci_m)
        rgi = ranked[gi]
        if rgi is not None and calib_cells is not None:
            brier, ece, curves = cal.summarise(calib_cells.reduce(dims, g.axes), n_bins)
            ba_gi = boot_auc[gi]
            auc_ci = None
            if ba_gi is not None:
                auc_ci = bs.percentile_interval(ba_gi, level)
            elif delong:
                auc_ci = auc_mod.delong_ci(rgi.auc, rgi.var, level)
            entries["roc_auc"] = _metric_entries(rgi.auc, auc_ci)
            entries["brier"] = _metric_entries(brier)
            entries["ece"] = _metric_entries(ece)
            auc_undefined = (np.isnan(rgi.auc) & ~empty).tolist()
        names = list(entries)
        groups_out = []
        for j in range(g.n_groups):
            cj = c_l[j]
            entry: dict[str, Any] = {
                "key": g.labels[j],
                "label": " · ".join(g.labels[j]),
                "n": n_l[j],
                "empty": empty_l[j],
                "small": small_l[j],
                "confusion": {"tn": cj[0], "fp": cj[1], "fn": cj[2], "tp": cj[3]},
                "metrics": {m: entries[m][j] for m in names},
                "undefined": [m for m, mask in und_l.items() if mask[j]],
            }
            if rgi is not None and calib_cells is not None:
                if auc_undefined[j]:
                    entry["undefined"].append("roc_auc")
                if g.kind == "marginal":
                    entry["reliability"] = curves[j]
                    entry["roc"] = rgi.roc_curve(j)
            groups_out.append(entry)

        # disparities (empty groups excluded, as fairlearn's skipna): point values of all metrics at once
        stacked = np.where(empty, np.nan, np.stack([gm[m] for m in DISPARITY_METRICS]))
        point_all = mt.disparities(stacked, np.array([overall_m[m] for m in DISPARITY_METRICS]))
        disp: dict[str, Any] = {}
        for i, m in enumerate(DISPARITY_METRICS):
            point = {k: v[i] for k, v in point_all.items()}
            samples: Any = None
            if B > 0:
                bv = boot_g[m]
                if m == "count":
                    bv = np.where(bv == 0, np.nan, bv)
                samples = mt.disparities(bv, boot_overall[m])
            disp[m] = _disparity_entry(point, samples, level)
        if rgi is not None and ranked_overall is not None:
            point = mt.disparities(rgi.auc, ranked_overall.auc[0])
            samples = None
            ba = boot_auc[gi]
            if ba is not None:
                samples = {
                    "difference_between_groups": mt.difference_between(ba),
                    "ratio_between_groups": mt.ratio_between(ba),
                }
            disp["roc_auc"] = _disparity_entry(point, samples, level)
            if delong and ba is None:
                # max − min: the difference of two disjoint groups, DeLong for independent samples
                defined = ~np.isnan(rgi.auc)
                if defined.sum() >= 2:
                    vals = np.where(defined, rgi.auc, np.nan)
                    i_hi, i_lo = int(np.nanargmax(vals)), int(np.nanargmin(vals))
                    _d, lo_d, hi_d, _p = auc_mod.delong_difference(
                        rgi.auc[i_hi], rgi.var[i_hi], rgi.auc[i_lo], rgi.var[i_lo], level
                    )
                    disp["roc_auc"]["difference_between_groups"]["ci"] = (
                        [_f(lo_d), _f(hi_d)] if _f(lo_d) is not None else None
                    )
        fair_in = ("selection_rate", "recall", "false_positive_rate")
        fair_point = mt.fairness_measures({m: np.where(empty, np.nan, gm[m]) for m in fair_in}, overall_m)
        fair_samples = _fairness_samples(boot_g, boot_overall) if B > 0 else None
        fairness = {}
        for k, v in fair_point.items():
            lo = hi = None
            if fair_samples is not None:
                lo, hi = bs.percentile_interval(fair_samples[k], level)
            fairness[k] = _metric_entry(v, lo, hi)

        # largest gap between two groups, with the interval of that specific difference
        gaps: dict[str, Any] = {}
        # compare groups large enough to be reliable when there are at least two of them
        eligible = n_g >= min_group_size
        if eligible.sum() < 2:
            eligible = ~empty
        gap_metrics = GAP_METRICS + (("roc_auc",) if rgi is not None else ())
        gvals = np.stack([rgi.auc if m == "roc_auc" and rgi is not None else gm[m] for m in gap_metrics])
        ok = eligible & ~np.isnan(gvals)
        for i, m in enumerate(gap_metrics):
            if m in und:
                ok[i] &= ~und[m]
        # first minimum / maximum among eligible groups, every metric at once
        lo_idx = np.where(ok, gvals, np.inf).argmin(axis=1).tolist()
        hi_idx = np.where(ok, gvals, -np.inf).argmax(axis=1).tolist()
        n_ok = ok.sum(axis=1).tolist()
        for i, m in enumerate(gap_metrics):
            if n_ok[i] < 2:
                continue
            lo_i, hi_i = lo_idx[i], hi_idx[i]
            vals = gvals[i]
            diff = float(vals[hi_i] - vals[lo_i])
            ci = None
            p_value = None
            bsm = boot_auc[gi] if m == "roc_auc" else (boot_g.get(m) if B > 0 else None)
            if bsm is not None:
                lo, hi = bs.percentile_interval(bsm[:, hi_i] - bsm[:, lo_i], level)
                ci = [_f(lo), _f(hi)] if _f(lo) is not None else None
            elif m == "roc_auc" and delong and rgi is not None:
                _d, lo_d, hi_d, p_d = auc_mod.delong_difference(
                    rgi.auc[hi_i], rgi.var[hi_i], rgi.auc[lo_i], rgi.var[lo_i], level
                )
                ci = [_f(lo_d), _f(hi_d)] if _f(lo_d) is not None else None
                p_value = _f(p_d)
            gaps[m] = {
                "low_group": g.labels[lo_i],
                "high_group": g.labels[hi_i],
                "low_value": _f(vals[lo_i]),
                "high_value": _f(vals[hi_i]),
                "difference": _f(diff),
                "ci": ci,
                "excludes_zero": _excludes_zero(ci),
                "involves_small_group": small_l[lo_i] or small_l[hi_i],
            }
            if m == "roc_auc":
                gaps[m]["method"] = "bootstrap" if bsm is not None else ("delong" if ci else None)
                gaps[m]["p_value"] = p_value
        out_groupings.append(
            {
                "name": g.name,
                "columns": g.names,
                "kind": g.kind,
                "n_groups": g.n_groups,
                "n_empty": int(empty.sum()),
                "n_small": int(((n_g < min_group_size) & ~empty).sum()),
                "groups": groups_out,
                "disparities": disp,
                "fairness": fairness,
                "gaps": gaps,
            }
        )
    result["groupings"] = out_groupings


def _fairness_samples(
    boot_g: dict[str, np.ndarray], boot_overall: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """:func:`~.metrics.fairness_measures` of every resample, computed a few resamples at a time (each
    resample on its own row: the same values) so that its stacked temporaries stay small."""
    n_res, n_groups = boot_g["count"].shape
    step = max(1, BOOT_STEP_ELEMENTS // max(1, n_groups))
    parts = [
        mt.fairness_measures(
            {m: v[i : i + step] for m, v in boot_g.items()},
            {m: v[i : i + step] for m, v in boot_overall.items()},
        )
        for i in range(0, n_res, step)
    ]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _auc_bootstrap(
    table: PreparedTable,
    cells: _CellIndex,
    groupings: list[_Grouping],
    n_resamples: int,
    rng: np.random.Generator,
    *,
    all_groupings: bool,
    n_jobs: int,
) -> tuple[np.ndarray, list[np.ndarray | None]]:
    """Row-level bootstrap of the AUC (overall, and each group column, or every grouping): ``(overall
    samples, samples per grouping)``. Needs full-length ranking arrays (asked for explicitly)."""
    assert table.y_score is not None and table.y_true is not None
    order = rk.score_order(table.y_score)
    s_sorted, y_sorted, cell_sorted = table.y_score[order], table.y_true[order], cells.cell_at(order)
    del order
    layouts = [rk.rank_groups(s_sorted, s_sorted, y_sorted, None, 1, presorted=True).boot_layout()]
    targets = [-1]
    for gi, g in enumerate(groupings):
        if all_groupings or g.kind == "marginal":
            rgg = rk.rank_groups(
                s_sorted, s_sorted, y_sorted, g.codes(cell_sorted), g.n_groups, presorted=True
            )
            layouts.append(rgg.boot_layout())
            targets.append(gi)
            del rgg
    del s_sorted, y_sorted, cell_sorted
    out: list[np.ndarray | None] = [None] * len(groupings)
    overall = np.empty((0, 1))
    for t, samples in zip(
        targets, rk.auc_bootstrap_many(layouts, n_resamples, rng, n_jobs=n_jobs), strict=True
    ):
        if t < 0:
            overall = samples
        else:
            out[t] = samples
    return overall, out


def _excludes_zero(ci: list[float | None] | None) -> bool | None:
    if ci is None or ci[0] is None or ci[1] is None:
        return None
    return bool(ci[0] > 0 or ci[1] < 0)


def _confusion_dict(c: np.ndarray) -> dict[str, int]:
    return {"tn": int(c[0]), "fp": int(c[1]), "fn": int(c[2]), "tp": int(c[3])}


def _disparity_entry(
    point: dict[str, np.ndarray], samples: dict[str, np.ndarray] | None, level: float
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in point.items():
        lo = hi = None
        if samples is not None and k in samples:
            lo, hi = bs.percentile_interval(samples[k], level)
        out[k] = _metric_entry(v, lo, hi)
    return out


# ------------------------------------------------------------------------------------------ regression


def _evaluate_regression(
    result: dict[str, Any],
    table: PreparedTable,
    groupings: list[_Grouping],
    cell: np.ndarray,
    n_cells: int,
    cfg: bs.BootstrapConfig,
    rng: np.random.Generator,
    min_group_size: int,
    report: Progress,
) -> None:
    assert table.y_true is not None and table.y_pred is not None
    sums = rg.regression_sums(cell, n_cells, table.y_true, table.y_pred)
    boot = None
    if cfg.n_resamples > 0:
        report(0.2, "Intervalles de confiance (rééchantillonnage des lignes)")
        boot = rg.regression_bootstrap(cell, n_cells, table.y_true, table.y_pred, cfg.n_resamples, rng)
    level = cfg.level
    total = sums.sum(axis=0)
    om = rg.regression_metrics(total)
    ob = rg.regression_metrics(boot.sum(axis=1)) if boot is not None else None
    overall: dict[str, Any] = {"metrics": {}}
    for m in rg.REGRESSION_METRICS:
        lo, hi = bs.percentile_interval(ob[m], level) if ob is not None else (None, None)
        overall["metrics"][m] = _metric_entry(om[m], lo, hi)
    result["overall"] = overall
    out = []
    for g in groupings:
        gs = g.reduce(sums)
        gm = rg.regression_metrics(gs)
        gb = rg.regression_metrics(g.reduce(boot, lead=1)) if boot is not None else None
        n_g = gs[:, 0]
        empty = n_g == 0
        cis = (
            {m: bs.percentile_interval(gb[m], level) for m in rg.REGRESSION_METRICS} if gb is not None else {}
        )
        groups_out = []
        for j in range(g.n_groups):
            entry: dict[str, Any] = {
                "key": g.labels[j],
                "label": " · ".join(g.labels[j]),
                "n": int(n_g[j]),
                "empty": bool(empty[j]),
                "small": bool(n_g[j] < min_group_size),
                "metrics": {},
                "undefined": [],
            }
            for m in rg.REGRESSION_METRICS:
                lo, hi = (cis[m][0][j], cis[m][1][j]) if cis else (None, None)
                entry["metrics"][m] = _metric_entry(gm[m][j], lo, hi)
            groups_out.append(entry)
        disp = {}
        gaps: dict[str, Any] = {}
        for m in rg.REGRESSION_METRICS:
            vals = np.where(empty, np.nan, gm[m])
            samples = None
            if gb is not None and ob is not None:
                bv = gb[m] if m != "count" else np.where(gb[m] == 0, np.nan, gb[m])
                samples = mt.disparities(bv, ob[m])
            disp[m] = _disparity_entry(mt.disparities(vals, np.asarray(om[m])), samples, level)
            reliable = n_g >= min_group_size
            eligible = reliable if reliable.sum() >= 2 else ~empty
            if m == "count" or eligible.sum() < 2:
                continue
            idx = np.flatnonzero(eligible)
            lo_i = int(idx[np.argmin(vals[idx])])
            hi_i = int(idx[np.argmax(vals[idx])])
            ci = None
            if gb is not None:
                lo, hi = bs.percentile_interval(gb[m][:, hi_i] - gb[m][:, lo_i], level)
                ci = [_f(lo), _f(hi)] if _f(lo) is not None else None
            gaps[m] = {
                "low_group": g.labels[lo_i],
                "high_group": g.labels[hi_i],
                "low_value": _f(vals[lo_i]),
                "high_value": _f(vals[hi_i]),
                "difference": _f(vals[hi_i] - vals[lo_i]),
                "ci": ci,
                "excludes_zero": _excludes_zero(ci),
                "involves_small_group": bool(n_g[lo_i] < min_group_size or n_g[hi_i] < min_group_size),
            }
        out.append(
            {
                "name": g.name,
                "columns": g.names,
                "kind": g.kind,
                "n_groups": g.n_groups,
                "n_empty": int(empty.sum()),
                "n_small": int(((n_g < min_group_size) & ~empty).sum()),
                "groups": groups_out,
                "disparities": disp,
                "fairness": {},
                "gaps": gaps,
            }
        )
    result["groupings"] = out


# ------------------------------------------------------------------------------------------ time and drift


def _time_section(
    table: PreparedTable,
    df: pl.DataFrame,
    reference: pl.DataFrame | Mapping[str, Any] | None,
    score: str | None,
    task: str,
) -> dict[str, Any]:
    from . import drift as dr

    assert table.month is not None and table.y_true is not None and table.y_pred is not None
    k = len(table.month_labels)
    periods: list[dict[str, Any]] = []
    if task == "classification":
        counts = mt.confusion_counts(table.month, k, table.y_true, table.y_pred)
        m = mt.count_metrics(counts)
        auc = None
        if table.y_score is not None:
            month_pos = np.bincount(table.month, weights=table.y_true, minlength=k).astype(np.int64)
            month_neg = np.bincount(table.month, minlength=k) - month_pos
            spec = auc_mod.GroupingSpec(np.arange(k, dtype=np.int32), month_pos, month_neg)
            auc = auc_mod.stream_auc(table.y_score, table.y_true, table.month, [spec])[0][0].auc
        for i, lab in enumerate(table.month_labels):
            row: dict[str, Any] = {"period": lab, "n": int(counts[i].sum())}
            for name in (
                "accuracy",
                "precision",
                "recall",
                "false_positive_rate",
                "selection_rate",
                "base_rate",
            ):
                row[name] = _f(m[name][i])
            if auc is not None:
                row["roc_auc"] = _f(auc[i])
            periods.append(row)
    else:
        sums = rg.regression_sums(table.month, k, table.y_true, table.y_pred)
        m = rg.regression_metrics(sums)
        for i, lab in enumerate(table.month_labels):
            periods.append(
                {"period": lab, "n": int(sums[i, 0]), **{x: _f(m[x][i]) for x in ("mae", "rmse", "bias")}}
            )
    psi_score = None
    basis = None
    if score is not None and table.y_score is not None:
        cur = pl.Series(score, table.y_score)
        if reference is not None:
            ref_df = _as_frame(reference)
            if score in ref_df.columns:
                psi_score = dr.psi_by_period(ref_df.get_column(score), cur, table.month, k)
                basis = "reference"
        if psi_score is None:
            first = cur.filter(pl.Series(table.month == 0))
            psi_score = dr.psi_by_period(first, cur, table.month, k)
            basis = "first_period"
        for row, v in zip(periods, psi_score, strict=True):
            row["psi_score"] = _f(v)
            row["psi_level"] = dr.psi_level(v) if v is not None else None
    return {"granularity": "month", "psi_basis": basis, "periods": periods}


def _drift_section(
    ref: pl.DataFrame,
    cur: pl.DataFrame,
    features: Sequence[str] | None,
    date: str | None,
    target: str,
    pred: str | None,
    score: str | None,
    groups: Sequence[str],
) -> dict[str, Any]:
    from . import drift as dr

    if ref.height == 0:
        raise input_error("eval.reference_empty")
    if features is None:
        feats = [c for c in cur.columns if c in ref.columns and c != date]
    else:
        feats = list(features)
        for f in feats:
            for frame, which in ((cur, "eval.drift_missing_current"), (ref, "eval.drift_missing_reference")):
                if f not in frame.columns:
                    raise input_error(which, column=f, name=f)
    roles = {
        target: "target",
        **({pred: "prediction"} if pred else {}),
        **({score: "score"} if score else {}),
    }
    for g in groups:
        roles[g] = "group"
    rows = dr.drift_table(ref, cur, feats)
    for r in rows:
        r["role"] = roles.get(r["feature"], "feature")
    return {
        "thresholds": {"psi_moderate": dr.PSI_MODERATE, "psi_major": dr.PSI_MAJOR, "ks_alpha": dr.KS_ALPHA},
        "features": rows,
        "n_major": sum(1 for r in rows if r.get("psi_level") == "major"),
        "n_moderate": sum(1 for r in rows if r.get("psi_level") == "moderate"),
    }


def evaluate_file(
    path: str,
    *,
    reference_path: str | None = None,
    max_bytes: int | None = None,
    progress: Progress | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Read a CSV or Parquet file (and optionally a reference file), then :func:`evaluate` it.

    Parquet files are read into contiguous arrays a slice of rows at a time (see
    :func:`~.io.read_table_with_notes`): only the columns needed are loaded (all columns when a
    reference is given, for drift).
    """
    from pathlib import Path

    from .io import DEFAULT_MAX_BYTES, read_table_with_notes

    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    report = progress or _noop
    report(0.0, "Lecture du fichier")
    columns = None
    is_parquet = Path(path).suffix.lower() in {".parquet", ".pq"}
    if is_parquet and reference_path is None:
        wanted = [kwargs.get("target", "y_true"), kwargs.get("pred"), kwargs.get("score"), kwargs.get("date")]
        wanted += list(kwargs.get("groups", ()))
        try:
            available = list(pl.read_parquet_schema(path).keys())
        except Exception:
            available = None
        if available is not None:
            wanted_present = [c for c in wanted if c]
            if all(c in available for c in wanted_present):
                columns = list(dict.fromkeys(wanted_present))
    # without a reference the frame only feeds the engine: text group columns may be read as codes
    # (``Enum``), unless a column also has another role (read as the file has it)
    other_roles = {
        kwargs.get("target", "y_true"),
        kwargs.get("pred"),
        kwargs.get("score"),
        kwargs.get("date"),
    }
    group_columns = (
        [g for g in kwargs.get("groups", ()) if g not in other_roles] if reference_path is None else []
    )
    df, notes = read_table_with_notes(path, max_bytes=limit, columns=columns, group_columns=group_columns)
    ref = None
    if reference_path is not None:
        ref, ref_notes = read_table_with_notes(reference_path, max_bytes=limit)
        notes += ref_notes

    def scaled(fraction: float, label: str) -> None:
        report(0.1 + 0.9 * fraction, label)

    return evaluate(
        df,
        reference=ref,
        progress=scaled,
        source_is_csv=not is_parquet,
        notes=notes,
        **kwargs,
    )
