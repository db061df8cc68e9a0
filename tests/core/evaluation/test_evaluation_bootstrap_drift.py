"""Bootstrap equivalences (multinomial counts, weighted AUC) and drift against SciPy."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from atlasia.core.evaluation import bootstrap as bs
from atlasia.core.evaluation import drift as dr
from atlasia.core.evaluation import evaluate
from atlasia.core.evaluation import metrics as mt
from atlasia.core.evaluation import ranking as rk


def _data(n: int = 1200, seed: int = 7):
    rng = np.random.default_rng(seed)
    group = rng.choice(3, n, p=[0.6, 0.3, 0.1]).astype(np.int32)
    score = rng.beta(2, 2, n).round(2)
    y = (rng.random(n) < score).astype(np.int8)
    pred = (score > 0.5).astype(np.int8)
    return group, y, pred, score


def test_multinomial_count_bootstrap_matches_row_bootstrap():
    """Recall per group: counts drawn from a multinomial vs resampled rows, 2,000 resamples each.

    With B = 2,000 independent resamples on each side, the Monte-Carlo standard error of a mean is
    sd / sqrt(B) and the difference of two means has SE = sd * sqrt(2 / B) ≈ 0.032 sd; the SE of a
    sample standard deviation is about sd / sqrt(2 (B - 1)), so a difference of two has SE ≈ 0.022 sd.
    We allow 4 SE: |Δmean| < 0.13 sd and |Δsd| < 0.09 sd (a wrong distribution, e.g. resampling
    within groups, shifts sd by far more). Seeds are fixed so the test is deterministic.
    """
    group, y, pred, _ = _data()
    n, B = y.size, 2000
    counts = mt.confusion_counts(group, 3, y, pred)
    rng = np.random.default_rng(11)
    fast = np.concatenate([mt.count_metrics(b)["recall"] for b in bs.multinomial_counts(counts, B, rng)])
    rng2 = np.random.default_rng(12)
    slow = np.empty((B, 3))
    for b in range(B):
        idx = rng2.integers(0, n, n)
        slow[b] = mt.count_metrics(mt.confusion_counts(group[idx], 3, y[idx], pred[idx]))["recall"]
    for g in range(3):
        sd = slow[:, g].std()
        assert abs(fast[:, g].mean() - slow[:, g].mean()) < 0.13 * sd
        assert abs(fast[:, g].std() - sd) < 0.09 * sd
    # and the total count is preserved in every resample
    one = next(bs.multinomial_counts(counts, 5, np.random.default_rng(0)))
    assert (one.sum(axis=(1, 2)) == n).all()


def test_auc_from_weights_is_exact_weighted_auc():
    """For given row weights, the bootstrap AUC equals scikit-learn's weighted AUC (ties included)."""
    group, y, _, score = _data(1500, 3)  # scores rounded to 0.01: many ties
    order = rk.score_order(score)
    # the bootstrap layout: positives in score order, then negatives in score order
    layout = np.concatenate([order[y[order] == 1], order[y[order] == 0]])
    n_pos = int(y.sum())
    rng = np.random.default_rng(5)
    for grp, k in ((None, 1), (group, 3)):
        lay = rk.rank_groups(order, score, y, grp, k).boot_layout()
        for _ in range(3):
            w_layout = rk.multinomial_weights(score.size, rng)
            w = np.empty(score.size)
            w[layout] = w_layout
            got = rk.auc_from_weights(lay, w_layout[:n_pos], w_layout[n_pos:])
            for g in range(k):
                m = np.ones(score.size, bool) if grp is None else group == g
                expected = roc_auc_score(y[m], score[m], sample_weight=w[m])
                assert abs(got[g] - expected) < 1e-12


@pytest.mark.parametrize("jobs", [1, 2])
def test_fast_auc_bootstrap_equals_a_reference_bootstrap_with_the_same_weights(jobs):
    """Every resample of :func:`auc_bootstrap_many` (blocks of resamples, shared by ``jobs`` forked
    processes) equals a plain reference bootstrap drawing the same multinomial weights from the same
    seeds and computing each group's weighted AUC with scikit-learn, row by row in the table's order:
    to 1e-12, overall and per group, ties included (scores rounded)."""
    group, y, _, score = _data(900, 11)
    order = rk.score_order(score)
    layout = np.concatenate([order[y[order] == 1], order[y[order] == 0]])  # positives, then negatives
    lays = [rk.rank_groups(order, score, y, None, 1).boot_layout()]
    lays.append(rk.rank_groups(order, score, y, group, 3).boot_layout())
    B = 2 * rk.BOOT_BLOCK + 7  # two full blocks and a partial one
    fast_all, fast_g = rk.auc_bootstrap_many(lays, B, np.random.default_rng(3), n_jobs=jobs)
    # the reference: the same seeds, one resample at a time, scikit-learn's weighted AUC
    seeds = np.random.default_rng(3).integers(0, 2**63 - 1, 3)
    b = 0
    for seed, size in zip(seeds, (rk.BOOT_BLOCK, rk.BOOT_BLOCK, 7), strict=True):
        block_rng = np.random.default_rng(int(seed))
        for _ in range(size):
            w = np.empty(score.size)
            w[layout] = rk.multinomial_weights(score.size, block_rng)
            assert abs(fast_all[b, 0] - roc_auc_score(y, score, sample_weight=w)) < 1e-12
            for g in range(3):
                m = group == g
                expected = roc_auc_score(y[m], score[m], sample_weight=w[m])
                assert abs(fast_g[b, g] - expected) < 1e-12, (b, g)
            b += 1
    assert b == B


@pytest.mark.parametrize("n", [1024, 256 * 300, 256 * 300 + 77])
def test_multinomial_weights_count_the_draws_of_the_two_stage_scheme(n):
    """The compiled counting loop counts exactly the draws the two-stage scheme makes: the same
    generator, replayed with NumPy (draws per block, then one random byte per draw, ``bincount``),
    gives the same weights row for row, the partial last block included."""
    got = rk.multinomial_weights(n, np.random.default_rng(9))
    rng = np.random.default_rng(9)
    n_full, rem = divmod(n, 256)
    sizes = np.full(n_full + (rem > 0), 256.0)
    if rem:
        sizes[-1] = rem
    per_block = rng.multinomial(n, sizes / n)
    k = int(per_block[:n_full].sum())
    pos = rng.bit_generator.random_raw((k + 7) // 8).view(np.uint8)[:k].astype(np.int64)
    rows = np.repeat(np.arange(n_full) * 256, per_block[:n_full]) + pos
    expected = np.bincount(rows, minlength=n_full * 256)
    if rem:
        expected = np.concatenate([expected, np.bincount(rng.integers(0, rem, per_block[-1]), minlength=rem)])
    assert got.dtype == np.uint8 and got.sum() == n
    assert np.array_equal(got, expected)


@pytest.mark.parametrize("n", [300, 1500, 2 * 256 * 8])
def test_multinomial_weights_have_the_multinomial_moments(n):
    """Counts of n draws among n rows: total n, mean 1, variance 1 - 1/n, covariance -1/n.

    With R = 4,000 resamples: the per-row mean (averaged over rows) has SE ≈ sqrt((1 - 1/n) / (R n)),
    the average per-row variance has SE ≈ sqrt(2 / (R n)) (Poisson-like counts: fourth central moment
    ≈ 3), and the covariance of two blocks of rows is checked through the variance of their sums. All
    bounds are 5 SE; uniformity across the 256-row blocks (incl. a partial last block) is checked by the
    mean count of every block.
    """
    rng = np.random.default_rng(42)
    R = 4000
    w = np.stack([rk.multinomial_weights(n, rng) for _ in range(R)]).astype(np.float64)
    assert (w.sum(axis=1) == n).all()
    assert abs(w.mean() - 1.0) < 5 * np.sqrt(1 / (R * n))
    assert abs(w.var(axis=0).mean() - (1 - 1 / n)) < 5 * np.sqrt(2 / (R * n)) + 1e-3
    half = w[:, : n // 2].sum(axis=1)  # Binomial(n, 1/2 of the rows): variance n·p·(1 - p)
    p = (n // 2) / n
    assert abs(half.var() / (n * p * (1 - p)) - 1) < 5 * np.sqrt(2 / R)
    blocks = np.add.reduceat(w.mean(axis=0), np.arange(0, n, 256)) / np.diff(
        np.append(np.arange(0, n, 256), n)
    )
    assert np.all(np.abs(blocks - 1) < 5 * np.sqrt(1 / (R * 220)))


def test_auc_bootstrap_matches_row_resampling_in_distribution():
    """Weights bootstrap vs explicit row resampling + scikit-learn, overall and per group.

    B = 1,000 resamples on each side (independent seeds). The Monte-Carlo SE of a difference of two
    means is sd·sqrt(2/B) ≈ 0.045 sd and that of a difference of two standard deviations ≈
    sd·sqrt(1/(B-1)) ≈ 0.032 sd; we allow about 4 SE: |Δmean| < 0.18 sd and |Δsd| < 0.13 sd. Resampling
    within groups (fixed group sizes) or Poisson weights with a fixed total would be the kind of error
    this guards against at the group level (smaller group: sd differs by several SE).
    """
    group, y, _, score = _data(1500, 4)  # ties (scores rounded) and a small group (~150 rows)
    order = rk.score_order(score)
    lays = [rk.rank_groups(order, score, y, None, 1).boot_layout()]
    lays.append(rk.rank_groups(order, score, y, group, 3).boot_layout())
    B = 1000
    fast_all, fast_g = rk.auc_bootstrap_many(lays, B, np.random.default_rng(1))
    rng = np.random.default_rng(2)
    slow = np.full((B, 4), np.nan)
    for b in range(B):
        idx = rng.integers(0, y.size, y.size)
        slow[b, 0] = roc_auc_score(y[idx], score[idx])
        for g in range(3):
            sel = idx[group[idx] == g]
            if 0 < y[sel].sum() < sel.size:
                slow[b, g + 1] = roc_auc_score(y[sel], score[sel])
    fast = np.column_stack([fast_all[:, 0], fast_g])
    for j in range(4):
        f, s_ = fast[:, j][~np.isnan(fast[:, j])], slow[:, j][~np.isnan(slow[:, j])]
        sd = s_.std()
        assert abs(f.mean() - s_.mean()) < 0.18 * sd, j
        assert abs(f.std() - sd) < 0.13 * sd, j
    # point AUC still scikit-learn's
    assert abs(rk.rank_groups(order, score, y, None, 1).auc[0] - roc_auc_score(y, score)) < 1e-9


def test_intervals_in_result_contain_point_and_report_difference_ci():
    group, y, pred, score = _data(3000, 9)
    df = pl.DataFrame({"y": y, "p": pred, "s": score, "g": np.array(["A", "B", "C"])[group]})
    res = evaluate(df, target="y", pred="p", score="s", groups=["g"], n_bootstrap=300, seed=1)
    g = res["groupings"][0]
    for e in g["groups"]:
        for m in ("recall", "accuracy", "roc_auc"):
            v = e["metrics"][m]
            assert v["ci"][0] <= v["value"] <= v["ci"][1]
    assert g["gaps"]["recall"]["ci"] is not None
    res2 = evaluate(df, target="y", pred="p", score="s", groups=["g"], n_bootstrap=300, seed=1)
    assert res2["groupings"][0]["gaps"]["recall"] == g["gaps"]["recall"]  # reproducible with a seed


@pytest.mark.parametrize("shift", [0.0, 0.05, 0.3])
def test_ks_matches_scipy(shift):
    rng = np.random.default_rng(0)
    a = rng.normal(0, 1, 800)
    b = rng.normal(shift, 1, 600).round(1)  # ties
    d, p = dr.ks_2samp(a, b)
    ref = stats.ks_2samp(a, b, method="asymp")
    assert abs(d - ref.statistic) < 1e-12
    assert abs(p - ref.pvalue) < 0.01  # asymptotic formulas differ slightly (Stephens vs kstwo)


def test_psi_and_drift_table():
    rng = np.random.default_rng(1)
    ref = pl.DataFrame({"x": rng.normal(0, 1, 3000), "c": rng.choice(["a", "b"], 3000, p=[0.5, 0.5])})
    cur = pl.DataFrame(
        {"x": rng.normal(0.8, 1, 2000), "c": rng.choice(["a", "b", "z"], 2000, p=[0.3, 0.6, 0.1])}
    )
    rows = {r["feature"]: r for r in dr.drift_table(ref, cur, ["x", "c"])}
    x = rows["x"]
    edges = np.quantile(ref["x"].to_numpy(), np.linspace(0, 1, 11)[1:-1])
    rc = np.bincount(np.searchsorted(edges, ref["x"].to_numpy()), minlength=10) / 3000
    cc = np.bincount(np.searchsorted(edges, cur["x"].to_numpy()), minlength=10) / 2000
    assert abs(x["psi"] - float(np.sum((cc - rc) * np.log(cc / rc)))) < 1e-12
    assert x["psi_level"] == "major"
    assert abs(x["ks_statistic"] - stats.ks_2samp(ref["x"].to_numpy(), cur["x"].to_numpy()).statistic) < 1e-12
    c = rows["c"]
    assert c["kind"] == "categorical" and c["tvd"] == pytest.approx(0.2, abs=0.05)
    assert dr.psi_level(0.05) == "stable" and dr.psi_level(0.2) == "moderate" and dr.psi_level(0.3) == "major"


def test_drift_over_months_and_reference():
    rng = np.random.default_rng(2)
    n = 1200
    months = rng.choice(["2025-01-15", "2025-02-15", "2025-03-15"], n)
    s = rng.random(n)
    s = np.where(months == "2025-03-15", s**0.3, s)  # March drifts
    df = pl.DataFrame({"y": (rng.random(n) < s).astype(int), "s": s, "d": months})
    ref = pl.DataFrame({"y": rng.integers(0, 2, 800), "s": rng.random(800), "d": ["2024-12-01"] * 800})
    res = evaluate(df, target="y", score="s", date="d", reference=ref, n_bootstrap=0)
    periods = res["time"]["periods"]
    assert [p["period"] for p in periods] == ["2025-01", "2025-02", "2025-03"]
    assert periods[0]["psi_level"] == "stable" and periods[2]["psi_level"] == "major"
    assert {f["feature"] for f in res["drift"]["features"]} == {"y", "s"}
