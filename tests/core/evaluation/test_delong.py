"""AUC intervals by DeLong's method (the default, as pROC) and the bounded-memory ranking pass.

Checked against (1) an independent DeLong written here from the definition (every positive compared
with every negative, O(m·n)), and (2) pROC's own expected placements on its ``aSAH`` data set
(files and origin in ``data/proc/README.md``), to 1e-9.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import subprocess
import sys
import warnings
from pathlib import Path
from statistics import NormalDist

import numpy as np
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score

from atlasia.core.evaluation import auc as A
from atlasia.core.evaluation import evaluate

PROC = Path(__file__).parent / "data" / "proc"
ROOT = Path(__file__).resolve().parents[3]
TOL = 1e-9


# ------------------------------------------------------------------------------ independent DeLong


def delong_reference(y: np.ndarray, s: np.ndarray) -> tuple[float, float, np.ndarray, np.ndarray]:
    """DeLong, DeLong & Clarke-Pearson (1988) from the definition: (AUC, variance, V10, V01)."""
    pos, neg = s[y == 1], s[y == 0]
    psi = (pos[:, None] > neg[None, :]).astype(float) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    theta = float(psi.mean())
    var = float(v10.var(ddof=1) / pos.size + v01.var(ddof=1) / neg.size)
    return theta, var, v10, v01


def z(level: float = 0.95) -> float:
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


def ref_ci(theta: float, var: float, level: float = 0.95) -> tuple[float, float]:
    sd = math.sqrt(var)
    return max(0.0, theta - z(level) * sd), min(1.0, theta + z(level) * sd)


def data(n: int, seed: int, *, decimals: int | None = None, k: int = 3) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.integers(0, k, n)
    y = (rng.random(n) < 0.25 + 0.1 * g).astype(np.int8)
    s = 1 / (1 + np.exp(-(rng.normal(0, 1, n) + (0.8 + 0.3 * g) * y - 1)))
    if decimals is not None:
        s = np.round(s, decimals)
    return pl.DataFrame({"y": y, "s": s, "g": np.array(["A", "B", "C", "D"])[g]})


# ------------------------------------------------------------------------------ engine vs reference


@pytest.mark.parametrize(
    ("n", "decimals", "block_rows"), [(1500, None, A.BLOCK_ROWS), (1500, 2, 97), (900, 1, 64)]
)
def test_engine_delong_matches_independent_implementation(monkeypatch, n, decimals, block_rows):
    monkeypatch.setattr(A, "BLOCK_ROWS", block_rows)
    df = data(n, seed=n + (decimals or 0), decimals=decimals)
    res = evaluate(df, target="y", score="s", groups=["g"], n_bootstrap=0)
    assert res["parameters"]["auc_interval_method"] == "delong"
    y, s, g = df["y"].to_numpy(), df["s"].to_numpy(), df["g"].to_numpy()

    theta, var, _, _ = delong_reference(y, s)
    overall = res["overall"]["metrics"]["roc_auc"]
    assert abs(overall["value"] - theta) < TOL
    lo, hi = ref_ci(theta, var)
    assert abs(overall["ci"][0] - lo) < TOL and abs(overall["ci"][1] - hi) < TOL

    grouping = res["groupings"][0]
    refs = {}
    for entry in grouping["groups"]:
        m = g == entry["key"][0]
        refs[entry["key"][0]] = delong_reference(y[m], s[m])
        t, v, _, _ = refs[entry["key"][0]]
        lo, hi = ref_ci(t, v)
        auc = entry["metrics"]["roc_auc"]
        assert abs(auc["value"] - t) < TOL and abs(auc["ci"][0] - lo) < TOL and abs(auc["ci"][1] - hi) < TOL

    # the gap between the groups of highest and lowest AUC: difference of two independent AUCs
    gap = grouping["gaps"]["roc_auc"]
    t_hi, v_hi, _, _ = refs[gap["high_group"][0]]
    t_lo, v_lo, _, _ = refs[gap["low_group"][0]]
    d, sd = t_hi - t_lo, math.sqrt(v_hi + v_lo)
    assert gap["method"] == "delong"
    assert abs(gap["difference"] - d) < TOL
    assert abs(gap["ci"][0] - (d - z() * sd)) < TOL and abs(gap["ci"][1] - (d + z() * sd)) < TOL
    assert abs(gap["p_value"] - 2 * (1 - NormalDist().cdf(abs(d) / sd))) < TOL
    assert gap["excludes_zero"] == (gap["ci"][0] > 0 or gap["ci"][1] < 0)
    disp = grouping["disparities"]["roc_auc"]["difference_between_groups"]
    assert disp["ci"] == gap["ci"]


def test_delong_level_and_degenerate_groups():
    # a group with one positive has an AUC but no DeLong variance (pROC returns NA); one class: no AUC
    df = pl.DataFrame(
        {
            "y": [1, 0, 0, 0, 1, 1, 0, 0, 1, 0] * 3 + [1, 0, 0, 0] + [0, 0, 0],
            "s": list(np.linspace(0.05, 0.95, 30)) + [0.9, 0.2, 0.3, 0.4] + [0.1, 0.2, 0.3],
            "g": ["a"] * 30 + ["b"] * 4 + ["c"] * 3,
        }
    )
    res = evaluate(df, target="y", score="s", groups=["g"], n_bootstrap=0, level=0.9)
    by = {e["key"][0]: e for e in res["groupings"][0]["groups"]}
    theta, var, _, _ = delong_reference(df["y"].to_numpy()[:30], df["s"].to_numpy()[:30])
    lo, hi = ref_ci(theta, var, 0.9)
    assert by["a"]["metrics"]["roc_auc"]["ci"] == pytest.approx([lo, hi], abs=TOL)
    assert by["b"]["metrics"]["roc_auc"]["value"] == 1.0 and by["b"]["metrics"]["roc_auc"]["ci"] is None
    assert by["c"]["metrics"]["roc_auc"]["value"] is None and "roc_auc" in by["c"]["undefined"]


def test_intervals_none_and_bootstrap_choice():
    df = data(600, seed=7)
    none = evaluate(df, target="y", score="s", groups=["g"], auc_intervals="none", n_bootstrap=0)
    assert none["overall"]["metrics"]["roc_auc"]["ci"] is None
    assert none["parameters"]["auc_interval_method"] is None
    boot = evaluate(df, target="y", score="s", groups=["g"], auc_intervals="bootstrap", n_bootstrap=200)
    assert boot["parameters"]["auc_interval_method"] == "bootstrap"
    assert boot["groupings"][0]["gaps"]["roc_auc"]["method"] == "bootstrap"
    # same point estimates whatever the interval method
    delong = evaluate(df, target="y", score="s", groups=["g"], n_bootstrap=0)
    assert boot["overall"]["metrics"]["roc_auc"]["value"] == delong["overall"]["metrics"]["roc_auc"]["value"]
    from atlasia.core.evaluation.io import EvaluationInputError

    with pytest.raises(EvaluationInputError, match="delong"):
        evaluate(df, target="y", score="s", auc_intervals="jackknife")


def test_bootstrap_on_two_processes_gives_the_same_samples():
    df = data(3000, seed=11)
    kw = {"target": "y", "score": "s", "groups": ["g"], "auc_intervals": "bootstrap", "n_bootstrap": 120}
    one = evaluate(df, n_jobs=1, **kw)
    two = evaluate(df, n_jobs=2, **kw)
    for r in (one, two):
        r.pop("timing_seconds")
    assert one == two
    assert one["overall"]["metrics"]["roc_auc"]["ci"] is not None


def test_cli_defaults_to_delong_and_accepts_bootstrap_with_jobs(tmp_path):
    path = tmp_path / "p.csv"
    data(800, seed=3).write_csv(path)
    base = [sys.executable, "-m", "atlasia.cli", "evaluate", str(path), "--target", "y", "--score", "s"]
    out = subprocess.run(base + ["--group", "g"], capture_output=True, text=True, cwd=ROOT, check=True)
    res = json.loads(out.stdout)
    assert res["parameters"]["auc_interval_method"] == "delong"
    out = subprocess.run(
        base + ["--auc-intervals", "bootstrap", "--jobs", "2", "--bootstrap", "50"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert json.loads(out.stdout)["parameters"]["auc_interval_method"] == "bootstrap"
    bad = subprocess.run(base + ["--jobs", "0"], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "--jobs" in bad.stderr


# ------------------------------------------------------------------------------ pROC's worked example


def _proc_placements() -> dict[str, dict[str, np.ndarray | float]]:
    text = (PROC / "helper-deLongPlacementsCpp-expected.R").read_text(encoding="utf-8")
    out: dict[str, dict[str, np.ndarray | float]] = {}
    for marker in ("ndka", "wfns", "s100b"):
        start = text.index(f'"{marker}" = list(')
        fwd = text[text.index('"forward"', start) : text.index('"reverse"', start)]
        theta = float(re.search(r"theta = ([0-9.e-]+)", fwd).group(1))
        x = re.search(r"X = c\(([^)]*)\)", fwd).group(1)
        y = re.search(r"Y = c\(([^)]*)\)", fwd).group(1)
        out[marker] = {
            "theta": theta,
            "X": np.array([float(v) for v in x.replace("\n", " ").split(",")]),
            "Y": np.array([float(v) for v in y.replace("\n", " ").split(",")]),
        }
    return out


def _asah() -> pl.DataFrame:
    import rdata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pdf = rdata.read_rda(str(PROC / "aSAH.RData"))["aSAH"]
    return pl.DataFrame(
        {
            "y": (pdf["outcome"].astype(str) == "Poor").astype(np.int8).to_numpy(),
            # pROC ranks an ordered factor by its codes (roc_utils_is_ordered_roc → as.numeric)
            "wfns": pdf["wfns"].cat.codes.astype(float).to_numpy() + 1.0,
            "s100b": pdf["s100b"].to_numpy(dtype=float),
            "ndka": pdf["ndka"].to_numpy(dtype=float),
        }
    )


@pytest.mark.parametrize("marker", ["s100b", "ndka", "wfns"])
def test_delong_matches_proc_on_asah(marker):
    asah = _asah()
    assert asah.height == 113 and int(asah["y"].sum()) == 41  # 41 cases (Poor), 72 controls
    expected = _proc_placements()[marker]
    y, s = asah["y"].to_numpy(), asah[marker].to_numpy()

    # the independent implementation reproduces pROC's placements, case by case
    theta, _var, v10, v01 = delong_reference(y, s)
    np.testing.assert_allclose(v10, expected["X"], rtol=0, atol=TOL)
    np.testing.assert_allclose(v01, expected["Y"], rtol=0, atol=TOL)
    assert abs(theta - expected["theta"]) < TOL

    # the engine's pass gives pROC's AUC and the variance of pROC's ci_auc_delong
    m, n = int(y.sum()), int((1 - y).sum())
    proc_var = float(np.var(expected["X"], ddof=1) / m + np.var(expected["Y"], ddof=1) / n)
    spec = A.GroupingSpec(None, np.array([m]), np.array([n]), roc=True)
    for block_rows in (A.BLOCK_ROWS, 16):  # one block, and many blocks with ties between them
        (res,), _ = A.stream_auc(s, y, np.zeros(y.size, np.uint8), [spec], block_rows=block_rows)
        assert abs(res.auc[0] - expected["theta"]) < TOL
        assert abs(res.var[0] - proc_var) < TOL
    lo, hi = A.delong_ci(res.auc, res.var, 0.95)
    if marker == "s100b":  # the published example: « 95% CI: 0.6301-0.8326 (DeLong) », AUC 0.7314
        assert round(float(res.auc[0]), 4) == 0.7314
        assert (round(float(lo[0]), 4), round(float(hi[0]), 4)) == (0.6301, 0.8326)


def test_engine_on_asah_s100b_through_the_file_path(tmp_path):
    # scores must be probabilities for the engine: s100b / 4 keeps the order and the ties
    asah = _asah().with_columns((pl.col("s100b") / 4).alias("score"))
    path = tmp_path / "asah.parquet"
    asah.select("y", "score").write_parquet(path)
    from atlasia.core.evaluation import evaluate_file

    res = evaluate_file(str(path), target="y", score="score", n_bootstrap=0)
    auc = res["overall"]["metrics"]["roc_auc"]
    assert round(auc["value"], 4) == 0.7314
    assert [round(v, 4) for v in auc["ci"]] == [0.6301, 0.8326]


# ------------------------------------------------------------------------------ the bounded-memory pass


def test_score_blocks_is_a_stable_sort_and_keeps_ties_together():
    rng = np.random.default_rng(0)
    s = np.round(rng.random(5000), 2)  # many ties
    rows = np.arange(s.size)
    seen_scores: list[np.ndarray] = []
    got_rows = []
    for bs_, br in A.score_blocks(s, rows, block_rows=300):
        seen_scores.append(bs_)
        got_rows.append(br)
    assert len(seen_scores) > 5
    np.testing.assert_array_equal(np.concatenate(got_rows), np.argsort(s, kind="stable"))
    for a, b in itertools.pairwise(seen_scores):
        assert a[-1] < b[0]  # a tie run never straddles two blocks


def test_no_ties_fast_path_equals_the_general_path():
    rng = np.random.default_rng(5)
    n = 4000
    y = (rng.random(n) < 0.3).astype(np.int8)
    s = rng.random(n)
    g = rng.integers(0, 4, n).astype(np.uint8)
    pos = np.bincount(g, weights=y, minlength=4).astype(np.int64)
    neg = np.bincount(g, minlength=4) - pos
    for lut, p, q in (
        (None, pos.sum(keepdims=True), neg.sum(keepdims=True)),
        (np.arange(4, dtype=np.uint8), pos, neg),
    ):
        outs = []
        for no_ties in (True, False):
            acc = A._new_acc(A.GroupingSpec(lut, p, q, roc=True))
            for bs_, by, bc in A.score_blocks(s, y, g, block_rows=700):
                A._add_block(acc, bs_, by.astype(bool), bc, no_ties)
            outs.append(A._finish(acc))
        fast, general = outs
        np.testing.assert_allclose(fast.auc, general.auc, rtol=0, atol=1e-12)
        np.testing.assert_allclose(fast.var, general.var, rtol=0, atol=1e-12)
        assert fast.rocs == general.rocs
        for j in range(p.size):
            m = np.ones(n, bool) if lut is None else g == j
            assert abs(fast.auc[j] - roc_auc_score(y[m], s[m])) < 1e-12


def test_roc_curve_is_thinned_on_one_percent_steps_and_exact_at_its_points():
    rng = np.random.default_rng(2)
    n = 20_000
    y = (rng.random(n) < 0.4).astype(np.int8)
    s = np.round(rng.random(n) * (0.5 + 0.5 * y), 3)
    spec = A.GroupingSpec(None, np.array([y.sum()]), np.array([n - y.sum()]), roc=True)
    (res,), _ = A.stream_auc(s, y, np.zeros(n, np.uint8), [spec], block_rows=1000)
    roc = res.roc_curve(0)
    assert 50 < len(roc["fpr"]) <= 102
    assert roc["fpr"][0] == 0.0 and roc["tpr"][0] == 0.0 and roc["threshold"][0] is None
    assert roc["fpr"][-1] == 1.0 and roc["tpr"][-1] == 1.0
    for fpr, tpr, thr in zip(roc["fpr"][1:], roc["tpr"][1:], roc["threshold"][1:], strict=True):
        at_or_above = s >= thr - 5e-7
        assert abs(fpr - (at_or_above & (y == 0)).sum() / (n - y.sum())) < 1e-5
        assert abs(tpr - (at_or_above & (y == 1)).sum() / y.sum()) < 1e-5


def test_the_evaluation_is_the_same_with_small_blocks(monkeypatch):
    df = data(3000, seed=21, decimals=3)
    kw = {"target": "y", "score": "s", "groups": ["g"], "n_bootstrap": 100}
    big = evaluate(df, **kw)
    monkeypatch.setattr(A, "BLOCK_ROWS", 128)
    small = evaluate(df, **kw)
    for r in (big, small):
        r.pop("timing_seconds")
    # identical but for the order of floating-point sums (calibration is summed block by block)
    assert _close(big, small)


def _close(a: object, b: object, tol: float = 1e-12) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= tol
    return a == b
