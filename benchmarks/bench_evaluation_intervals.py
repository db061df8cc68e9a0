"""Benchmark of issue #19: default intervals (DeLong), memory at 10 M rows, bootstrap on two processes,
monitoring batch from upload to alert.

    .venv/bin/python benchmarks/bench_evaluation_intervals.py            # 1 M and 10 M rows (one run)
    .venv/bin/python benchmarks/bench_evaluation_intervals.py --quick    # 100 k and 1 M rows (develop)

(``make bench`` runs it with the other benchmarks.) Uses the Parquet files of ``bench_evaluation.py``
(generated if missing). Measured in one run, with the 1-minute load average before and after each step
(the machine is shared):

1. ``atlasia evaluate`` with its defaults (``--pred --score --group sex --group age_band``: 1,000
   multinomial resamples of the count metrics, AUC intervals by DeLong) as a process, against
   fairlearn's ``MetricFrame`` computing the same per-group metrics without intervals (accuracy,
   precision, recall, false positive rate, selection rate, count, and ROC AUC from the score) in a
   process that reads the file with pandas; the per-group numbers are compared (max |difference|);
2. peak memory (VmHWM) of ``evaluate_file`` with its defaults at 10 M rows, 3 group columns and scores,
   against the size of the columns read — in 5 processes in a row, the worst reported with the spread
   (``--memory-only`` runs just this step and prints it);
3. AUC bootstrap (1,000 resamples, overall + sex + age band + region) at 1 M rows on 2 processes and on
   1, wall and CPU time (the CPU of the worker processes included): on a shared machine the wall time
   is the CPU time divided by the share of the cores the run gets;
4. a monitoring batch of 1 M rows (42 MB CSV) from its upload to its alert, end to end through the page
   (``benchmarks/monitoring_batch.py`` in its own process: multipart upload, checks, evaluation, drift,
   database writes, audit row, e-mail), with the time of each stage.

Writes ``benchmarks/results/evaluation_intervals.json`` and ``benchmarks/results/evaluation_intervals.md``
(the table of the README, with the load of each step).
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
#: Processes measured for the peak memory (the worst one is reported, with the spread).
MEMORY_RUNS = 5

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


def memory(path: Path, runs: int = MEMORY_RUNS) -> dict[str, object]:
    """The peak of ``runs`` processes in a row (the target holds for every run): the worst run's
    figures, and the ratio of each run."""
    import polars as pl

    before = load()
    columns = int(pl.read_parquet(path).estimated_size())
    each = []
    for _ in range(runs):
        r = subprocess.run(
            [PY, "-c", MEMORY, str(path)], check=True, capture_output=True, text=True, cwd=ROOT
        )
        one = json.loads(r.stdout.strip().splitlines()[-1])
        one["peak_over_columns"] = (one["peak_rss_bytes"] - one["rss_after_imports_bytes"]) / columns
        each.append(one)
    res = dict(max(each, key=lambda one: one["peak_over_columns"]))
    res["columns_read_bytes"] = columns
    res["runs"] = [round(one["peak_over_columns"], 3) for one in each]
    res["peak_over_columns_min"] = min(one["peak_over_columns"] for one in each)
    res["load_before"], res["load_after"] = before, load()
    return res


def bootstrap_auc(path: Path) -> dict[str, object]:
    import numpy as np
    import polars as pl

    from atlasia.core.evaluation import ranking as rk
    from atlasia.core.evaluation.io import encode_group

    df = pl.read_parquet(path, columns=["y_true", "y_score", "sex", "age_band", "region"])
    score, y = df["y_score"].to_numpy(), df["y_true"].to_numpy().astype(np.int8)
    res: dict[str, object] = {"rows": int(score.size), "load_before": load()}
    t, c0 = time.perf_counter(), time.process_time()
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
    res["rank_cpu_s"] = time.process_time() - c0
    for jobs in (2, 1):
        t, c = time.perf_counter(), cpu_with_children()
        samples = rk.auc_bootstrap_many(layouts, 1000, np.random.default_rng(0), n_jobs=jobs)
        res[f"bootstrap_1000_jobs{jobs}_s"] = time.perf_counter() - t
        res[f"bootstrap_1000_jobs{jobs}_cpu_s"] = cpu_with_children() - c
        res[f"total_jobs{jobs}_s"] = res["rank_s"] + res[f"bootstrap_1000_jobs{jobs}_s"]  # type: ignore[operator]
        res[f"load_after_jobs{jobs}"] = load()
        res[f"samples_jobs{jobs}"] = [float(x.sum()) for x in samples]
    # the same samples whatever the number of processes
    res["same_samples_1_and_2_processes"] = res.pop("samples_jobs1") == res.pop("samples_jobs2")
    return res


def cpu_with_children() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def monitoring_batch(rows: int) -> dict[str, object]:
    """``benchmarks/monitoring_batch.py`` in its own process (a fresh SQLite database)."""
    before = load()
    r = subprocess.run(
        [PY, str(ROOT / "benchmarks" / "monitoring_batch.py"), "--rows", str(rows)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    res = json.loads(r.stdout.strip().splitlines()[-1])
    res["load_before_process"] = before
    return res


def _f(x: object, digits: int = 2) -> str:
    return "—" if x is None else f"{x:,.{digits}f}"  # type: ignore[str-format]


def markdown(results: dict[str, object]) -> str:
    """The table of the README: every figure of issue #19 with the load of its step."""
    empty: dict[str, object] = {}
    cli = results.get("cli_vs_fairlearn", empty)
    mem = results.get("memory", empty)
    boot = results.get("bootstrap_auc", empty)
    mon = results.get("monitoring_batch", empty)
    mib = 1024**2
    lines = [
        f"Run of {results['started']} UTC, {results['cpus']} CPUs, Python {results['python']}, "
        f"NumPy {results['numpy']}, Polars {results['polars']}; 1-minute load average before → after each step.",
        "",
        "| measure (target) | result | load (1 min) | verdict |",
        "|---|---|---|---|",
    ]
    if cli:
        lines += [
            f"| `atlasia evaluate` {cli['rows']:,} rows, defaults (1,000 resamples + DeLong AUC intervals) vs "  # type: ignore[index]
            f"fairlearn `MetricFrame` (same per-group metrics, no intervals), both as processes — **≥ 20×** | "
            f"{_f(cli['cli_defaults_s'])} s vs {_f(cli['fairlearn_process_s'], 1)} s: "  # type: ignore[index]
            f"**{cli['speedup']:.0f}×** | {cli['load_before']} → {cli['load_after']} | "  # type: ignore[index]
            f"{'met' if cli['speedup'] >= 20 else 'not met'} |",  # type: ignore[index,operator]
            f"| same numbers ({cli['values_compared']} per-group values) — **≤ 1e-9** | max abs. difference "  # type: ignore[index]
            f"{cli['max_abs_difference']:.1e} | | {'met' if cli['max_abs_difference'] <= 1e-9 else 'not met'} |",  # type: ignore[index,operator]
        ]
    if mem:
        over = (mem["peak_rss_bytes"] - mem["rss_after_imports_bytes"]) / mib  # type: ignore[operator]
        runs = mem.get("runs", [mem["peak_over_columns"]])
        spread = (
            f" (worst of {len(runs)} runs; best {mem['peak_over_columns_min']:.2f}×)"  # type: ignore[arg-type,index]
            if len(runs) > 1  # type: ignore[arg-type]
            else ""
        )
        lines += [
            f"| peak memory at {mem['rows']:,} rows, defaults, VmHWM above start-up / columns read — **< 2×** | "  # type: ignore[index]
            f"{over:.1f} MiB / {mem['columns_read_bytes'] / mib:.1f} MiB = **{mem['peak_over_columns']:.2f}×**{spread} | "  # type: ignore[index,operator]
            f"{mem['load_before']} → {mem['load_after']} | {'met' if mem['peak_over_columns'] < 2 else 'not met'} |",  # type: ignore[index,operator]
        ]
    if boot:
        lines += [
            f"| AUC bootstrap, 1,000 resamples, overall + sex + age band + region, {boot['rows']:,} rows — "  # type: ignore[index]
            f"**< 10 s wall** | **{_f(boot['total_jobs2_s'])} s** on 2 processes ({_f(boot['rank_s'])} s ranking + "  # type: ignore[index]
            f"{_f(boot['bootstrap_1000_jobs2_s'])} s, {_f(boot['bootstrap_1000_jobs2_cpu_s'])} s CPU); "  # type: ignore[index]
            f"{_f(boot['total_jobs1_s'])} s on 1 ({_f(boot['bootstrap_1000_jobs1_cpu_s'])} s CPU) | "  # type: ignore[index]
            f"{boot['load_before']} → {boot['load_after_jobs2']} → {boot['load_after_jobs1']} | "  # type: ignore[index]
            f"{'met' if boot['total_jobs2_s'] < 10 else 'not met'} |",  # type: ignore[index,operator]
        ]
    if mon:
        lines += [
            f"| monitoring batch, {mon['rows']:,} rows ({mon['file_bytes'] / 1e6:.0f} MB CSV), from upload to alert "  # type: ignore[index,operator]
            f"through the page — **< 5 s** | **{_f(mon['upload_to_alert_s'])} s** ({_f(mon['cpu_s'])} s CPU: copy + "  # type: ignore[index]
            f"SHA-256 {_f(mon.get('private_copy_sha256_s'))}, read {_f(mon.get('read_csv_s'))}, checks "  # type: ignore[union-attr]
            f"{_f(mon.get('checks_s'))}, evaluation {_f(mon.get('evaluation_s'))}, drift {_f(mon.get('drift_s'))}, "  # type: ignore[union-attr]
            f"writes {_f(mon.get('writes_s'))}, e-mail {_f(mon.get('email_s'))}, request {_f(mon.get('request_other_s'))}) | "  # type: ignore[union-attr]
            f"{mon['load_before']} → {mon['load_after']} | {'met' if mon['met'] else 'not met'} |",  # type: ignore[index]
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    import argparse

    import numpy
    import polars

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="100 k and 1 M rows instead of 1 M and 10 M")
    ap.add_argument("--table-only", action="store_true", help="rewrite the .md table from the .json")
    ap.add_argument(
        "--memory-only",
        action="store_true",
        help="only the peak memory step (printed, not saved): MEMORY_RUNS processes in a row",
    )
    args, _ = ap.parse_known_args()
    if args.table_only:
        stem = "evaluation_intervals_quick" if args.quick else "evaluation_intervals"
        data = json.loads((OUT.parent / f"{stem}.json").read_text(encoding="utf-8"))
        (OUT.parent / f"{stem}.md").write_text(markdown(data), encoding="utf-8")
        print(markdown(data))
        return 0
    small, large = (100_000, 1_000_000) if args.quick else (1_000_000, 10_000_000)
    if args.memory_only:
        print(json.dumps({"rows": large, **memory(ensure(large))}), flush=True)
        return 0
    p1, p10 = ensure(small), ensure(large)
    results: dict[str, object] = {
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "polars": polars.__version__,
        "cpus": os.cpu_count(),
        "started": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "load_at_start": os.getloadavg(),
    }
    name = "evaluation_intervals_quick" if args.quick else "evaluation_intervals"
    OUT.parent.mkdir(parents=True, exist_ok=True)

    def save() -> None:  # after each step: a long run interrupted keeps what it measured
        (OUT.parent / f"{name}.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")

    # the steps of this session's work first, the long fairlearn process last
    results["bootstrap_auc"] = bootstrap_auc(p1)
    print(json.dumps(results["bootstrap_auc"]), flush=True)
    save()
    results["monitoring_batch"] = monitoring_batch(small)
    print(json.dumps(results["monitoring_batch"]), flush=True)
    save()
    results["memory"] = {"rows": large, **memory(p10)}
    print(json.dumps(results["memory"]), flush=True)
    save()
    results["cli_vs_fairlearn"] = {"rows": small, **cli_vs_fairlearn(p1)}
    print(json.dumps(results["cli_vs_fairlearn"]), flush=True)
    results["finished"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    save()
    table = markdown(results)
    (OUT.parent / f"{name}.md").write_text(table, encoding="utf-8")
    print(table, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
