"""Benchmark of issue #19: default intervals (DeLong), memory at 10 M rows, bootstrap on two processes.

    .venv/bin/python benchmarks/bench_evaluation_intervals.py          # 1 M and 10 M rows (one run)

Uses the Parquet files of ``bench_evaluation.py`` (generated if missing). Measured in one run, with the
1-minute load average before and after each step (the machine is shared):

1. ``atlasia evaluate`` with its defaults (``--pred --score --group sex --group age_band``: 1,000
   multinomial resamples of the count metrics, AUC intervals by DeLong) as a process, against
   fairlearn's ``MetricFrame`` computing the same per-group metrics without intervals (accuracy,
   precision, recall, false positive rate, selection rate, count, and ROC AUC from the score) in a
   process that reads the file with pandas; the per-group numbers are compared (max |difference|);
2. peak memory (VmHWM) of ``evaluate_file`` with its defaults at 10 M rows, 3 group columns and scores,
   against the size of the columns read;
3. AUC bootstrap (1,000 resamples, overall + sex + age band + region) at 1 M rows on 1 and 2 processes;
4. a monitoring batch of 1 M rows (CSV, as uploaded) against a 1 M-row reference profile: what
   ``atlasia.evaluation.monitoring.batch_add`` does between the upload and the alert (private copy with
   SHA-256, read, checks, evaluation, drift from the profile, summary, alerts), drift forced on one column.

Writes ``benchmarks/results/evaluation_intervals.json``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
DATA = ROOT / "benchmarks" / ".data"
OUT = ROOT / "benchmarks" / "results" / "evaluation_intervals.json"
PY = str(ROOT / ".venv" / "bin" / "python")

FAIRLEARN = r"""
import json, sys, time, warnings
t0 = time.perf_counter()
import pandas as pd
from fairlearn.metrics import MetricFrame, count, false_positive_rate, selection_rate
from sklearn.metrics import accuracy_score, precision_score, recall_score, roc_auc_score
pdf = pd.read_parquet(sys.argv[1], columns=["y_true", "y_pred", "y_score", "sex", "age_band"])
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    feats = pdf[["sex", "age_band"]]
    out = {}
    for cols in (["sex"], ["age_band"], ["sex", "age_band"]):
        mf = MetricFrame(
            metrics={"accuracy": accuracy_score, "precision": precision_score, "recall": recall_score,
                     "false_positive_rate": false_positive_rate, "selection_rate": selection_rate,
                     "count": count},
            y_true=pdf["y_true"], y_pred=pdf["y_pred"], sensitive_features=feats[cols])
        auc = MetricFrame(metrics={"roc_auc": roc_auc_score}, y_true=pdf["y_true"], y_pred=pdf["y_score"],
                          sensitive_features=feats[cols])
        bg = mf.by_group.join(auc.by_group)
        for method in ("between_groups", "to_overall"):
            mf.difference(method=method); mf.ratio(method=method)
        out[" × ".join(cols)] = {
            " · ".join(str(x) for x in (k if isinstance(k, tuple) else (k,))): {m: float(v) for m, v in row.items()}
            for k, row in bg.iterrows()
        }
print(json.dumps({"seconds_in_process": time.perf_counter() - t0, "by_group": out}))
"""

MEMORY = r"""
import json, sys, time
from atlasia.core.evaluation import evaluate_file
def hwm():
    with open("/proc/self/status") as fh:
        return next(int(x.split()[1]) * 1024 for x in fh if x.startswith("VmHWM"))
base = hwm()
t = time.perf_counter()
r = evaluate_file(sys.argv[1], pred="y_pred", score="y_score", groups=["sex", "age_band", "region"])
el = time.perf_counter() - t
print(json.dumps({"peak_rss_bytes": hwm(), "rss_after_imports_bytes": base, "seconds": el,
                  "auc_interval_method": r["parameters"]["auc_interval_method"]}))
"""


def load() -> float:
    return round(os.getloadavg()[0], 2)


def ensure(n: int) -> Path:
    from bench_evaluation import generate

    path = DATA / f"predictions_{n}.parquet"
    if not path.exists():
        generate(n, path)
    return path


def cli_vs_fairlearn(path: Path) -> dict[str, object]:
    res: dict[str, object] = {"load_before": load()}
    out_json = DATA / "cli_defaults.json"
    cmd = [PY, "-m", "atlasia.cli", "evaluate", str(path), "--pred", "y_pred", "--score", "y_score"]
    cmd += ["--group", "sex", "--group", "age_band", "--output", str(out_json)]
    times = []
    for _ in range(2):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    res["cli_defaults_s"] = min(times)
    t = time.perf_counter()
    fl = subprocess.run(
        [PY, "-c", FAIRLEARN, str(path)], check=True, capture_output=True, text=True, cwd=ROOT
    )
    res["fairlearn_process_s"] = time.perf_counter() - t
    res["load_after"] = load()
    fair = json.loads(fl.stdout)
    ours = json.loads(out_json.read_text(encoding="utf-8"))
    assert ours["parameters"]["auc_interval_method"] == "delong"
    worst = 0.0
    compared = 0
    for g in ours["groupings"]:
        ref = fair["by_group"][g["name"]]
        for e in g["groups"]:
            for m, v in ref[e["label"]].items():
                worst = max(worst, abs(e["metrics"][m]["value"] - v))
                compared += 1
    res["max_abs_difference"] = worst
    res["values_compared"] = compared
    res["speedup"] = res["fairlearn_process_s"] / res["cli_defaults_s"]  # type: ignore[operator]
    return res


def memory(path: Path) -> dict[str, object]:
    import polars as pl

    before = load()
    r = subprocess.run([PY, "-c", MEMORY, str(path)], check=True, capture_output=True, text=True, cwd=ROOT)
    res = json.loads(r.stdout.strip().splitlines()[-1])
    res["columns_read_bytes"] = int(pl.read_parquet(path).estimated_size())
    res["peak_over_columns"] = (res["peak_rss_bytes"] - res["rss_after_imports_bytes"]) / res[
        "columns_read_bytes"
    ]
    res["load_before"], res["load_after"] = before, load()
    return res


def bootstrap_auc(path: Path) -> dict[str, object]:
    import numpy as np
    import polars as pl

    from atlasia.core.evaluation import ranking as rk
    from atlasia.core.evaluation.io import encode_group

    df = pl.read_parquet(path, columns=["y_true", "y_score", "sex", "age_band", "region"])
    score, y = df["y_score"].to_numpy(), df["y_true"].to_numpy().astype(np.int8)
    res: dict[str, object] = {"load_before": load()}
    t = time.perf_counter()
    order = rk.score_order(score)
    s_sorted, y_sorted = score[order], y[order]
    layouts = [rk.rank_groups(order, s_sorted, y_sorted, None, 1, presorted=True).boot_layout()]
    for c in ("sex", "age_band", "region"):
        g = encode_group(df[c])
        layouts.append(
            rk.rank_groups(
                order, s_sorted, y_sorted, g.codes[order], len(g.labels), presorted=True
            ).boot_layout()
        )
    res["rank_s"] = time.perf_counter() - t
    for jobs in (2, 1):
        t, c = time.perf_counter(), time.process_time()
        rk.auc_bootstrap_many(layouts, 1000, np.random.default_rng(0), n_jobs=jobs)
        res[f"bootstrap_1000_jobs{jobs}_s"] = time.perf_counter() - t
        res[f"total_jobs{jobs}_s"] = res["rank_s"] + res[f"bootstrap_1000_jobs{jobs}_s"]  # type: ignore[operator]
        res[f"load_after_jobs{jobs}"] = load()
    return res


def monitoring_batch(p1: Path) -> dict[str, object]:
    import hashlib
    import shutil
    import tempfile

    import numpy as np
    import polars as pl

    from atlasia.core.evaluation import evaluate
    from atlasia.core.evaluation import monitoring as core
    from atlasia.core.evaluation.io import read_table_with_notes

    ref_csv, batch_csv = DATA / "monitoring_reference.csv", DATA / "monitoring_batch.csv"
    if not batch_csv.exists():
        base = pl.read_parquet(p1).with_columns(
            pl.col(c).cast(pl.String) for c in ("sex", "age_band", "region")
        )
        rng = np.random.default_rng(3)
        base.with_columns(pl.Series("income", rng.normal(1800, 300, base.height).round(0))).write_csv(ref_csv)
        # the batch: same model, incomes shifted (a drift the alert must catch)
        base.with_columns(pl.Series("income", rng.normal(2100, 300, base.height).round(0))).write_csv(
            batch_csv
        )
    spec = {"target": "y_true", "pred": "y_pred", "score": "y_score", "groups": ["sex", "age_band", "region"]}
    kw = {"n_bootstrap": 0, "auc_intervals": "none", "intersections": False}
    ref = pl.read_csv(ref_csv)
    reference_summary = core.summarise(evaluate(ref, **spec, **kw), [])
    prof = core.profile(ref, [c for c in ref.columns if c != "y_true"])
    groups = {g: sorted(ref.get_column(g).unique().to_list()) for g in spec["groups"]}  # type: ignore[union-attr]
    columns = ref.columns
    del ref
    res: dict[str, object] = {
        "rows": 1_000_000,
        "file_bytes": batch_csv.stat().st_size,
        "load_before": load(),
    }
    times = []
    for _ in range(2):
        t = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "predictions.csv"
            digest = hashlib.sha256()
            with batch_csv.open("rb") as src, target.open("wb") as out:
                for block in iter(lambda: src.read(1 << 20), b""):
                    digest.update(block)
                    out.write(block)
            df, _ = read_table_with_notes(target, max_bytes=None)
            core.check_batch(df, reference_columns=columns, reference_groups=groups, target="y_true")
            result = evaluate(df, **spec, **kw)
            drift = core.drift_from_profile(prof, df)
            summary = core.summarise(result, drift)
            alerts = core.alerts(reference_summary, summary, core.Thresholds())
            shutil.rmtree(tmp, ignore_errors=True)
        times.append(time.perf_counter() - t)
    res["upload_to_alert_s"] = min(times)
    res["alerts"] = [a["kind"] for a in alerts]
    res["load_after"] = load()
    return res


def main() -> int:
    import numpy
    import polars

    p1, p10 = ensure(1_000_000), ensure(10_000_000)
    results: dict[str, object] = {
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "polars": polars.__version__,
        "cpus": os.cpu_count(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    results["cli_vs_fairlearn_1m"] = cli_vs_fairlearn(p1)
    print(json.dumps(results["cli_vs_fairlearn_1m"]), flush=True)
    results["memory_10m"] = memory(p10)
    print(json.dumps(results["memory_10m"]), flush=True)
    results["bootstrap_auc_1m"] = bootstrap_auc(p1)
    print(json.dumps(results["bootstrap_auc_1m"]), flush=True)
    results["monitoring_batch_1m"] = monitoring_batch(p1)
    print(json.dumps(results["monitoring_batch_1m"]), flush=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
