"""The engine against fairlearn 0.15 and scikit-learn as oracles (tolerance 1e-9).

Data deliberately includes imbalanced groups, empty intersections, a group with constant predictions
and single-class groups (AUC undefined: ``None`` in our output, NaN with a warning in scikit-learn).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
from fairlearn.metrics import (
    MetricFrame,
    count,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
)
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    f1_score,
    mean_absolute_error,
    precision_score,
    recall_score,
    roc_auc_score,
    root_mean_squared_error,
)

from atlasia.core.evaluation import evaluate

TOL = 1e-9

FAIRLEARN_METRICS = {
    "count": count,
    "accuracy": accuracy_score,
    "precision": precision_score,
    "recall": recall_score,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "true_negative_rate": true_negative_rate,
    "selection_rate": selection_rate,
    "f1": f1_score,
}


def make_data(seed: int, n: int = 1500) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M", "X"], n, p=[0.55, 0.43, 0.02])
    age = rng.choice(["18-29", "30-49", "50-69", "70+"], n, p=[0.2, 0.4, 0.3, 0.1])
    region = rng.choice(["Bretagne", "Corse", "Grand Est"], n, p=[0.5, 0.05, 0.45])
    # empty intersections: nobody aged 70+ in Corse, no X in Corse
    region[(region == "Corse") & ((age == "70+") | (sex == "X"))] = "Bretagne"
    score = np.clip(rng.beta(2, 3, n) + 0.25 * (rng.random(n) < 0.3), 0, 1).round(3)  # ties on purpose
    y_true = (rng.random(n) < score).astype(int)
    y_pred = (score >= 0.45).astype(int)
    # single-class groups and constant predictions
    y_true[sex == "X"] = 0
    y_pred[region == "Corse"] = 1
    return pd.DataFrame(
        {"y_true": y_true, "y_pred": y_pred, "y_score": score, "sex": sex, "age": age, "region": region}
    )


def close(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return False
    return abs(float(a) - float(b)) <= TOL


def grouping(result: dict, name: str) -> dict:
    return next(g for g in result["groupings"] if g["name"] == name)


@pytest.fixture(scope="module", params=[0, 1, 2])
def case(request):
    pdf = make_data(request.param)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = evaluate(
            pl.from_pandas(pdf),
            target="y_true",
            pred="y_pred",
            score="y_score",
            groups=["sex", "age", "region"],
            n_bootstrap=0,
        )
    return pdf, res


@pytest.mark.parametrize(
    "cols", [["sex"], ["age"], ["region"], ["sex", "age"], ["age", "region"], ["sex", "age", "region"]]
)
def test_metricframe_by_group_overall_and_disparities(case, cols):
    pdf, res = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mf = MetricFrame(
            metrics=FAIRLEARN_METRICS,
            y_true=pdf["y_true"],
            y_pred=pdf["y_pred"],
            sensitive_features=pdf[cols] if len(cols) > 1 else pdf[cols[0]],
        )
    g = grouping(res, " × ".join(cols))
    by_label = {tuple(e["key"]): e for e in g["groups"]}
    assert len(by_label) == len(mf.by_group)
    checked_empty = 0
    for idx, row in mf.by_group.iterrows():
        key = tuple(idx) if isinstance(idx, tuple) else (idx,)
        entry = by_label[key]
        if entry["empty"]:
            checked_empty += 1
            assert row.isna().all()
            assert entry["n"] == 0
            continue
        for m in FAIRLEARN_METRICS:
            assert close(entry["metrics"][m]["value"], row[m]), (cols, key, m, entry["metrics"][m], row[m])
    if cols == ["sex", "age", "region"] or cols == ["age", "region"]:
        assert checked_empty > 0
    for m in FAIRLEARN_METRICS:
        assert close(res["overall"]["metrics"][m]["value"], mf.overall[m])
        for method in ("between_groups", "to_overall"):
            d = g["disparities"][m]
            assert close(d[f"difference_{method}"]["value"], mf.difference(method=method)[m]), (m, method)
            assert close(d[f"ratio_{method}"]["value"], mf.ratio(method=method)[m]), (m, method)


@pytest.mark.parametrize("cols", [["sex"], ["age"], ["sex", "age"], ["sex", "age", "region"]])
@pytest.mark.parametrize("method", ["between_groups", "to_overall"])
def test_fairness_functions(case, cols, method):
    pdf, res = case
    sf = pdf[cols] if len(cols) > 1 else pdf[cols[0]]
    kw = {"y_true": pdf["y_true"], "y_pred": pdf["y_pred"], "sensitive_features": sf, "method": method}
    fair = grouping(res, " × ".join(cols))["fairness"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert close(
            fair[f"demographic_parity_difference_{method}"]["value"], demographic_parity_difference(**kw)
        )
        assert close(fair[f"demographic_parity_ratio_{method}"]["value"], demographic_parity_ratio(**kw))
        assert close(fair[f"equalized_odds_difference_{method}"]["value"], equalized_odds_difference(**kw))
        assert close(fair[f"equalized_odds_ratio_{method}"]["value"], equalized_odds_ratio(**kw))


@pytest.mark.parametrize("cols", [["sex"], ["region"], ["sex", "age"], ["sex", "age", "region"]])
def test_auc_brier_calibration_per_group(case, cols):
    pdf, res = case
    g = grouping(res, " × ".join(cols))
    undefined_seen = 0
    for entry in g["groups"]:
        mask = np.ones(len(pdf), dtype=bool)
        for c, v in zip(cols, entry["key"], strict=True):
            mask &= (pdf[c] == v).to_numpy()
        sub = pdf[mask]
        if entry["empty"]:
            assert entry["metrics"]["roc_auc"]["value"] is None
            assert entry["metrics"]["brier"]["value"] is None
            continue
        if sub["y_true"].nunique() < 2:
            undefined_seen += 1
            with pytest.warns(UserWarning):  # scikit-learn 1.9: warning and NaN (older versions raise)
                assert math.isnan(roc_auc_score(sub["y_true"], sub["y_score"]))
            assert entry["metrics"]["roc_auc"]["value"] is None
            assert "roc_auc" in entry["undefined"]
        else:
            assert close(entry["metrics"]["roc_auc"]["value"], roc_auc_score(sub["y_true"], sub["y_score"]))
        assert close(entry["metrics"]["brier"]["value"], brier_score_loss(sub["y_true"], sub["y_score"]))
        assert close(
            entry["metrics"]["ece"]["value"],
            reference_ece(sub["y_true"].to_numpy(), sub["y_score"].to_numpy()),
        )
        if "reliability" in entry:
            frac, mean = calibration_curve(sub["y_true"], sub["y_score"], n_bins=10, strategy="uniform")
            curve = entry["reliability"]
            assert np.allclose([p["fraction_positive"] for p in curve], frac, atol=TOL, rtol=0)
            assert np.allclose([p["mean_score"] for p in curve], mean, atol=TOL, rtol=0)
    if "sex" in cols:
        assert undefined_seen > 0
    # overall
    o = res["overall"]["metrics"]
    assert close(o["roc_auc"]["value"], roc_auc_score(pdf["y_true"], pdf["y_score"]))
    assert close(o["brier"]["value"], brier_score_loss(pdf["y_true"], pdf["y_score"]))


def reference_ece(y: np.ndarray, s: np.ndarray, n_bins: int = 10) -> float:
    """Straightforward ECE: loop over scikit-learn's uniform bins."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    total = 0.0
    for b in range(n_bins):
        lo, hi = edges[b], edges[b + 1]
        in_bin = (s <= hi) & (s > lo) if b > 0 else (s <= hi)
        if b == n_bins - 1:
            in_bin = s > lo
        if in_bin.sum() == 0:
            continue
        total += in_bin.sum() / len(s) * abs(y[in_bin].mean() - s[in_bin].mean())
    return total


def test_auc_disparity_skips_undefined_groups(case):
    _pdf, res = case
    g = grouping(res, "sex")
    aucs = [
        e["metrics"]["roc_auc"]["value"] for e in g["groups"] if e["metrics"]["roc_auc"]["value"] is not None
    ]
    assert close(g["disparities"]["roc_auc"]["difference_between_groups"]["value"], max(aucs) - min(aucs))


def test_constant_predictions_and_undefined_flags(case):
    _pdf, res = case
    corse = next(e for e in grouping(res, "region")["groups"] if e["key"] == ["Corse"])
    assert corse["metrics"]["selection_rate"]["value"] == 1.0
    assert corse["metrics"]["true_negative_rate"]["value"] == 0.0
    x = next(e for e in grouping(res, "sex")["groups"] if e["key"] == ["X"])
    assert "recall" in x["undefined"]  # no positive case: recall 0 by scikit-learn's convention
    assert x["small"] is True or x["n"] >= 30


def test_integer_and_boolean_group_columns():
    pdf = make_data(5, 600)
    pdf["age_code"] = pdf["age"].map({"18-29": 3, "30-49": 10, "50-69": 7, "70+": 1})
    pdf["flag"] = pdf["sex"] == "F"
    res = evaluate(pl.from_pandas(pdf), pred="y_pred", groups=["age_code", "flag"], n_bootstrap=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mf = MetricFrame(
            metrics=recall_score,
            y_true=pdf["y_true"],
            y_pred=pdf["y_pred"],
            sensitive_features=pdf["age_code"],
        )
    g = grouping(res, "age_code")
    assert [e["key"][0] for e in g["groups"]] == [str(v) for v in mf.by_group.index]
    for e, v in zip(g["groups"], mf.by_group.to_numpy(), strict=True):
        assert close(e["metrics"]["recall"]["value"], v)
    assert [e["key"][0] for e in grouping(res, "flag")["groups"]] == ["0", "1"]


def test_regression_metrics_match_sklearn():
    rng = np.random.default_rng(3)
    n = 800
    pdf = pd.DataFrame(
        {
            "y": rng.gamma(2.0, 10.0, n),
            "grp": rng.choice(["a", "b", "c"], n, p=[0.6, 0.3, 0.1]),
        }
    )
    pdf["f"] = pdf["y"] * rng.normal(1.05, 0.2, n) + (pdf["grp"] == "c") * 3
    res = evaluate(
        pl.from_pandas(pdf), target="y", pred="f", groups=["grp"], task="regression", n_bootstrap=50
    )
    mf = MetricFrame(
        metrics={
            "mae": mean_absolute_error,
            "rmse": root_mean_squared_error,
            "bias": lambda t, p: float(np.mean(p - t)),
        },
        y_true=pdf["y"],
        y_pred=pdf["f"],
        sensitive_features=pdf["grp"],
    )
    g = grouping(res, "grp")
    for e in g["groups"]:
        row = mf.by_group.loc[e["key"][0]]
        for m in ("mae", "rmse", "bias"):
            assert close(e["metrics"][m]["value"], row[m])
            lo, hi = e["metrics"][m]["ci"]
            assert lo <= e["metrics"][m]["value"] <= hi
    for m in ("mae", "rmse", "bias"):
        assert close(res["overall"]["metrics"][m]["value"], mf.overall[m])
        assert close(g["disparities"][m]["difference_between_groups"]["value"], mf.difference()[m])
        assert close(g["disparities"][m]["ratio_to_overall"]["value"], mf.ratio(method="to_overall")[m])


def test_result_is_json_serialisable_and_versioned(case):
    import json

    _, res = case
    text = json.dumps(res, allow_nan=False)
    assert json.loads(text)["schema_version"] == "1.0"
